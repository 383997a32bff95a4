"""The compiled kernels give exactly the numbers of the pure-numpy code they replace."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import with_section

from raaderum.agents.caseworkers import CaseworkerArrays, assign_cases
from raaderum.experiments import run_paired
from raaderum.sim import kernels
from raaderum.sim.accounting import budget_counts
from raaderum.sim.life_events import _first_crossing_numpy
from raaderum.sim.model import Municipality
from raaderum.sim.parameters import Staff
from raaderum.sim.scenario import default_scenario
from raaderum.sim.states import Team
from raaderum.sim.streams import RandomStreams
from raaderum.sim.week import Levers, Week

pytestmark = pytest.mark.skipif(not kernels.available(), reason="numba not installed")


@pytest.fixture
def backend():
    """Switch kernels inside a test and restore the process's choice afterwards."""
    before = kernels.backend()
    yield kernels.use
    kernels.use(before)


def both(backend, func):
    """``func()`` with pure numpy and with the compiled kernels."""
    backend("numpy")
    expected = func()
    backend("numba")
    return expected, func()


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.intp])
def test_keyed_uniforms_are_identical(backend, dtype):
    streams = RandomStreams(11)
    ids = np.random.default_rng(0).integers(0, 2**31, 5000).astype(dtype)
    for purpose, week, draw in (("job_finding", 0, 0), ("relapse", 415, 3), ("programme", 2**20, 255)):
        expected, got = both(backend, lambda p=purpose, w=week, d=draw: streams.keyed_uniform(p, w, ids, d))
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == np.float64 and got.min() >= 0 and got.max() < 1


def test_case_assignment_is_identical(backend):
    rng = np.random.default_rng(3)
    for trial in range(50):
        staff = Staff(caseworkers_activity_ready=int(rng.integers(1, 20)), caseworkers_job_ready=3)
        cw = CaseworkerArrays(staff, int(rng.integers(0, 8)), Team.ACTIVITY_READY)
        cw.active[:] = rng.random(cw.n) < 0.8
        start = rng.integers(0, 120, cw.n).astype(np.int32)
        teams = rng.integers(0, 3, int(rng.integers(0, 400))).astype(np.int8)

        def assign(cw=cw, start=start, teams=teams):
            cw.caseload[:] = start
            return assign_cases(teams, cw), cw.caseload.copy()

        (slots_np, load_np), (slots_nb, load_nb) = both(backend, assign)
        np.testing.assert_array_equal(slots_nb, slots_np, err_msg=f"trial {trial}")
        np.testing.assert_array_equal(load_nb, load_np, err_msg=f"trial {trial}")


def test_relapse_weeks_are_identical(backend):
    """Exits with and without an employer, sick and education exits, with follow-up."""
    sc = default_scenario().replace(end_year=2018)
    model = Municipality(sc, agent_views=False)
    rng = np.random.default_rng(9)
    n, w, horizon = 3000, 40, sc.n_weeks - 41
    rate = rng.uniform(0.002, 0.05, n)
    constant = rng.random(n) < 0.2
    firm = np.where(rng.random(n) < 0.5, rng.integers(0, model.employers.n, n), -1)
    firm[constant] = -1
    covered = np.where(rng.random(n) < 0.3, rng.integers(1, 60, n), 0)
    threshold = -np.log1p(-rng.random(n))

    def first():
        args = (rate, constant, firm, covered, threshold, model.relapse_decay, model.layoff_factor)
        if kernels.compiled():
            return kernels.first_crossing(*args, w, horizon, 0.4)
        return _first_crossing_numpy(*args, w, horizon, 0.4)

    expected, got = both(backend, first)
    np.testing.assert_array_equal(got, expected)
    assert (got == -1).any() and (got >= 0).any()


def test_budget_counts_are_identical(backend):
    sc = default_scenario().with_values({"end_year": 2017, "strategy.end_year": 2017})
    model = Municipality(sc, agent_views=False)
    for _ in range(80):
        model.step()
    w, n = model.week, model.citizens.n
    week = Week(index=w, year=model.year_of(w), levers=Levers(), new=model.citizens.state[:n].copy())
    expected, got = both(backend, lambda: budget_counts(model, week))
    np.testing.assert_array_equal(got[0], expected[0])
    assert got[1:] == expected[1:]
    assert expected[0].sum() > 0 and expected[1] > 0


@pytest.mark.parametrize("levers", ["kik", "every lever"])
def test_whole_runs_are_identical(backend, levers):
    sc = default_scenario().replace(end_year=2019)
    if levers == "every lever":
        levers_on = {"screening_triage": True, "enterprise_oriented": True, "relapse_followup": True}
        sc = with_section(sc, "strategy", **levers_on)
    expected, got = both(backend, lambda: run_paired(sc, seed=5))
    for run in ("baseline", "strategy"):
        pd.testing.assert_frame_equal(getattr(got, run).weekly, getattr(expected, run).weekly)


@pytest.mark.parametrize(
    ("value", "expected"), [("numpy", "numpy"), ("numba", "numba"), ("", "numba"), ("fortran", "numpy")]
)
def test_environment_chooses_the_kernels(value, expected):
    env = {**os.environ, "RAADERUM_KERNELS": value}
    code = "from raaderum.sim import kernels; print(kernels.backend())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == expected
    if value == "fortran":
        assert "not one of numba, numpy" in out.stderr


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="kernels must be one of"):
        kernels.use("cython")


def test_weeks_in_states_counts_like_numpy():
    from raaderum.sim.states import IS_SELF_SUPPORT

    rng = np.random.default_rng(4)
    history = rng.integers(-1, 10, (60, 500)).astype(np.int8)
    ids = rng.choice(500, 80, replace=False)
    expected = IS_SELF_SUPPORT[history[5:41, ids].clip(0)].sum(axis=0)
    np.testing.assert_array_equal(kernels.weeks_in_states(history, 5, 41, ids, IS_SELF_SUPPORT), expected)
