import numpy as np
import pytest

from raaderum.sim.budget import (
    BENEFIT_LINES,
    COST_LINES,
    REFUND_LINES,
    activation_refund,
    refund_share,
    weekly_rates,
)
from raaderum.sim.parameters import Budget
from raaderum.sim.states import ACTIVATION_REFUND_STATES, State


@pytest.mark.parametrize(
    ("week", "share"),
    [(1, 0.8), (4, 0.8), (5, 0.4), (26, 0.4), (27, 0.3), (52, 0.3), (53, 0.2), (500, 0.2)],
)
def test_refund_schedule_boundaries(week, share):
    assert refund_share(np.array([week]), Budget())[0] == pytest.approx(share)


def test_cash_benefit_rate_2016_and_2019():
    b = Budget()
    r2016 = weekly_rates(b, 2016)[State.ACTIVITY_READY] * 52 / 12
    assert r2016 == pytest.approx(0.3 * 14_575 + 0.7 * 10_968)
    r2019 = weekly_rates(b, 2019)[State.JOB_READY] * 52 / 12
    assert r2019 == pytest.approx(0.3 * 15_180 + 0.7 * 11_423)
    assert weekly_rates(b, 2030)[State.JOB_READY] == weekly_rates(b, 2019)[State.JOB_READY]
    assert weekly_rates(b, 2016)[State.SELF_SUPPORTING] == 0


def test_budget_lines_add_up(paired):
    for run in (paired.baseline, paired.strategy):
        w = run.weekly
        spending = sum(w[f"dkk_{n}"] for n in BENEFIT_LINES + COST_LINES)
        refunds = sum(w[f"dkk_{n}"] for n in REFUND_LINES)
        np.testing.assert_allclose(w["dkk_municipal_net"], spending - refunds - w["dkk_tax_income"])
        np.testing.assert_allclose(w["dkk_state"], refunds)
        lines = w[[c for c in w.columns if c.startswith("dkk_")]].to_numpy()
        assert np.all(lines[:, :-3] >= 0)


def test_benefit_line_is_stock_times_rate(paired):
    w = paired.baseline.weekly
    rate = weekly_rates(Budget(), 2017)[State.ACTIVITY_READY]
    row = w[w.year == 2017].iloc[0]
    assert row["dkk_benefit_activity_ready"] == pytest.approx(row["stock_activity_ready"] * rate)


def test_refund_never_exceeds_80_percent_or_falls_below_20(paired):
    w = paired.baseline.weekly
    w = w[w.year >= 2016]
    benefits = sum(w[f"dkk_{n}"] for n in BENEFIT_LINES)
    assert np.all(w["dkk_refund"] <= 0.8 * benefits + 1e-6)
    assert np.all(w["dkk_refund"] >= 0.2 * benefits - 1e-6)


def test_activation_refund_books_the_rise_of_the_capped_year_total():
    # under the cap: half of the week's spending; once the cap binds, only the cap's growth
    assert activation_refund(0.5, 100.0, 150.0, 1_000.0, 1_100.0) == pytest.approx(25.0)
    assert activation_refund(0.5, 900.0, 1_200.0, 1_000.0, 1_100.0) == pytest.approx(0.5 * (1_100 - 900))
    assert activation_refund(0.5, 1_500.0, 1_600.0, 1_000.0, 1_100.0) == pytest.approx(50.0)
    assert activation_refund(0.0, 100.0, 150.0, 1_000.0, 1_100.0) == 0.0


def test_course_costs_are_half_refunded_within_the_cap_until_2018(paired):
    bud = Budget()
    for run in (paired.baseline, paired.strategy):
        w = run.weekly
        for year, rows in w.groupby("year"):
            spent = rows["dkk_programme_course"].sum()
            refunded = rows["dkk_refund_activation"].sum()
            persons = rows[[f"stock_{s.name.lower()}" for s in ACTIVATION_REFUND_STATES]].to_numpy().sum()
            cap = persons * bud.activation_refund_cap_annual_dkk / 52
            if year <= bud.activation_refund_last_year:
                assert spent > 0
                assert refunded == pytest.approx(0.5 * min(spent, cap), rel=1e-9)
            else:
                assert refunded == 0
