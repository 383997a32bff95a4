"""The refine stage: a case-limited parameter refitted to its own case's targets after the SMM."""

import tomllib

import pandas as pd
import pytest

from raaderum.calibration.calibrate import Settings, calibrate, load_fitted
from raaderum.calibration.objective import replication_seeds
from raaderum.calibration.refine import refine_case_parameters, refinement_table
from raaderum.calibration.space import load_space
from raaderum.calibration.targets import load_targets


@pytest.fixture(scope="module")
def refined_from_the_lower_bound():
    """Aabenraa's inflow moved to its lower bound, then refined on one seed and coarse grids."""
    space, targets = load_space(), load_targets()
    limited = [p for p in space.parameters if p.cases]
    assert [p.path for p in limited] == ["inflow.activity_ready"]
    p = limited[0]
    start = {**load_fitted(), p.path: p.low}
    values, done = refine_case_parameters(start, space, targets, replication_seeds(1, 1), grid_points=3)
    return p, start, values, done


@pytest.mark.slow
def test_only_the_case_parameter_moves_and_its_own_targets_come_closer(refined_from_the_lower_bound):
    p, start, values, done = refined_from_the_lower_bound
    assert [(r.path, r.cases) for r in done] == [(p.path, ("aabenraa",))]
    assert {k: v for k, v in values.items() if k != p.path} == {k: v for k, v in start.items() if k != p.path}
    r = done[0]
    assert r.before == p.low and values[p.path] == r.after
    assert p.low < r.after <= p.high
    assert r.distance_after < r.distance_before
    table = refinement_table(done)
    assert len(table) == 1 + 3 + 3  # the SMM's value, the coarse grid, the fine grid
    assert table["distance"].min() == r.distance_after


def test_without_the_case_s_targets_nothing_is_refitted():
    space, targets = load_space(), load_targets()
    start = load_fitted()
    taarnby = targets.for_cases(["taarnby"])
    values, done = refine_case_parameters(start, space, taarnby, replication_seeds(1, 1))
    assert values == start and done == []
    assert list(refinement_table(done).columns) == ["parameter", "cases", "value", "distance"]


@pytest.mark.slow
def test_calibrate_refits_aabenraa_s_inflow_after_the_smm_and_reports_it(tmp_path):
    out = tmp_path / "cal"
    settings = Settings(trials=4, batch=4, report_replications=2)
    summary = calibrate(out, cases=["aabenraa"], settings=settings, posterior=False)
    table = pd.read_csv(out / "refine_trials.csv")
    assert set(table["parameter"]) == {"inflow.activity_ready"} and len(table) == 1 + 9 + 9
    best = table.loc[table["distance"].idxmin(), "value"]
    fitted = tomllib.loads((out / "fitted.toml").read_text(encoding="utf-8"))
    assert fitted["parameters"]["inflow.activity_ready"] == summary["fitted"]["inflow.activity_ready"] == best
    smm = pd.read_csv(out / "smm_trials.csv")
    smm_best = smm.loc[smm["distance"].idxmin()]
    others = {k: v for k, v in fitted["parameters"].items() if k != "inflow.activity_ready"}
    assert others == {k: float(smm_best[k]) for k in others}  # the rest is the SMM's point
    report = (out / "fit_report.md").read_text(encoding="utf-8")
    assert "refitted to those targets alone after the SMM" in report
