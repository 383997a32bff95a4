"""The compiled kernels give exactly the numbers of the pure-numpy oracles (tests/oracles.py).

Each kernel is compared with its oracle on the same inputs; then whole runs with every kernel
swapped for its oracle must equal the compiled runs bit for bit.
"""

import numpy as np
import oracles
import pandas as pd
import pytest
from conftest import with_section

from raaderum.agents.caseworkers import CaseworkerArrays
from raaderum.experiments import run_paired
from raaderum.sim import bookkeeping, kernels
from raaderum.sim.casework import meeting_rules
from raaderum.sim.model import Municipality
from raaderum.sim.parameters import Staff
from raaderum.sim.scenario import default_scenario
from raaderum.sim.states import IS_CASE, IS_SELF_SUPPORT, State, Team
from raaderum.sim.streams import RandomStreams


@pytest.fixture
def oracle_kernels(monkeypatch):
    """Every kernel replaced by its numpy oracle for the duration of a test."""
    for name in oracles.KERNELS:
        monkeypatch.setattr(kernels, name, getattr(oracles, name))


def test_every_kernel_has_an_oracle():
    import inspect

    compiled = {n for n, f in vars(kernels).items() if hasattr(f, "py_func")}
    assert compiled == set(oracles.KERNELS)
    for name in oracles.KERNELS:
        kernel = inspect.signature(getattr(kernels, name).py_func)
        assert list(inspect.signature(getattr(oracles, name)).parameters) == list(kernel.parameters), name


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.intp])
def test_keyed_uniforms_are_identical(dtype):
    ids = np.random.default_rng(0).integers(0, 2**31, 5000).astype(dtype)
    for key, week, draw in ((np.uint64(7), 0, 0), (np.uint64(2**63 + 5), 415, 3), (np.uint64(1), 2**20, 255)):
        got = kernels.keyed_uniform(key, week, draw, ids)
        np.testing.assert_array_equal(got, oracles.keyed_uniform(key, week, draw, ids))
        assert got.dtype == np.float64 and got.min() >= 0 and got.max() < 1


def test_case_assignment_is_identical():
    rng = np.random.default_rng(2)
    for _ in range(20):
        cw = CaseworkerArrays(
            Staff(caseworkers_activity_ready=7, caseworkers_job_ready=5), 3, Team.ACTIVITY_READY
        )
        cw.active[rng.random(cw.n) < 0.2] = False
        start = rng.integers(0, 60, cw.n).astype(cw.caseload.dtype)
        teams = rng.integers(0, len(Team), rng.integers(0, 200)).astype(np.int8)
        load_k, load_o = start.copy(), start.copy()
        slots_k = kernels.assign_cases(teams, cw.active, cw.team, load_k)
        slots_o = oracles.assign_cases(teams, cw.active, cw.team, load_o)
        np.testing.assert_array_equal(slots_k, slots_o)
        np.testing.assert_array_equal(load_k, load_o)


def test_relapse_weeks_are_identical():
    """Exits with and without an employer, sick and education exits, with follow-up, new and old."""
    sc = default_scenario().replace(end_year=2018)
    model = Municipality(sc, agent_views=False)
    rng = np.random.default_rng(9)
    n, w, horizon = 3000, 40, sc.n_weeks - 41
    rate = rng.uniform(0.002, 0.05, n)
    firm = np.where(rng.random(n) < 0.5, rng.integers(0, model.employers.n, n), -1)
    covered = np.where(rng.random(n) < 0.3, rng.integers(1, 60, n), 0)
    threshold = -np.log1p(-rng.random(n))
    elapsed = np.where(rng.random(n) < 0.5, rng.integers(1, 40, n), 0)  # exits before ``w`` too
    args = (
        rate,
        firm,
        covered,
        threshold,
        elapsed,
        model.relapse_decay,
        model.layoff_factor,
        w,
        horizon,
        0.4,
    )
    got = kernels.first_crossing(*args)
    np.testing.assert_array_equal(got, oracles.first_crossing(*args))
    assert (got == -1).any() and (got >= 0).any()


@pytest.fixture(scope="module")
def midrun():
    """A model 80 weeks into a run with every lever on (the state the kernels meet)."""
    sc = default_scenario().with_values({"end_year": 2017, "strategy.end_year": 2017})
    model = Municipality(sc, agent_views=False)
    for _ in range(80):
        model.step()
    return model


def test_meeting_allocation_is_identical(midrun):
    c, w = midrun.citizens, midrun.week
    case = np.flatnonzero(IS_CASE[c.state[: c.n]])
    cols = kernels.MeetingColumns(c.caseworker, c.last_meeting, c.spell_start, c.state, c.capacity)
    args = (case, cols, w, meeting_rules(midrun.params, midrun.year_of(w)))
    got, expected = kernels.meeting_candidates(*args), oracles.meeting_candidates(*args)
    for g, e in zip(got[:3], expected[:3], strict=True):
        np.testing.assert_array_equal(g, e)
    assert got[3] == expected[3] > 0
    order = np.argsort(got[1], kind="stable")
    for minutes in (300.0, midrun.caseworkers.minutes_per_week, 1e9):
        met = kernels.meet_in_order(order, got[1], got[2], minutes)
        np.testing.assert_array_equal(met, oracles.meet_in_order(order, got[1], got[2], minutes))


def test_budget_counts_and_the_reset_window_are_identical(midrun):
    c, n, w = midrun.citizens, midrun.citizens.n, midrun.week
    state = c.state[:n].copy()
    columns = tuple(
        col[:n] for col in (c.settle_week, c.wob_base, c.benefit_since, c.followup_until, c.exit_week)
    )
    first_weeks = np.asarray(midrun.params.budget.refund_band_first_weeks)
    got = kernels.budget_counts(state, *columns, IS_CASE, first_weeks, w)
    expected = oracles.budget_counts(state, *columns, IS_CASE, first_weeks, w)
    np.testing.assert_array_equal(got[0], expected[0])
    assert got[1:] == expected[1:]
    ids = np.arange(0, n, 7)
    for lo in (1, max(w - 156, 1), w):
        got = kernels.weeks_in_states(c.history, lo, w + 1, ids, IS_SELF_SUPPORT)
        np.testing.assert_array_equal(
            got, oracles.weeks_in_states(c.history, lo, w + 1, ids, IS_SELF_SUPPORT)
        )


def test_the_commit_is_identical(midrun):
    c, n, w = midrun.citizens, midrun.citizens.n, midrun.week
    rng = np.random.default_rng(5)
    old = c.state[:n].copy()
    new = old.copy()
    changed = np.sort(rng.choice(n, 600, replace=False))
    new[changed] = rng.integers(0, len(State), changed.size).astype(np.int8)
    changed = changed[new[changed] != old[changed]]
    results = []
    for impl in (kernels.commit_changes, oracles.commit_changes):
        cols = kernels.CommitColumns(*(getattr(c, f)[:n].copy() for f in kernels.CommitColumns._fields))
        exits, entering = impl(changed, old, new, w, w + 40, bookkeeping.COMMIT_TABLES, cols)
        results.append((exits, entering, cols))
    (e1, n1, c1), (e2, n2, c2) = results
    np.testing.assert_array_equal(e1, e2)
    np.testing.assert_array_equal(n1, n2)
    assert e1.size and n1.size
    for field, a, b in zip(kernels.CommitColumns._fields, c1, c2, strict=True):
        np.testing.assert_array_equal(a, b, err_msg=field)


@pytest.fixture(scope="module")
def compiled_runs():
    sc = default_scenario().replace(end_year=2019)
    kik = run_paired(sc, seed=5)
    every = with_section(
        sc,
        "strategy",
        screening_triage=True,
        enterprise_oriented=True,
        relapse_followup=True,
        target_caseload=40.0,
    )
    return {"kik": (sc, kik), "every lever": (every, run_paired(every, seed=5))}


@pytest.mark.slow
@pytest.mark.parametrize("levers", ["kik", "every lever"])
def test_whole_runs_are_identical_with_the_oracles(compiled_runs, oracle_kernels, levers):
    scenario, expected = compiled_runs[levers]
    got = run_paired(scenario, seed=5)
    for run in ("baseline", "strategy"):
        pd.testing.assert_frame_equal(getattr(got, run).weekly, getattr(expected, run).weekly)


def test_random_streams_draw_through_the_kernel(oracle_kernels):
    ids = np.arange(1000)
    a = RandomStreams(3).uniform("job_offer", 4, ids)  # the oracle
    assert np.array_equal(a, oracles.keyed_uniform(RandomStreams(3)._keys["job_finding"], 4, 0, ids))
