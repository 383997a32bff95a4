"""The burn-in: the starting population is where the model's own flows have taken it.

A run does not start from citizens drawn with invented histories. Before the horizon the model
runs ``population.burn_in_years`` years of its own rules from the stocks of the ``population``
section, under a flat business cycle held at the start year's unemployment rate and with no
strategy; nothing of those years is recorded. Everyone still in the municipality at the end of
them, on benefit or off it, is the starting population of the horizon, with the benefit history,
spell, barriers, search effort, assessment progress, programme and caseworker (slot and
rapport) the burn-in gave them. So refund weeks, spell lengths and ages come from the same
process as everyone else's, and the former recipients who may relapse are there from the first
week.

The burn-in has its own seed (a child of the run's SeedSequence), so a baseline and its strategy
start from the same population. It depends on the scenario only through what it runs, so it is
computed once per (burn-in scenario, seed) in a process and shared.

The burn-in runs with the horizon's firms (drawn from the horizon's own stream seed), so a
citizen's employer is the same firm before and after, and the labour demand is the same. What
does not carry over: the firms' counters (hires, internships), the caseworkers' vacancies (the
horizon starts fully staffed), and self-supported weeks before the horizon for the refund reset
rule.
"""

import dataclasses
import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..agents.citizens import COLUMNS, NEVER
from .parameters import Strategy
from .scenario import WEEKS_PER_YEAR, Scenario
from .states import State

if TYPE_CHECKING:
    from .model import Municipality

log = logging.getLogger(__name__)

#: Citizen columns that hold a week index (shifted so that the horizon's first week is 0).
WEEK_COLUMNS = (
    "leave_week",
    "benefit_since",
    "settle_week",
    "spell_start",
    "last_meeting",
    "effort_week",
    "programme_end",
    "exit_week",
    "followup_until",
    "relapse_week",
    "entry_week",
)


@dataclass(frozen=True)
class Prehistory:
    """The population at the end of the burn-in.

    Attributes:
        weeks: Length of the burn-in in weeks.
        columns: Every citizen column (:data:`raaderum.agents.citizens.COLUMNS`) of the citizens
            present at its end, with week indices relative to the horizon's first week (so they
            are negative; ``NEVER`` stays ``NEVER``).
        stocks_before: Stock of every state at the end of each burn-in week (weeks × states).
    """

    weeks: int
    columns: dict[str, np.ndarray]
    stocks_before: np.ndarray

    @property
    def size(self) -> int:
        """Number of citizens present at the end of the burn-in."""
        return int(self.columns["state"].size)


def burn_in_scenario(sc: Scenario) -> Scenario:
    """The scenario the burn-in runs: flat cycle at the start year's rate, no strategy, no burn-in.

    Its calendar years are labels only: the rules in force are those of the week before the
    horizon throughout. A dated rule (the education benefit of the 2014 reform, the contact rules
    of 2020) is in force in the whole burn-in if the horizon starts after its year, and nowhere in
    it otherwise.
    """
    years = sc.population.burn_in_years
    end_year = sc.start_year + years - 1
    behaviour, staff = sc.behaviour, sc.staff
    if behaviour.education_benefit_from_year >= sc.start_year:  # not in force before the horizon
        behaviour = dataclasses.replace(behaviour, education_benefit_from_year=end_year + 1)
    if staff.individual_contact_from_year >= sc.start_year:
        staff = dataclasses.replace(staff, individual_contact_from_year=end_year + 1)
    return sc.replace(
        name=f"{sc.name}-burn-in",
        end_year=end_year,
        population=dataclasses.replace(sc.population, burn_in_years=0),
        strategy=Strategy(name="burn-in", start_year=sc.start_year, end_year=sc.start_year),
        cycle=dataclasses.replace(sc.cycle, scenario="flat"),
        behaviour=behaviour,
        staff=staff,
    )


def prehistory(sc: Scenario, seed: np.random.SeedSequence, firms_seed: np.random.SeedSequence) -> Prehistory:
    """The population at the end of ``sc``'s burn-in with ``seed`` (shared by equal burn-ins).

    The burn-in's firms are drawn from ``firms_seed``, the horizon's own stream seed, so they are
    the horizon's firms: the labour demand a citizen met before the horizon is the one after.
    """
    key = (_key(seed), _key(firms_seed))
    return _prehistory(burn_in_scenario(sc), *key)


SeedKey = tuple[int | tuple[int, ...], tuple[int, ...], int]


def _key(seed: np.random.SeedSequence) -> SeedKey:
    """A hashable key of a SeedSequence (entropy, spawn key, pool size)."""
    entropy = seed.entropy
    hashable = entropy if isinstance(entropy, int) else tuple(int(e) for e in entropy or ())
    return hashable, tuple(seed.spawn_key), int(seed.pool_size)


def _seed(key: SeedKey) -> np.random.SeedSequence:
    entropy, spawn_key, pool_size = key
    return np.random.SeedSequence(entropy, spawn_key=spawn_key, pool_size=pool_size)


@functools.lru_cache(maxsize=4)
def _prehistory(burn: Scenario, seed: SeedKey, firms: SeedKey) -> Prehistory:
    from .model import Municipality  # the burn-in is a run of the model itself

    model = Municipality(burn, seed=_seed(seed), agent_views=False, firms_seed=_seed(firms))
    model.run()
    c, weeks = model.citizens, model.n_weeks
    present = np.flatnonzero(c.state[: c.n] != State.GONE)
    columns = {name: getattr(c, name)[present].copy() for name in COLUMNS}
    for name in WEEK_COLUMNS:
        col = columns[name]
        columns[name] = np.where(col > NEVER // 2, col - weeks, col).astype(col.dtype)
    columns["birth_week"] = columns["birth_week"] - np.float32(weeks)
    log.debug("burn-in of %s: %d weeks, %d citizens present at its end", burn.name, weeks, present.size)
    for col in columns.values():
        col.setflags(write=False)
    stocks = model.records.stocks.copy()
    stocks.setflags(write=False)
    return Prehistory(weeks, columns, stocks)


def place(m: "Municipality", pre: Prehistory, ids: np.ndarray) -> None:
    """Give citizens ``ids`` (the first of the horizon's arrays) the burn-in's population.

    Former recipients who have not relapsed by the end of the burn-in get their relapse week
    anew, counting the hazard from the horizon's first week on (with a fresh ``Exp(1)`` threshold:
    the exponential is memoryless) and with the horizon's lay-off factors.
    """
    from .life_events import draw_relapse_weeks

    c = m.citizens
    for name, col in pre.columns.items():
        getattr(c, name)[ids] = col
    state = c.state[ids]
    off_benefit = (state == State.SELF_SUPPORTING) | (state == State.EDUCATION)
    former = ids[off_benefit & (c.exit_week[ids] > NEVER // 2)]
    u = m.streams.uniform("relapse_threshold_before", 0, former)
    elapsed = (-1 - c.exit_week[former]).astype(np.int64)
    draw_relapse_weeks(m, -1, former, c.state[former] == State.EDUCATION, -np.log1p(-u), elapsed)
    jobs = ids[state == State.SELF_SUPPORTING]
    m.earnings_total = float(c.earnings[jobs].sum(dtype=np.float64))


def weeks_of(sc: Scenario) -> int:
    """Length of ``sc``'s burn-in in weeks."""
    return sc.population.burn_in_years * WEEKS_PER_YEAR
