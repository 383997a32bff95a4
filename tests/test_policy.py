"""Dated policy: the cash-benefit reform of 2014 moves under-30s from cash to education benefit."""

import numpy as np
import pytest
from conftest import short

from raaderum.sim.burn_in import burn_in_scenario
from raaderum.sim.model import Municipality
from raaderum.sim.states import State

CASH = (State.JOB_READY, State.ACTIVITY_READY)


def _run(scenario, reform_year):
    sc = short(scenario.baseline(), end_year=2016).with_values(
        {"behaviour.education_benefit_from_year": reform_year}
    )
    model = Municipality(sc, agent_views=False)
    result = model.run()
    return model, result


def _under_30(model, row):
    c = model.citizens
    return (row - c.birth_week[: c.n]) / 52 < model.params.behaviour.education_ready_max_age


def _into_education_benefit_from_cash(result):
    return result.flows[:, list(CASH), State.EDUCATION_READY].sum(axis=1)


@pytest.fixture(scope="module")
def reform_in_the_second_year(scenario):
    return _run(scenario, 2016)  # the horizon starts in 2015


def test_before_the_reform_under_30s_claim_cash_benefit(reform_in_the_second_year):
    model, _ = reform_in_the_second_year
    h = model.citizens.history
    # the burn-in, the drawn newcomers and the relapses of 2015: nobody on education benefit
    assert np.count_nonzero(h[:53] == State.EDUCATION_READY) == 0
    assert np.count_nonzero(np.isin(h[52], CASH) & _under_30(model, 52)) > 0


def test_the_reform_moves_every_under_30_cash_case_in_its_first_week(reform_in_the_second_year):
    model, result = reform_in_the_second_year
    h = model.citizens.history
    young_cash = np.isin(h[52], CASH) & _under_30(model, 52)
    assert np.count_nonzero(young_cash & np.isin(h[53], CASH)) == 0  # nobody young stays on cash benefit
    moved = _into_education_benefit_from_cash(result)
    assert moved[52] == np.count_nonzero(young_cash & (h[53] == State.EDUCATION_READY)) > 0
    assert moved.sum() == moved[52]  # the reform is the only rule that moves cash cases there
    assert np.count_nonzero(h[-1] == State.EDUCATION_READY) > 0  # and newcomers claim it from then on


def test_a_reform_before_the_horizon_is_in_force_throughout(scenario):
    model, result = _run(scenario, 2014)
    assert np.count_nonzero(model.citizens.history[0] == State.EDUCATION_READY) > 0
    assert _into_education_benefit_from_cash(result).sum() == 0


def test_the_burn_in_runs_under_the_rules_of_the_week_before_the_horizon(scenario):
    # the horizon starts in 2015; the burn-in's years are labels from 2015 on
    for reform, in_force in ((2014, True), (2015, False), (2016, False)):
        sc = scenario.with_values(
            {"behaviour.education_benefit_from_year": reform, "staff.individual_contact_from_year": reform}
        )
        burn = burn_in_scenario(sc)
        for year in (burn.behaviour.education_benefit_from_year, burn.staff.individual_contact_from_year):
            assert (year <= burn.start_year) == in_force
            assert in_force or year > burn.end_year
