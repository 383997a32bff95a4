"""Scale a municipality up or down: every absolute count and amount by the same factor.

Rates, shares, durations and unit costs stay as they are, so caseloads, contact frequency, the
competition for vacancies (benefit claimants per ordinary unemployed and per firm) and the budget
per citizen are unchanged; only the size changes. Used for the scaling benchmark and the national
scenario (``sim/scenarios/denmark_national.toml`` was written with :func:`scale_scenario`).
"""

from typing import Any

from .scenario import Scenario

#: Initial stocks: their sum is the number of citizens at the start of a run.
STOCKS = (
    "population.job_ready",
    "population.activity_ready",
    "population.education_ready",
    "population.sickness",
    "population.resource_course",
    "population.flex_job",
    "population.disability_pension",
)
#: Parameters that count persons, firms or kroner for the municipality as a whole.
SCALED_COUNTS = STOCKS + (
    "population.labour_force",
    "inflow.job_ready",
    "inflow.activity_ready",
    "inflow.education_ready",
    "inflow.sickness",
    "inflow.disability_pension",
    "staff.caseworkers_activity_ready",
    "staff.caseworkers_job_ready",
    "staff.caseworkers_sickness",
    "market.employers",
    "strategy.extra_caseworkers",
    "strategy.budget_dkk",
    "strategy.enterprise_consultants",
    "strategy.monitoring_cost_weekly_dkk",
)
#: Counts that must stay at least 1 (a team, a labour market).
AT_LEAST_ONE = {
    "population.labour_force",
    "staff.caseworkers_activity_ready",
    "staff.caseworkers_job_ready",
    "staff.caseworkers_sickness",
    "market.employers",
}


def initial_citizens(scenario: Scenario) -> int:
    """Number of citizens in the model at the start of a run (the sum of the initial stocks)."""
    return int(sum(scenario.get(path) for path in STOCKS))


def scale_scenario(scenario: Scenario, factor: float, *, name: str | None = None) -> Scenario:
    """The same municipality ``factor`` times as large.

    Integer counts are rounded (staff and firms to at least one), so a scaled scenario matches
    the factor up to rounding.

    Args:
        scenario: The municipality to scale.
        factor: Size multiplier (> 0).
        name: Name of the scaled scenario (default: ``<name>-x<factor>``).

    Raises:
        ValueError: A factor that is not positive.
    """
    if not factor > 0:
        raise ValueError(f"scale factor must be positive, got {factor}")
    values: dict[str, Any] = {}
    for path in SCALED_COUNTS:
        value = scenario.get(path) * factor
        if path in AT_LEAST_ONE:
            value = max(value, 1)
        values[path] = value
    scaled = scenario.with_values(values)
    return scaled.replace(name=name or f"{scenario.name}-x{factor:g}")


def scale_to_citizens(scenario: Scenario, citizens: int, *, name: str | None = None) -> Scenario:
    """The same municipality scaled so that about ``citizens`` citizens are in it at the start."""
    return scale_scenario(scenario, citizens / initial_citizens(scenario), name=name)
