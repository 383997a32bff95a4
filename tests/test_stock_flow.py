"""Stock-flow accounting: gross flows between every pair of states, yearly accounts, a data dictionary."""

from pathlib import Path

import numpy as np
import pytest

from raaderum.sim.output import weekly_table
from raaderum.sim.results import column_entry, data_dictionary
from raaderum.sim.states import ENTRY_STATES, N_STATES, STATE_NAMES, State


def test_every_weeks_stocks_follow_from_arrivals_and_gross_flows(paired):
    for run in (paired.baseline, paired.strategy):
        w = run.weekly
        stocks = w[[f"stock_{s}" for s in STATE_NAMES]].to_numpy()
        flows = np.zeros((len(w), N_STATES, N_STATES), dtype=np.int64)
        for i, a in enumerate(STATE_NAMES):
            for j, b in enumerate(STATE_NAMES):
                if i != j:
                    flows[:, i, j] = w[f"flow_{a}_to_{b}"]
        np.testing.assert_array_equal(flows, run.flows - run.flows * np.eye(N_STATES, dtype=np.int64))
        arrivals = np.zeros_like(stocks)
        for s in ENTRY_STATES:
            arrivals[:, s] = w[f"arrivals_{STATE_NAMES[s]}"]
        change = flows.sum(axis=1) - flows.sum(axis=2) + arrivals  # into each state minus out of it
        np.testing.assert_array_equal(stocks[1:] - stocks[:-1], change[1:])
        assert arrivals.sum() > 0


@pytest.mark.parametrize("state", [State.ACTIVITY_READY, State.JOB_READY, State.SICKNESS])
def test_the_yearly_account_adds_up(paired, state):
    for run in (paired.baseline, paired.strategy):
        t = run.stock_flow(state)
        assert list(t.index) == sorted(set(run.weekly["year"]))
        np.testing.assert_array_equal(t.stock_start + t.entrants - t.exits, t.stock_end)
        np.testing.assert_array_equal(t.stock_start.iloc[1:].to_numpy(), t.stock_end.iloc[:-1].to_numpy())
        entrants = t.filter(like="entrants_").sum(axis=1)
        exits = t.filter(like="exits_").sum(axis=1)
        np.testing.assert_array_equal(entrants, t.entrants)
        np.testing.assert_array_equal(exits, t.exits)
        assert (t.mean_duration_weeks > 0).all()


def test_the_starting_activity_ready_stock_opens_the_account(scenario):
    from raaderum.sim.model import Municipality

    model = Municipality(scenario.baseline(), agent_views=False)
    at_start = int((model.citizens.history[0] == State.ACTIVITY_READY).sum())
    t = model.run().stock_flow("activity_ready")
    assert t.stock_start.iloc[0] == at_start


def test_the_summary_holds_the_yearly_activity_ready_account(paired):
    flows = paired.summary()["activity_ready_stock_flow"]
    years = [str(y) for y in range(paired.scenario.start_year, paired.scenario.end_year + 1)]
    for run in ("baseline", "strategy"):
        assert list(flows[run]) == years
        first = flows[run][years[0]]
        assert first["stock_start"] + first["entrants"] - first["exits"] == first["stock_end"]
        assert first["entrants_arrivals"] > 0 and first["exits_self_supporting"] > 0


def test_every_weekly_column_is_in_the_data_dictionary_and_the_doc_is_current(paired):
    missing = [c for c in weekly_table(paired).columns if column_entry(c) is None]
    assert missing == []
    doc = (Path(__file__).parents[1] / "docs" / "DATA.md").read_text(encoding="utf-8")
    assert doc == data_dictionary(), "docs/DATA.md is stale: regenerate it from raaderum.sim.results"


def test_the_fate_of_everyone_in_the_group_during_the_investment_adds_up(paired):
    """Everyone activity-ready at some point of 2016-2018, by where they are at the end of 2018."""
    start, end = paired.start_week, paired.end_week
    for run in (paired.baseline, paired.strategy):
        fate = run.activity_ready_fate
        w = run.weekly
        # those still activity-ready at the end are the stock at the end
        assert fate["activity_ready"] == w.at[end - 1, "stock_activity_ready"]
        # at least everyone there at the start, and everyone who entered during the period
        stock_before = int(w.at[start - 1, "stock_activity_ready"])
        entered = int(run.flows[start:end, :, State.ACTIVITY_READY].sum()) - int(
            run.flows[start:end, State.ACTIVITY_READY, State.ACTIVITY_READY].sum()
        )
        entered += int(w["arrivals_activity_ready"].iloc[start:end].sum())
        assert stock_before <= sum(fate.values()) <= stock_before + entered
    # the strategy moves more of the group out of activity-ready than the baseline does
    assert (
        paired.strategy.activity_ready_fate["activity_ready"]
        < paired.baseline.activity_ready_fate["activity_ready"]
    )
    summary = paired.summary()["activity_ready_fate_at_period_end"]
    assert summary["strategy"] == paired.strategy.activity_ready_fate


@pytest.mark.parametrize("state", ["job_ready", "activity_ready", "education_ready", "resource_course"])
def test_seekers_and_hires_after_a_meeting_are_parts_of_the_weeks_counts(paired, state):
    for run in (paired.baseline, paired.strategy):
        w = run.weekly
        assert (w[f"seekers_met_{state}"] <= w[f"seekers_{state}"]).all()
        assert (w[f"hires_met_{state}"] <= w[f"hires_{state}"]).all()
        assert (w[f"hires_met_{state}"] <= w[f"seekers_met_{state}"]).all()
        # a vacancy hire is a move to self-support; internships turned into jobs are the rest
        assert (w[f"hires_{state}"] <= w[f"flow_{state}_to_self_supporting"]).all()
        assert w[f"hires_met_{state}"].sum() > 0
