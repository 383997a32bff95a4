import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import short, with_section

from raaderum.agents import Caseworker, Citizen, Employer
from raaderum.experiments import run_paired, run_single
from raaderum.sim.bookkeeping import enter_benefit
from raaderum.sim.model import Municipality
from raaderum.sim.states import ENTRY_STATES, IS_BENEFIT, IS_CASE, N_STATES, TEAM_OF_STATE, State


@pytest.fixture(scope="module")
def model(scenario):
    m = Municipality(scenario)
    m.run()
    return m


def test_every_citizen_in_exactly_one_state_every_week(model):
    c = model.citizens
    hist = c.history[1 : model.week + 1, : c.n]
    entered = hist >= 0
    # a citizen, once in the model, is in exactly one valid state every later week
    assert np.all((hist >= -1) & (hist < N_STATES))
    first = entered.argmax(axis=0)
    weeks = np.arange(hist.shape[0])[:, None]
    assert np.all(entered == (weeks >= first[None, :]))
    stocks = model.records.stocks
    np.testing.assert_array_equal(stocks.sum(axis=1), entered.sum(axis=1))
    for s in range(N_STATES):
        np.testing.assert_array_equal(stocks[:, s], (hist == s).sum(axis=1))


def test_flows_match_stock_changes(model):
    rec = model.records
    net = rec.flows.sum(axis=1) - rec.flows.sum(axis=2)
    change = np.diff(
        np.vstack(
            [
                np.bincount(model.citizens.history[0][model.citizens.history[0] >= 0], minlength=N_STATES),
                rec.stocks,
            ]
        ),
        axis=0,
    )
    arrivals = change - net
    assert np.all(arrivals >= 0)  # only new claimants are added
    assert np.all(arrivals[:, [s for s in State if s not in ENTRY_STATES]] == 0)


def test_gone_citizens_never_come_back(model):
    hist = model.citizens.history[: model.week + 1, : model.citizens.n]
    gone = hist == State.GONE
    assert np.all(gone[:-1] <= gone[1:])


@pytest.mark.parametrize("strategy", ["baseline", "KIK, integrated casework"])
def test_case_citizens_have_an_active_caseworker_of_their_team_after_assignment(scenario, strategy):
    """Every week, each citizen who spent it in one case state had a caseworker, in post, of the
    team of that state (any team under integrated casework, which keeps cases across teams)."""
    sc = scenario.baseline() if strategy == "baseline" else scenario
    integrated = sc.strategy.integrated_casework
    m = Municipality(sc, agent_views=False)
    checked = 0
    for _ in range(130):  # into the strategy period (2016), through a caseworker turnover or two
        m.step()
        c, cw = m.citizens, m.caseworkers
        start, now = c.history[m.week - 1, : c.n], c.state[: c.n]
        stayed = np.flatnonzero((start == now) & IS_CASE[now])
        slot = c.caseworker[stayed]
        assert np.all(slot >= 0), "a case without a caseworker"
        assert np.all(cw.active[slot]), "a case held by a caseworker who is not in post"
        if not (integrated and m.strategy_active(m.week - 1)):
            assert np.all(cw.team[slot] == TEAM_OF_STATE[now[stayed]]), "a case with another team"
        checked += stayed.size
    assert checked > 100_000


def test_same_seed_identical_different_seed_differs(scenario):
    a = run_single(scenario).weekly
    b = run_single(scenario).weekly
    pd.testing.assert_frame_equal(a, b)
    c = run_single(scenario, seed=scenario.seed + 1).weekly
    assert not a["stock_activity_ready"].equals(c["stock_activity_ready"])


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "nothing", "budget_dkk": 5e6},
        {
            "team": "sickness",
            "start_year": 2015,
            "end_year": 2015,
            "screening_cost_dkk": 9e9,
            "followup_cost_weekly_dkk": 1.0,
            "enterprise_consultants": 7.0,
        },
    ],
)
def test_no_lever_strategy_reproduces_baseline_bit_for_bit(scenario, changes):
    no_levers = scenario.baseline()
    no_levers = no_levers.replace(strategy=dataclasses.replace(no_levers.strategy, **changes))
    assert no_levers.strategy.levers_moved() == []
    result = run_paired(no_levers)
    pd.testing.assert_frame_equal(result.baseline.weekly, result.strategy.weekly)
    np.testing.assert_array_equal(result.baseline.flows, result.strategy.flows)
    assert result.npv_dkk == 0.0
    assert result.payback_week is None


def test_strategy_identical_to_baseline_before_it_starts(paired):
    start = paired.start_week
    b = paired.baseline.weekly.iloc[:start]
    s = paired.strategy.weekly.iloc[:start]
    pd.testing.assert_frame_equal(b, s)


def _contacts(scenario, n):
    """Contacts per activity-ready case with ``n`` extra caseworkers kept all period (no target
    caseload: with one, the extras above what the target needs leave, whatever their number)."""
    w = run_single(with_section(scenario, "strategy", extra_caseworkers=n, target_caseload=0.0)).weekly
    period = (w.year >= 2016) & (w.year <= 2018)
    return w["contacts_per_case_activity_ready"][period].mean()


@pytest.mark.parametrize("extra", [0, 5, 10])
def test_more_caseworkers_raise_contacts_per_citizen(scenario, extra):
    assert _contacts(scenario, extra + 5) > _contacts(scenario, extra)


def test_contacts_saturate_but_do_not_fall_at_low_caseload(scenario):
    # below ~20 cases per caseworker everyone is met as often as the minimum interval allows
    assert _contacts(scenario, 35) >= 0.98 * _contacts(scenario, 30)


def test_recession_lowers_hiring(scenario):
    base = with_section(scenario.baseline(), "cycle", scenario="flat")
    rec = with_section(scenario.baseline(), "cycle", scenario="recession")
    wf = run_single(base).weekly
    wr = run_single(rec).weekly
    later = wf.year >= 2017
    assert wr["vacancies"][later].sum() < wf["vacancies"][later].sum()
    assert wr["exits_self_supporting"][later].sum() < wf["exits_self_supporting"][later].sum()


def test_default_moves_the_right_way(paired):
    b = paired.baseline.weekly["stock_activity_ready"].to_numpy()
    s = paired.strategy.weekly["stock_activity_ready"].to_numpy()
    start = paired.start_week
    two_years = slice(start, start + 104)
    # the strategy halves activity-ready within two years; the baseline falls far less
    assert s[two_years].min() <= 0.55 * s[start]
    assert b[start + 52] > 0.75 * b[start]
    assert (b[start] - b[start + 104]) < 0.6 * (s[start] - s[start + 104])
    ex = paired.summary()["activity_ready_exits_in_period"]["strategy"]
    assert 0.35 <= ex["share_self_supporting"] <= 0.75
    assert 0.15 <= ex["share_clarified"] <= 0.45


def test_strategy_lowers_caseload_and_raises_contacts(paired):
    period = slice(paired.start_week, paired.start_week + 104)
    b, s = paired.baseline.weekly.iloc[period], paired.strategy.weekly.iloc[period]
    assert 75 <= b["caseload_activity_ready"].mean() <= 110
    assert s["caseload_activity_ready"].mean() < 0.6 * b["caseload_activity_ready"].mean()
    assert s["contacts_per_citizen"].mean() > b["contacts_per_citizen"].mean()


def test_agents_are_mesa_agents_reading_the_arrays(model):
    citizens = model.agents_by_type[Citizen]
    present = model.citizens.state[: model.citizens.n] != State.GONE
    assert len(citizens) == present.sum()  # those who left are no longer agents
    person = model.citizen(0)
    assert isinstance(person.state, State)
    assert 0 <= person.work_capacity <= 1
    hist = person.history()
    assert len(hist) == model.week + 1
    assert hist.iloc[-1] == person.state.name.lower()
    assert person.weeks_on_benefit >= 0
    workers = list(model.agents_by_type[Caseworker])
    assert all(w.model is model for w in workers)
    cases = np.concatenate([w.cases() for w in workers if w.left_week is None])
    assert len(cases) == len(set(cases.tolist()))  # no citizen is the case of two caseworkers
    firms = model.agents_by_type[Employer]
    assert len(firms) == model.params.market.employers
    assert sum(f.hires_from_municipality for f in firms) > 0


def test_cycle_scenarios_differ(scenario):
    from raaderum.sim.cycle import BusinessCycle

    paths = {}
    for kind in ("historical", "boom", "recession", "flat", "stochastic"):
        sc = with_section(scenario, "cycle", scenario=kind)
        paths[kind] = BusinessCycle(
            sc.cycle, sc.market, sc.start_year, sc.n_weeks, np.random.default_rng(1)
        ).unemployment
    assert paths["boom"][-1] < paths["flat"][-1] < paths["recession"][-1]
    assert paths["historical"][0] == pytest.approx(paths["flat"][0])
    assert np.all((paths["stochastic"] >= 2.5) & (paths["stochastic"] <= 12))


def test_short_horizon_runs(scenario):
    result = run_single(short(scenario.baseline(), end_year=2015))
    assert len(result.weekly) == 52
    assert result.stock(State.ACTIVITY_READY).equals(result.stock("activity_ready"))


@pytest.mark.parametrize("weeks", [60, 130, 190])
def test_no_stale_fields_after_state_changes(scenario, weeks):
    model = Municipality(scenario, agent_views=False)
    for _ in range(weeks):
        model.step()
    c = model.citizens
    n = c.n
    state = c.state[:n]
    not_case = ~IS_CASE[state]
    assert np.all(c.caseworker[:n][not_case] == -1)
    assert np.all(c.programme[:n][not_case] == 0)
    assert np.all(c.assessment[:n][not_case] == 0)
    in_job = state == State.SELF_SUPPORTING
    assert np.all(c.employer[:n][~IS_CASE[state] & ~in_job] == -1)
    assert np.all((c.earnings[:n] > 0) <= in_job)
    scheduled = c.relapse_week[:n] >= 0
    assert scheduled.sum() > 100  # relapses pending mid-run
    assert np.all(np.isin(state[scheduled], [State.SELF_SUPPORTING, State.EDUCATION]))
    assert np.all(c.relapse_week[:n][scheduled] >= model.week)
    assert model.earnings_total == pytest.approx(float(c.earnings[:n][in_job].sum(dtype=np.float64)))


def test_refund_weeks_match_an_independent_recount_from_history(scenario):
    from raaderum.sim.states import IS_SELF_SUPPORT

    m = Municipality(scenario, agent_views=False)
    c = m.citizens
    # the count at the start: the burn-in's, including the current benefit period's weeks before week 0
    everyone = np.arange(c.size)
    on_at_start = IS_BENEFIT[c.history[0, everyone]]
    initial = np.where(on_at_start, c.refund_weeks(everyone, -1), c.wob_base[everyone])
    m.run()
    c, bud = m.citizens, scenario.budget
    hist = c.history[1 : m.week + 1]
    rng = np.random.default_rng(0)
    for i in rng.choice(c.n, 400, replace=False):
        count, prev = int(initial[i]), int(c.history[0, i])
        for t in range(m.week):
            s = int(hist[t, i])
            if s < 0:
                continue
            if IS_BENEFIT[s]:
                if prev >= 0 and not IS_BENEFIT[prev]:
                    window = hist[max(t - bud.refund_reset_window_weeks, 0) : t, i]
                    if IS_SELF_SUPPORT[window[window >= 0]].sum() >= bud.refund_reset_weeks:
                        count = 0
                count += 1
            prev = s
        if IS_BENEFIT[c.state[i]]:
            assert m.weeks_on_benefit(np.array([i]))[0] == count, i


@pytest.mark.parametrize(
    ("self_supported", "weeks_back", "reset"),
    [(52, 0, True), (51, 0, False), (52, 104, True), (52, 105, False)],
)
def test_refund_reset_boundaries(scenario, self_supported, weeks_back, reset):
    m = Municipality(scenario, agent_views=False)
    for _ in range(200):
        m.step()
    c, w = m.citizens, m.week
    i = int(np.flatnonzero(c.state[: c.n] == State.ACTIVITY_READY)[0])
    c.wob_base[i] = 100
    c.history[1 : w + 1, i] = State.ACTIVITY_READY
    end = w + 1 - weeks_back  # self-support in the weeks just before `end`
    c.history[end - self_supported : end, i] = State.SELF_SUPPORTING
    enter_benefit(m, np.array([i]), w)
    assert (c.wob_base[i] == 0) == reset


def test_the_week_is_the_declared_list_and_the_odd_says_so():
    """docs/ODD.md's process overview is generated from WEEK; the transitions run in WEEK's order."""
    import inspect
    import re
    from pathlib import Path

    from raaderum.sim.model import TRANSITION_ORDER, WEEK
    from raaderum.sim.scenario import default_scenario
    from raaderum.sim.week import Week, overview

    odd = (Path(__file__).parents[1] / "docs" / "ODD.md").read_text(encoding="utf-8")
    for name, rules in (("week", WEEK), ("transitions", TRANSITION_ORDER)):
        block = re.search(rf"<!-- {name}:begin -->\n(.*?)\n<!-- {name}:end -->", odd, re.S)
        assert block and block.group(1) == overview(rules), f"docs/ODD.md's {name} list is stale"
    positions = [WEEK.index(rule) for rule in TRANSITION_ORDER]
    assert positions == sorted(positions)
    for rule in WEEK:
        doc = inspect.getdoc(rule) or ""
        assert len(doc.splitlines()) >= 1 and doc.endswith("."), f"{rule.__name__} needs its paragraph"
        params = list(inspect.signature(rule).parameters)
        assert params == ["m", "wk"], rule.__name__  # the model and the week's context, nothing else
        source = inspect.getsource(rule)
        assert not re.search(r"\bm\._", source), f"{rule.__name__} reaches a private attribute"
    # the week's scratch state lives in the context, not on the model
    m = Municipality(default_scenario(), agent_views=False)
    m.step()
    assert not {"_new", "_moved", "_met"} & set(vars(m))
    assert {f.name for f in dataclasses.fields(Week)} >= {"old", "new", "moved", "met", "levers"}
