"""The refine stage: a case-limited parameter, a parameter acting in some cases only and a case's own
value are refitted to those cases' targets after the SMM."""

import tomllib

import pandas as pd
import pytest

from raaderum.calibration.calibrate import Settings, calibrate, load_fitted
from raaderum.calibration.cases import CASES, run_case
from raaderum.calibration.objective import case_seeds, replication_seeds
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
    aabenraa = targets.for_cases(["aabenraa"])
    values, done = refine_case_parameters(start, space, aabenraa, replication_seeds(1, 1), grid_points=3)
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
    skanderborg = targets.for_cases(["skanderborg"])  # no parameter is limited to it or acts only there
    assert not any("skanderborg" in p.fitted_to for p in space.case_parameters)
    values, done = refine_case_parameters(start, space, skanderborg, replication_seeds(1, 1))
    assert values == start and done == []
    assert list(refinement_table(done).columns) == ["parameter", "cases", "value", "distance"]


@pytest.mark.slow
def test_calibrate_refits_aabenraa_s_inflow_after_the_smm_and_reports_it(tmp_path):
    out = tmp_path / "cal"
    settings = Settings(trials=4, batch=4, report_replications=2, identify_points=0)
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


@pytest.mark.slow
def test_a_case_s_own_value_starts_at_the_shared_value_and_moves_only_that_case():
    space, targets = load_space(), load_targets()
    (own,) = [p for p in space.own_values if p.cases == ("fureso",)]
    shared = {k: v for k, v in load_fitted().items() if "@" not in k}
    fureso = targets.for_cases(["fureso"])
    # Furesø's relapse target alone: the shared hazard leaves it short (targets.toml history)
    values, done = refine_case_parameters(shared, space, fureso, replication_seeds(1, 1), grid_points=3)
    refits = {r.path: r for r in done}
    r = refits[own.key]
    assert r.before == shared[own.path]  # starts at the shared value
    assert values[own.path] == shared[own.path]  # the shared value is not moved
    assert values[own.key] == r.after and r.distance_after <= r.distance_before
    assert own.low <= r.after <= own.high


@pytest.mark.slow
def test_a_parameter_acting_in_some_cases_only_changes_no_other_case():
    """The ``acts_in`` claim of space.toml, checked: at either bound the other cases run identically."""
    space = load_space()
    acting = [p for p in space.parameters if p.acts_in]
    assert acting, "space.toml declares no acts_in parameter"
    seed = replication_seeds(3, 1)[0]
    fitted = load_fitted()
    for p in acting:
        for case in [c for c in CASES if c not in p.acts_in]:
            low, high = (
                run_case(CASES[case], {**fitted, p.path: x}, case_seeds(seed)[case], space)
                for x in (p.low, p.high)
            )
            for a, b in ((low.strategy, high.strategy), (low.baseline, high.baseline)):
                if a is not None and b is not None:
                    pd.testing.assert_frame_equal(a.result.weekly, b.result.weekly)
