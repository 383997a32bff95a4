"""Parameter recovery: calibrating against targets simulated at known parameter values."""

import math

import numpy as np
import pandas as pd
import pytest

from raaderum.calibration.calibrate import Settings
from raaderum.calibration.recovery import (
    RECOVERY_STREAM,
    recovery_study,
    recovery_summary,
    recovery_text,
    synthetic_targets,
)
from raaderum.calibration.space import load_space
from raaderum.calibration.targets import load_targets
from raaderum.sim.cli import main


def test_synthetic_targets_take_the_simulated_figures_and_drop_what_the_truth_cannot_produce():
    targets = load_targets().for_cases(["fureso"])
    ids = [t.id for t in targets]
    simulated = {i: 0.1 * k for k, i in enumerate(ids)}
    simulated[ids[0]] = math.nan
    synth = synthetic_targets(targets, simulated)
    assert [t.id for t in synth] == ids[1:]
    for t, original in zip(synth, list(targets)[1:], strict=True):
        assert t.value == simulated[t.id] and t.unmet == ""
        assert (t.tolerance, t.kind, t.weight) == (original.tolerance, original.kind, original.weight)


def _table() -> pd.DataFrame:
    rows = []
    for truth in range(4):
        for name, error, covered in (("a", 0.05, True), ("b", 0.3 * (truth + 1), truth < 1)):
            rows.append({"truth_index": truth, "parameter": name, "error_unit": error, "covered": covered})
    return pd.DataFrame(rows)


def test_the_summary_counts_close_estimates_and_coverage_per_parameter():
    summary = recovery_summary(_table()).set_index("parameter")
    assert summary.loc["a", "within_close"] == 4 and summary.loc["a", "coverage"] == 1.0
    assert summary.loc["b", "within_close"] == 0 and summary.loc["b", "coverage"] == 0.25
    assert summary.loc["b", "mean_abs_error_unit"] == pytest.approx(0.75)
    text = recovery_text(_table(), "settings")
    assert "**4 of 8 estimates within 0.1 of the truth**" in text
    assert "holds the truth in 5 of 8 cases" in text


def test_recovery_with_bad_arguments_is_one_line_and_exit_2(tmp_path, capsys):
    out = tmp_path / "rec"
    assert main(["calibrate", "--recovery", "0", "--out", str(out)]) == 2
    assert main(["calibrate", "--recovery", "2", "--identify", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all("--recovery" in line for line in err)
    assert not out.exists()


@pytest.mark.slow
def test_a_recovery_study_draws_its_truths_from_its_own_stream_and_writes_its_report(tmp_path):
    settings = Settings(trials=4, replications=1, batch=4, report_replications=1)
    out = tmp_path / "rec"
    summary = recovery_study(out, truths=1, cases=["taarnby"], settings=settings, posterior=False)
    space = load_space()
    assert list(summary["parameter"]) == space.names
    assert {"recovery.csv", "recovery_summary.csv", "recovery_report.md", "recovery.png"} <= {
        p.name for p in out.iterdir()
    }
    table = pd.read_csv(out / "recovery.csv")
    draw = np.random.SeedSequence(settings.seed, spawn_key=(RECOVERY_STREAM, 0)).spawn(5)[0]
    np.testing.assert_allclose(table["truth_unit"], np.random.default_rng(draw).random(len(space)))
    assert table["estimate_unit"].between(0, 1).all()
    np.testing.assert_allclose(table["error_unit"], table["estimate_unit"] - table["truth_unit"])
    assert table["covered"].isna().all()  # no posterior
    assert "No posterior was run." in (out / "recovery_report.md").read_text(encoding="utf-8")
