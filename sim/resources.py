"""The size of a run before it starts: citizens, memory, and whether this machine can hold it.

A scenario with a trillion citizens, or a billion firms, is valid field by field; what makes it
impossible is the memory the model would need. :func:`estimate_run` computes that from the
scenario alone (no model is built), and :func:`check_fits` refuses, with one line, a run that
cannot fit in this machine's memory.
"""

import math
import os
from dataclasses import dataclass

import numpy as np

from ..agents.citizens import COLUMNS
from .errors import ResourceLimitError
from .scenario import Scenario
from .states import ENTRY_STATES

#: Measured peak memory of a run over the size of its arrays (the national scenario: 1.5 GB peak
#: for 0.95 GB of citizen arrays, BENCHMARKS.md), rounded up.
OVERHEAD = 1.7
#: Share of the machine's memory a batch may plan to use.
USABLE_MEMORY = 0.8
#: Time per citizen-week of a run on one core, rounded up from BENCHMARKS.md (55-139 ns per
#: agent-step on a 2-core machine).
SECONDS_PER_CITIZEN_WEEK = 150e-9
#: Fixed time per simulated week of a run, whatever its size (BENCHMARKS.md: about 0.45 ms of
#: numpy calls per week outside the kernels), rounded up.
SECONDS_PER_WEEK = 0.5e-3
#: Largest inflow scale the estimate uses (e**30): beyond it no machine holds the run anyway.
MAX_LOG_SCALE = 30.0
#: Bytes per firm-week: demand, lay-off factor and vacancy schedule (float64, float64, int64).
FIRM_WEEK_BYTES = 24


@dataclass(frozen=True)
class RunSize:
    """What one run of a scenario holds in memory, at most.

    Attributes:
        citizens: Everyone ever in the model: the initial stocks plus the inflow at the highest
            unemployment the cycle allows, and with a burn-in everyone who arrived during it
            (an upper bound).
        employers: Firms.
        weeks: Simulated weeks.
        bytes: Peak memory of the run, estimated.
        burn_in_weeks: Weeks of the burn-in before the horizon.
    """

    citizens: int
    employers: int
    weeks: int
    bytes: int
    burn_in_weeks: int = 0

    @property
    def citizen_weeks(self) -> int:
        """Citizens times weeks, the burn-in's included: the work of the run."""
        return self.citizens * (self.weeks + self.burn_in_weeks)


def estimate_run(scenario: Scenario) -> RunSize:
    """Upper bound of a run's size and peak memory, from the scenario alone."""
    pop, inflow, cycle = scenario.population, scenario.inflow, scenario.cycle
    initial = sum(
        getattr(pop, name)
        for name in (
            "job_ready",
            "activity_ready",
            "education_ready",
            "sickness",
            "resource_course",
            "flex_job",
            "disability_pension",
        )
    )
    weekly = sum(getattr(inflow, s.name.lower()) for s in ENTRY_STATES)
    peak_u = max(cycle.max_unemployment, cycle.recession_unemployment)
    # (peak / reference) ** elasticity, in logs so that absurd values cannot overflow
    log_scale = inflow.cycle_elasticity * math.log(peak_u / scenario.market.reference_unemployment)
    scale = math.exp(min(log_scale, MAX_LOG_SCALE))
    weeks = scenario.n_weeks
    burn_in_weeks = scenario.population.burn_in_years * 52
    citizens = initial + math.ceil(weekly * (weeks + burn_in_weeks) * scale)
    per_citizen = sum(np.dtype(t).itemsize for t in COLUMNS.values()) + weeks + 1
    employers = scenario.market.employers
    total = OVERHEAD * (citizens * per_citizen + employers * weeks * FIRM_WEEK_BYTES)
    return RunSize(citizens, employers, weeks, int(total), burn_in_weeks)


def estimate_seconds(size: RunSize) -> float:
    """Rough time of one run on one core, in seconds (an upper bound, like the size)."""
    weeks = size.weeks + size.burn_in_weeks
    return size.citizen_weeks * SECONDS_PER_CITIZEN_WEEK + weeks * SECONDS_PER_WEEK


def format_duration(seconds: float) -> str:
    """``40 s``, ``12 min``, ``3.5 h``, ``9 days``, ``63,000 years``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    days = seconds / 86400
    return f"{days:,.0f} days" if days < 1000 else f"{days / 365.25:,.0f} years"


def machine_memory() -> int:
    """Physical memory of this machine in bytes (0 if the system does not say)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 0


def format_bytes(n: float) -> str:
    """``1.5 GB``, ``600 TB``."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:,.0f} {unit}" if unit in ("B", "kB") else f"{n:,.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")


def check_fits(scenario: Scenario, runs_at_once: int = 1, memory: int | None = None) -> RunSize:
    """Refuse a run (or ``runs_at_once`` parallel runs) that cannot fit in memory.

    Args:
        scenario: The scenario.
        runs_at_once: Runs held in memory at the same time (a batch's workers).
        memory: Memory to plan with, in bytes; default: this machine's physical memory.

    Returns:
        The run's size.

    Raises:
        ResourceLimitError: The estimate exceeds 80 % of the memory; the message names the part
            of the scenario that makes it large.
    """
    size = estimate_run(scenario)
    memory = machine_memory() if memory is None else memory
    need = size.bytes * runs_at_once
    if memory and need > USABLE_MEMORY * memory:
        firms = size.employers * size.weeks * FIRM_WEEK_BYTES
        field = "market.employers" if firms * 2 > size.bytes / OVERHEAD else "population"
        what = (
            f"{size.employers:,} firms over {size.weeks:,} weeks"
            if field == "market.employers"
            else f"about {size.citizens:,} citizens over {size.weeks:,} weeks"
        )
        times = f" × {runs_at_once} runs at once" if runs_at_once > 1 else ""
        raise ResourceLimitError(
            field,
            f"too large for this machine: {what} need about {format_bytes(need)} of memory{times}, "
            f"and this machine has {format_bytes(memory)}",
        )
    return size
