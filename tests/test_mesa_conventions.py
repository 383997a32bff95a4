"""The model behaves as Mesa users expect (issue 14): ``rng=``, ids, removal, the horizon, DataCollector."""

import mesa
import numpy as np
import pytest

import raaderum as rd
from raaderum.agents import Caseworker, Citizen, Employer
from raaderum.sim.states import State

SHORT = {"name": "short", "end_year": 2016, "strategy": {"end_year": 2016, "extra_caseworkers": 3}}


@pytest.fixture(scope="module")
def scenario():
    return rd.as_scenario(SHORT)


def test_rng_is_the_seed_under_mesas_name(scenario):
    a = rd.Municipality(scenario, rng=42, agent_views=False).run().weekly
    b = rd.Municipality(scenario, seed=42, agent_views=False).run().weekly
    c = rd.Municipality(scenario, rng=43, agent_views=False).run().weekly
    assert a.equals(b) and not a.equals(c)
    with pytest.raises(ValueError, match="not both"):
        rd.Municipality(scenario, seed=1, rng=1)
    with pytest.raises(TypeError, match="not a Generator"):
        rd.Municipality(scenario, rng=np.random.default_rng(1))


def test_a_citizens_unique_id_is_its_index_and_ids_are_unique(scenario):
    model = rd.Municipality(scenario)
    for _ in range(10):
        model.step()
    citizens = list(model.agents_by_type[Citizen])
    assert citizens and all(model.citizen(a.unique_id) is a for a in citizens)
    ids = [a.unique_id for a in model.agents]
    assert len(ids) == len(set(ids))
    others = [a.unique_id for t in (Employer, Caseworker) for a in model.agents_by_type[t]]
    assert min(others) >= model.citizens.size


def test_citizens_who_leave_are_removed_from_the_agent_set(scenario):
    model = rd.Municipality(scenario)
    for _ in range(30):
        model.step()
    c = model.citizens
    gone = np.flatnonzero(c.state[: c.n] == State.GONE)
    present = {a.unique_id for a in model.agents_by_type[Citizen]}
    assert gone.size > 0
    assert present == set(range(c.n)) - set(gone.tolist())
    view = model.citizen(int(gone[0]))  # still readable
    assert view.state == State.GONE and view not in model.agents


def test_stepping_past_the_horizon_changes_nothing(scenario):
    model = rd.Municipality(scenario, agent_views=False)
    result = model.run()
    assert model.steps == model.n_weeks and model.time == model.n_weeks and not model.running
    for _ in range(3):
        model.step()
    assert (model.steps, model.time, model.week) == (model.n_weeks, model.n_weeks, model.n_weeks)
    assert model.result_so_far().weekly.equals(result.weekly)


def test_a_mesa_datacollector_collects_model_and_agent_reporters(scenario):
    model = rd.Municipality(scenario)
    collector = mesa.DataCollector(
        model_reporters={
            "activity_ready": lambda m: int(np.sum(m.citizens.state[: m.citizens.n] == State.ACTIVITY_READY))
        },
        agenttype_reporters={Citizen: {"state": lambda a: a.state.name}},
    )
    for _ in range(4):
        model.step()
        collector.collect(model)
    stocks = collector.get_model_vars_dataframe()["activity_ready"]
    assert len(stocks) == 4
    assert stocks.iloc[-1] == model.result_so_far().weekly["stock_activity_ready"].iloc[-1]
    states = collector.get_agenttype_vars_dataframe(Citizen)
    last = states.xs(4, level="Step")
    assert len(last) == len(model.agents_by_type[Citizen])
    assert last["state"].value_counts()["ACTIVITY_READY"] == stocks.iloc[-1]
