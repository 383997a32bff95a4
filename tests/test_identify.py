"""Which parameters the targets pin down: slices, posterior contraction, trade-offs, verdicts."""

import numpy as np
import pandas as pd
import pytest

from raaderum.calibration.identify import (
    SIMULATED,
    contraction,
    effective_sample_size,
    identifiability,
    identifiability_text,
    tradeoffs,
)
from raaderum.calibration.space import load_space
from raaderum.calibration.targets import load_targets
from raaderum.sim.cli import main


def _posterior(u: np.ndarray) -> pd.DataFrame:
    space = load_space()
    return pd.DataFrame(space.from_unit(u), columns=space.names)


def test_a_resampled_posterior_counts_its_distinct_particles_only():
    rng = np.random.default_rng(1)
    three = rng.random((3, 4))
    drawn = three[rng.choice(3, size=200, p=[0.5, 0.25, 0.25])]
    assert effective_sample_size(drawn) < 3
    assert effective_sample_size(three, np.array([1.0, 1.0, 1.0])) == pytest.approx(3.0)
    assert effective_sample_size(rng.random((100, 4))) == pytest.approx(100.0)


def test_contraction_is_zero_for_the_prior_and_near_one_for_a_narrow_posterior():
    space = load_space()
    rng = np.random.default_rng(2)
    prior = contraction(_posterior(rng.random((20_000, len(space)))), space)
    assert prior.abs().max() < 0.05
    narrow = contraction(_posterior(0.5 + 0.01 * rng.standard_normal((2_000, len(space)))), space)
    assert narrow.min() > 0.99


def test_strongly_correlated_parameters_are_named_as_a_trade_off():
    space = load_space()
    rng = np.random.default_rng(3)
    u = rng.random((5_000, len(space)))
    u[:, 1] = np.clip(u[:, 0] + 0.02 * rng.standard_normal(5_000), 0, 1)  # the second follows the first
    pairs = tradeoffs(_posterior(u), space)
    assert pairs[["parameter", "other"]].values.tolist() == [[space.names[0], space.names[1]]]
    assert pairs["correlation"].iloc[0] > 0.95


def _slices(flat: str, steep: str) -> pd.DataFrame:
    """A hand-made slice table: one parameter the target ignores, one it follows."""
    rows = []
    for p in load_space().parameters:
        for i, u in enumerate([0.5, 0.0, 0.5, 1.0]):
            moves = p.path == steep
            rows.append(
                {
                    "parameter": p.path,
                    "value": float(p.from_unit(np.array([u]))[0]),
                    "unit": u,
                    "fitted": i == 0,
                    "distance": 1.0 + (4.0 * (u - 0.5) ** 2 if moves else 0.0),
                    SIMULATED + "aabenraa.stock_at_start": 1000.0 + (400.0 * u if moves else 0.0),
                }
            )
    return pd.DataFrame(rows)


def test_a_slice_at_distance_zero_is_flat_and_one_leaving_zero_is_steep():
    space, targets = load_space(), load_targets()
    slices = _slices(space.names[0], space.names[1])
    slices["distance"] = 0.0  # every target met (one-sided targets give exactly 0)
    slices.loc[(slices["parameter"] == space.names[1]) & (slices["unit"] == 1.0), "distance"] = 0.5
    table = identifiability(slices, space, targets).set_index("parameter")
    assert (
        table.loc[space.names[0], "slice_rise"] == 0
        and table.loc[space.names[0], "verdict"] == "not identified"
    )
    assert (
        table.loc[space.names[1], "slice_rise"] == float("inf")
        and table.loc[space.names[1], "verdict"] == "responds"
    )


def test_verdicts_follow_the_slice_and_a_usable_posterior_only():
    space, targets = load_space(), load_targets()
    flat, steep = space.names[0], space.names[1]
    table = identifiability(_slices(flat, steep), space, targets).set_index("parameter")
    assert table.loc[flat, "verdict"] == "not identified" and table.loc[flat, "slice_rise"] == 0
    assert table.loc[steep, "verdict"] == "responds"  # no posterior to say more
    assert table.loc[steep, "most_moved_target"] == "aabenraa.stock_at_start"
    tolerance = {t.id: t.tolerance for t in targets}["aabenraa.stock_at_start"]
    assert table.loc[steep, "target_span_tolerances"] == pytest.approx(400.0 / tolerance)
    rng = np.random.default_rng(4)
    u = rng.random((400, len(space)))
    u[:, 1] = 0.5 + 0.02 * rng.standard_normal(400)  # narrow around the fitted value
    usable = identifiability(_slices(flat, steep), space, targets, _posterior(u)).set_index("parameter")
    assert usable.loc[steep, "verdict"] == "identified" and usable.loc[steep, "contraction"] > 0.9
    collapsed = _posterior(u[rng.choice(5, size=400)])  # five particles drawn over and over
    few = identifiability(_slices(flat, steep), space, targets, collapsed).set_index("parameter")
    assert few.loc[steep, "verdict"] == "responds" and few.loc[steep, "posterior_ess"] <= 5
    text = "\n".join(identifiability_text(few.reset_index()))
    assert "below 50" in text and "are left out" in text and flat in text


@pytest.mark.slow
def test_identify_at_the_shipped_fit_from_the_command_line(tmp_path, capsys):
    """``calibrate --identify`` slices the shipped fit; on Skanderborg's targets the employer
    willingness (it acts in ISU's cases only) is flat, and the shipped posterior is too degenerate
    to judge by."""
    out = tmp_path / "identify"
    assert main(["calibrate", "--identify", "--cases", "skanderborg", "--jobs", "2", "--out", str(out)]) == 0
    assert "Identifiability:" in capsys.readouterr().out
    assert {"identifiability.md", "identifiability.csv", "identify_slices.csv"} <= {
        p.name for p in out.iterdir()
    }
    table = pd.read_csv(out / "identifiability.csv").set_index("parameter")
    assert list(table.index) == load_space().names
    assert table.loc["effects.enterprise_willingness", "verdict"] == "not identified"
    assert (table["posterior_ess"] < 50).all() and (table["verdict"] != "identified").all()
    slices = pd.read_csv(out / "identify_slices.csv")
    assert len(slices) == 6 * len(load_space())  # the fitted value and five points over the bounds
    assert "below 50" in (out / "identifiability.md").read_text(encoding="utf-8")


def test_the_slices_scale_with_the_budget_but_keep_both_bounds():
    from raaderum.calibration.calibrate import Settings

    assert Settings().identify_points == 5
    assert Settings().with_budget(4).identify_points == 2  # the bounds
    assert Settings().with_budget(640).identify_points == 20
    assert Settings(identify_points=0).with_budget(4).identify_points == 0  # off stays off
