"""The burn-in: the starting population comes from the model's own flows, not from invented histories."""

import numpy as np
import pytest

from raaderum.agents.citizens import NEVER
from raaderum.sim import burn_in
from raaderum.sim.model import Municipality
from raaderum.sim.parameters import Cycle
from raaderum.sim.scenario import default_scenario
from raaderum.sim.states import IS_BENEFIT, State


def burned(years=6, end_year=2018, **values):
    sc = default_scenario().with_values(
        {"end_year": end_year, "strategy.end_year": min(2018, end_year), "population.burn_in_years": years}
    )
    return sc.with_values(values) if values else sc


@pytest.fixture(scope="module")
def flat_runs():
    """A flat-cycle baseline without and with a burn-in (same seed), each as a finished model."""
    base = default_scenario().baseline().replace(cycle=Cycle(scenario="flat"), end_year=2018)
    runs = {}
    for years in (0, 6):
        m = Municipality(base.with_values({"population.burn_in_years": years}), agent_views=False)
        m.run()
        runs[years] = m
    return runs


def test_the_starting_population_carries_the_burn_ins_histories(flat_runs):
    m = flat_runs[6]
    c = m.citizens
    start = np.flatnonzero(c.history[0] >= 0)
    assert (c.entry_week[start] <= 0).all() and (c.entry_week[start] < -52).any()
    on = start[IS_BENEFIT[c.history[0, start]]]
    # refund weeks and spells were counted by the rules: every benefit period began before the horizon
    assert (c.benefit_since[on] <= 0).any()
    # former recipients are there from the first week and some return to benefit in the first year
    former = start[(c.history[0, start] == State.SELF_SUPPORTING) & (c.exit_week[start] > NEVER // 2)]
    assert former.size > 100
    assert ((c.relapse_week[former] >= 0) & (c.relapse_week[former] < 52)).any() or (
        c.n_relapses[former] > 0
    ).any()
    # none of that exists without a burn-in: everyone starts on benefit, nobody had exited
    c0 = flat_runs[0].citizens
    start0 = np.flatnonzero(c0.history[0] >= 0)
    assert (c0.history[0, start0] == State.SELF_SUPPORTING).sum() == 0


def test_the_burn_in_is_not_recorded(flat_runs):
    for m in flat_runs.values():
        assert m.records.stocks.shape[0] == m.n_weeks
        assert m.result_so_far().weekly["week"].iloc[0] == 0


def test_former_recipients_of_the_burn_in_relapse_from_the_first_week(flat_runs):
    """Relapses into benefit in the first quarter: none without a burn-in, a steady stream with one."""
    first_quarter = {
        years: int(m.records.flows[:13, State.SELF_SUPPORTING, :].sum()) for years, m in flat_runs.items()
    }
    later = int(flat_runs[6].records.flows[52:65, State.SELF_SUPPORTING, :].sum())
    assert first_quarter[0] < first_quarter[6]
    assert first_quarter[6] > 0.5 * later  # not a ramp-up from nothing


def test_no_cohort_cliff_at_pension_age(flat_runs):
    """Without a burn-in, starting ages clipped at 64 make a cohort reach pension age in one week."""

    def worst_week_share(m):
        gone = m.records.flows[:, State.DISABILITY_PENSION, State.GONE]
        stock = np.maximum(m.records.stocks[:, State.DISABILITY_PENSION], 1)
        return float((gone / stock).max())

    assert worst_week_share(flat_runs[0]) > 0.05
    assert worst_week_share(flat_runs[6]) < 0.01


def test_baseline_and_strategy_start_from_the_same_population():
    sc = burned(years=3)
    a = Municipality(sc, agent_views=False)
    b = Municipality(sc.baseline(), agent_views=False)
    np.testing.assert_array_equal(a.citizens.history[0], b.citizens.history[0])
    for name in ("health", "benefit_since", "wob_base", "relapse_week", "birth_week"):
        np.testing.assert_array_equal(getattr(a.citizens, name), getattr(b.citizens, name))


def test_the_burn_in_is_reproducible_and_depends_on_the_seed():
    sc = burned(years=3)
    first = Municipality(sc, agent_views=False).citizens.history[0].copy()
    burn_in._prehistory.cache_clear()  # computed again, not taken from the cache
    again = Municipality(sc, agent_views=False).citizens.history[0]
    np.testing.assert_array_equal(first, again)
    other = Municipality(sc, seed=sc.seed + 1, agent_views=False).citizens.history[0]
    assert other.size != first.size or not np.array_equal(other, first)


def test_the_burn_in_runs_flat_without_strategy_and_without_its_own_burn_in():
    sc = burned(years=4).replace(cycle=Cycle(scenario="recession"))
    pre = burn_in.burn_in_scenario(sc)
    assert pre.cycle.scenario == "flat" and pre.strategy.levers_moved() == []
    assert pre.population.burn_in_years == 0 and pre.n_weeks == 4 * 52
    assert pre.start_year == sc.start_year  # flat at the start year's unemployment rate


def test_the_burn_in_runs_with_the_horizons_firms():
    """The same firms before and after week 0: otherwise the burn-in settles at another labour demand."""
    sc = burned(years=3)
    horizon = Municipality(sc, agent_views=False)
    before = Municipality(burn_in.burn_in_scenario(sc), agent_views=False, firms_seed=horizon.stream_seed)
    np.testing.assert_array_equal(before.employers.size, horizon.employers.size)
    own = Municipality(burn_in.burn_in_scenario(sc), seed=sc.seed + 1, agent_views=False)
    assert not np.array_equal(own.employers.size, horizon.employers.size)  # another seed, other firms
