import dataclasses

import pytest

from raaderum.experiments import run_paired
from raaderum.sim.scenario import default_scenario


def short(scenario, end_year=2018, **changes):
    """The scenario over a shorter horizon, for fast tests."""
    return scenario.replace(end_year=end_year, **changes)


#: Burn-in of the fast tests' scenario. Three years give every starting citizen a benefit history
#: from the model's own flows at a third of the default's cost; the default's ten years and its
#: steady state are tested on their own (tests/test_burn_in.py, tests/test_stationarity.py).
TEST_BURN_IN_YEARS = 3


@pytest.fixture(scope="session")
def scenario():
    return short(default_scenario()).with_values({"population.burn_in_years": TEST_BURN_IN_YEARS})


@pytest.fixture(scope="session")
def default_paired():
    """The built-in default scenario's paired run over its whole horizon: run once per session."""
    return run_paired(default_scenario())


@pytest.fixture(scope="session")
def paired(scenario):
    return run_paired(scenario)


def with_section(base, section, **changes):
    return base.replace(**{section: dataclasses.replace(getattr(base, section), **changes)})
