"""The refine stage: a case-limited parameter refitted to its own case's targets after the SMM."""

import pytest

from raaderum.calibration.calibrate import load_fitted
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
