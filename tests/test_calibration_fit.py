"""The shipped parameters are the calibrated ones, and they meet the targets (small replications)."""

import numpy as np
import pandas as pd
import pytest

from raaderum.calibration.calibrate import Settings, load_fitted, report_runs, shipped_fit_path
from raaderum.calibration.cases import CASES
from raaderum.calibration.objective import replication_seeds
from raaderum.calibration.report import target_table
from raaderum.calibration.space import load_space
from raaderum.calibration.targets import load_targets
from raaderum.experiments.spec import load_spec
from raaderum.sim.scenario import default_scenario, parameter_type

pytestmark = pytest.mark.slow  # whole runs or processes: `pytest -m "not slow"` skips them

#: The fit report's replications (8 seeds, about 30 s on one core): the verdicts match its table.
REPLICATIONS = Settings().report_replications


def test_shipped_defaults_are_the_fitted_parameters():
    fitted = load_fitted()
    space = load_space()
    assert set(fitted) == set(space.fitted_names)
    base = default_scenario()
    for p in [*space.parameters, *space.own_values]:
        value = fitted[p.key]
        expected = round(value) if parameter_type(p.path) is int else value
        # a case's own figure or own value is in that case's scenario (the default is Aabenraa's)
        for scenario in [CASES[c].load() for c in p.cases] or [base]:
            assert scenario.get(p.path) == pytest.approx(expected, rel=1e-3), (p.key, scenario.name)


@pytest.fixture(scope="module")
def fit_table():
    targets = load_targets()
    # no values passed: every case runs with its shipped scenario and the shipped defaults
    runs, _ = report_runs(
        {}, targets, load_space(), replication_seeds(Settings().seed + 1, REPLICATIONS), jobs=1
    )
    return target_table(targets, runs)


def test_every_target_is_met_within_tolerance_or_explained(fit_table):
    missed = fit_table[~fit_table["within"] & (fit_table["unmet_reason"] == "")]
    assert missed.empty, (
        "targets missed without a recorded reason:\n"
        + missed[["target", "reported", "tolerance", "simulated_mean"]].to_string()
    )


def test_reasons_are_recorded_only_for_misses(fit_table):
    # a target met at the shipped parameters must not carry a stale reason for missing
    stale = fit_table[fit_table["within"] & (fit_table["unmet_reason"] != "")]
    assert stale.empty, f"met, but marked unmet: {', '.join(stale['target'])}"


def test_shipped_posterior_is_a_valid_uncertainty_distribution(tmp_path):
    path = shipped_fit_path().with_name("posterior.parquet")
    posterior = pd.read_parquet(path)
    space = load_space()
    assert list(posterior.columns) == space.names
    assert len(posterior) >= 100
    assert space.inside(posterior.to_numpy()).all()
    assert (posterior.std() > 0).all()
    spec = tmp_path / "spec.toml"
    spec.write_text(
        f"""
name = "posterior"
scenario = "aabenraa_2016"
[design]
method = "lhs"
points = 4
[[uncertain]]
name = "calibrated"
distribution = "posterior"
posterior = "{path}"
""",
        encoding="utf-8",
    )
    loaded = load_spec(spec)
    (u,) = loaded.uncertain
    row = u.values(0, loaded.base)
    assert set(row) == set(space.names)
    assert np.isfinite(list(row.values())).all()
    spec.write_text(spec.read_text(encoding="utf-8").replace(str(path), "calibrated"), encoding="utf-8")
    shipped = load_spec(spec)
    assert shipped.uncertain[0].posterior.equals(u.posterior)
