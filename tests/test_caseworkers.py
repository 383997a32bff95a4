import numpy as np
import pytest
from oracles import allocate_meetings, water_fill

from raaderum.agents.caseworkers import assign_cases


@pytest.mark.parametrize("seed", range(20))
def test_more_minutes_never_fewer_meetings(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    slot = rng.integers(0, 8, n)
    since = rng.integers(0, 40, n)
    overdue = since >= rng.integers(4, 14, n)
    minutes = rng.choice([90.0, 150.0], n)
    less = allocate_meetings(slot, since, overdue, minutes, 600.0)
    more = allocate_meetings(slot, since, overdue, minutes, 900.0)
    assert np.all(more[less])  # everyone met with less time is met with more
    assert more.sum() >= less.sum()


def test_priority_overdue_then_longest_wait_within_time():
    slot = np.zeros(4, dtype=np.int64)
    since = np.array([3, 20, 8, 5])
    overdue = np.array([False, False, True, False])
    met = allocate_meetings(slot, since, overdue, np.full(4, 90.0), 180.0)
    assert met.tolist() == [False, True, True, False]


def test_each_caseworker_stays_within_its_minutes():
    rng = np.random.default_rng(1)
    slot = rng.integers(0, 5, 500)
    minutes = rng.choice([90.0, 150.0], 500)
    met = allocate_meetings(slot, rng.integers(0, 30, 500), rng.random(500) < 0.3, minutes, 1000.0)
    used = np.bincount(slot[met], weights=minutes[met], minlength=5)
    assert np.all(used <= 1000.0)
    assert np.all(used > 1000.0 - 150.0)  # and does not leave a meeting's worth unused


def test_new_cases_go_to_the_least_loaded_of_their_team():

    from raaderum.agents.caseworkers import CaseworkerArrays
    from raaderum.sim.parameters import Staff as StaffParams
    from raaderum.sim.states import Team

    cw = CaseworkerArrays(
        StaffParams(caseworkers_activity_ready=2, caseworkers_job_ready=2, caseworkers_sickness=1),
        0,
        Team.ACTIVITY_READY,
    )
    cw.caseload[:] = [10, 3, 7, 7, 0]
    teams = np.array([Team.ACTIVITY_READY] * 9 + [Team.JOB_READY, Team.SICKNESS])
    slots = assign_cases(teams, cw)
    # activity-ready: slot 1 (3 cases) is filled up to 10 with 7 cases, then one each
    assert np.bincount(slots[:9], minlength=5).tolist() == [1, 8, 0, 0, 0]
    assert slots[9] in (2, 3) and slots[10] == 4
    assert cw.caseload.tolist() == [11, 11, 8, 7, 1] or cw.caseload.tolist() == [11, 11, 7, 8, 1]


@pytest.mark.parametrize("seed", range(10))
def test_water_fill_fills_lowest_first(seed):
    rng = np.random.default_rng(seed)
    loads = rng.integers(0, 100, int(rng.integers(1, 20)))
    k = int(rng.integers(0, 300))
    give = water_fill(loads, k)
    assert give.sum() == k and np.all(give >= 0)
    after = loads + give
    got = give > 0
    if got.any():
        assert after[got].max() - after[got].min() <= 1
        assert after[got].max() <= after[~got].min() + 1 if (~got).any() else True


def test_joining_caseworker_takes_over_the_excess():
    from raaderum.agents.caseworkers import CaseworkerArrays, cases_to_hand_over
    from raaderum.sim.parameters import Staff as StaffParams
    from raaderum.sim.states import Team

    cw = CaseworkerArrays(
        StaffParams(caseworkers_activity_ready=2, caseworkers_job_ready=1, caseworkers_sickness=1),
        1,
        Team.ACTIVITY_READY,
    )
    cw.active[4] = True  # the extra caseworker joins with no cases
    slot = np.repeat([0, 1], [30, 30])
    rapport = np.tile(np.linspace(0, 1, 30), 2)
    cw.caseload[:] = np.bincount(slot, minlength=5)
    moved = cases_to_hand_over(slot, rapport, cw, Team.ACTIVITY_READY)
    assert moved.size == 20  # each gives up 10 to reach the mean of 20
    assert np.all(rapport[moved] < 0.35)  # the least rapport first
