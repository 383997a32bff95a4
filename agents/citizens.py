"""Citizens: state arrays indexed by citizen id, and a Mesa agent that reads them.

The weekly rules that act on citizens live in :mod:`raaderum.sim.model`; this module holds the data,
how new citizens are drawn, and the per-citizen view a notebook uses.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from ..sim.states import IS_CASE, N_STATES, State

if TYPE_CHECKING:
    from .caseworkers import Caseworker
    from .world import WorldModel

NEVER = -(1 << 20)  # a week index long before any run

#: Per-citizen columns and their dtypes.
COLUMNS: dict[str, type] = {
    "state": np.int8,
    "birth_week": np.float32,  # week index of birth (negative: before the run)
    "leave_week": np.int32,  # week the citizen moves away or reaches pension age
    "health": np.float32,  # ICF-style barriers in [0, 1]
    "social": np.float32,
    "skills": np.float32,
    "capacity": np.float32,  # work capacity in [0, 1], from the barriers
    "wob_base": np.int32,  # refund weeks counted when the current benefit period began
    "benefit_since": np.int32,  # week the current benefit period began
    "settle_week": np.int32,  # week the refund count reaches the last band (NEVER off benefit)
    "spell_start": np.int32,  # week the current state began
    "last_meeting": np.int32,  # week of the last caseworker meeting
    "caseworker": np.int32,  # caseworker slot, -1 if none
    "rapport": np.float32,  # continuity with the current caseworker, in [0, 1]
    "effort": np.float32,  # search effort at effort_week
    "effort_week": np.int32,
    "assessment": np.float32,  # progress of a work-capacity assessment, in meetings
    "programme": np.int8,  # 0 none, 1 job-search course, 2 internship
    "programme_end": np.int32,
    "course_done": np.bool_,  # finished a job-search course in the current benefit period
    "employer": np.int32,  # employer of a job or internship, -1 if none
    "earnings": np.float32,  # DKK per week while in a job
    "last_benefit": np.int8,  # benefit state before the last exit
    "exit_week": np.int32,
    "followup_until": np.int32,
    "relapse_week": np.int32,  # week a former recipient is scheduled to return to benefit
    "screened": np.bool_,
    "n_exits": np.int16,
    "n_relapses": np.int16,
    "n_meetings": np.int32,
    "n_caseworker_changes": np.int16,
    "entry_week": np.int32,
}

PROGRAMME_NONE, PROGRAMME_COURSE, PROGRAMME_INTERNSHIP = 0, 1, 2


class CitizenArrays:
    """Column store of all citizens who are ever in the model.

    Everyone who will arrive during the run is drawn when the model is built (the inflow does not
    depend on the model's state), so the arrays have their final size from the start; ``n`` is
    the number who have arrived so far. Citizens are never removed (a citizen who leaves is in
    state GONE), so an id is a stable index. ``history[r, i]`` is citizen i's state at the end of
    week ``r - 1`` (row 0 is the initial state); -1 before the citizen arrived.

    Args:
        size: Number of citizens to allocate (initial population plus all inflow).
        n_weeks: Number of simulated weeks (rows of the history).
    """

    # One array per column of COLUMNS (the dtypes are there), declared for editors and mypy.
    state: np.ndarray
    birth_week: np.ndarray
    leave_week: np.ndarray
    health: np.ndarray
    social: np.ndarray
    skills: np.ndarray
    capacity: np.ndarray
    wob_base: np.ndarray
    benefit_since: np.ndarray
    settle_week: np.ndarray
    spell_start: np.ndarray
    last_meeting: np.ndarray
    caseworker: np.ndarray
    rapport: np.ndarray
    effort: np.ndarray
    effort_week: np.ndarray
    assessment: np.ndarray
    programme: np.ndarray
    programme_end: np.ndarray
    course_done: np.ndarray
    employer: np.ndarray
    earnings: np.ndarray
    last_benefit: np.ndarray
    exit_week: np.ndarray
    followup_until: np.ndarray
    relapse_week: np.ndarray
    screened: np.ndarray
    n_exits: np.ndarray
    n_relapses: np.ndarray
    n_meetings: np.ndarray
    n_caseworker_changes: np.ndarray
    entry_week: np.ndarray
    history: np.ndarray

    def __init__(self, size: int, n_weeks: int) -> None:
        self.n = 0
        self.n_drawn = 0
        self.size = size
        for name, dtype in COLUMNS.items():
            setattr(self, name, np.zeros(size, dtype=dtype))
        self.history = np.full((n_weeks + 1, size), -1, dtype=np.int8)

    def reserve(self, count: int) -> np.ndarray:
        """Ids for ``count`` citizens to be drawn (they arrive later, in id order)."""
        if self.n_drawn + count > self.size:
            raise ValueError(f"only {self.size} citizens allocated")
        ids = np.arange(self.n_drawn, self.n_drawn + count)
        self.n_drawn += count
        return ids

    def refund_weeks(self, ids: np.ndarray, week: int) -> np.ndarray:
        """Refund weeks counted, including ``week``, for citizens ``ids`` on benefit in that week."""
        return self.wob_base[ids] + (week - self.benefit_since[ids]) + 1

    def arrive(self, count: int) -> np.ndarray:
        """The next ``count`` drawn citizens enter the model; returns their ids."""
        ids = np.arange(self.n, self.n + count)
        self.n += count
        return ids


@dataclass(frozen=True)
class EntrantProfile:
    """How the citizens entering a state are drawn (initial stock and inflow).

    Barriers are Beta-distributed with the given means and a common concentration.
    """

    age_mean: float
    age_sd: float
    age_min: float
    age_max: float
    health: float
    social: float
    skills: float
    weeks_on_benefit: float  # mean refund weeks already counted, initial stock only


#: Entry profiles by state. Source: assumption, shaped by ISU cases ("more than 60 % of
#: activity-ready have a work capacity for full- or part-time jobs") and LAB's target groups.
PROFILES: dict[State, EntrantProfile] = {
    State.JOB_READY: EntrantProfile(40, 10, 30, 64, 0.15, 0.10, 0.25, 60),
    State.ACTIVITY_READY: EntrantProfile(42, 11, 30, 64, 0.55, 0.50, 0.55, 220),
    State.EDUCATION_READY: EntrantProfile(23, 3, 18, 29.5, 0.20, 0.25, 0.35, 70),
    State.SICKNESS: EntrantProfile(44, 11, 18, 64, 0.30, 0.10, 0.15, 10),
    State.RESOURCE_COURSE: EntrantProfile(42, 10, 25, 64, 0.70, 0.60, 0.55, 300),
    State.FLEX_JOB: EntrantProfile(50, 9, 25, 64, 0.60, 0.30, 0.30, 400),
    State.DISABILITY_PENSION: EntrantProfile(52, 9, 25, 64, 0.85, 0.60, 0.50, 600),
}
BARRIER_CONCENTRATION = 6.0  # Beta(a, b) with a + b = 6: a spread of about ±0.2 around the mean

#: PROFILES as a table indexed by state code (rows of states without a profile are unused).
PROFILE_FIELDS = tuple(EntrantProfile.__dataclass_fields__)
PROFILE_TABLE = np.zeros((N_STATES, len(PROFILE_FIELDS)))
for _state, _profile in PROFILES.items():
    PROFILE_TABLE[_state] = [getattr(_profile, f) for f in PROFILE_FIELDS]


def _beta(rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    mean = np.clip(mean, 1e-3, 1 - 1e-3)
    return rng.beta(mean * BARRIER_CONCENTRATION, (1 - mean) * BARRIER_CONCENTRATION)


def draw_attributes(
    cz: CitizenArrays,
    ids: np.ndarray,
    states: np.ndarray,
    week: np.ndarray | int,
    rng: np.random.Generator,
    *,
    initial: bool,
    pension_age: float,
    move_away_weekly: float,
    max_spell_weeks: np.ndarray | int = 52,
) -> None:
    """Fill the columns of citizens ``ids`` entering ``states`` in ``week`` (per citizen or for all).

    The number of draws depends only on ``len(ids)``, so the population is identical in every
    run that shares the seed. Initial citizens have been in their state for up to
    ``max_spell_weeks`` weeks (per citizen or for all).
    """
    n = len(ids)
    p = {f: PROFILE_TABLE[states, i] for i, f in enumerate(PROFILE_FIELDS)}
    age = np.clip(rng.normal(p["age_mean"], p["age_sd"]), p["age_min"], p["age_max"])
    cz.state[ids] = states
    cz.birth_week[ids] = week - age * 52
    to_pension = np.ceil((pension_age - age) * 52).astype(np.int64)
    to_move = rng.geometric(move_away_weekly, n) if move_away_weekly > 0 else np.full(n, 1 << 30)
    cz.leave_week[ids] = week + np.minimum(to_pension, to_move)
    cz.health[ids] = _beta(rng, p["health"])
    cz.social[ids] = _beta(rng, p["social"])
    cz.skills[ids] = _beta(rng, p["skills"])
    if initial:
        cz.wob_base[ids] = rng.exponential(p["weeks_on_benefit"]).astype(np.int32)
        cz.spell_start[ids] = week - (rng.random(n) * max_spell_weeks).astype(np.int32)
        cz.last_meeting[ids] = week - rng.integers(1, 13, n)
    else:
        cz.wob_base[ids] = 0
        cz.spell_start[ids] = week
        cz.last_meeting[ids] = NEVER
    cz.benefit_since[ids] = week
    cz.caseworker[ids] = -1
    cz.effort_week[ids] = week
    cz.employer[ids] = -1
    cz.last_benefit[ids] = states
    cz.exit_week[ids] = NEVER
    cz.followup_until[ids] = NEVER
    cz.relapse_week[ids] = NEVER
    cz.entry_week[ids] = week


class Citizen(mesa.Agent):
    """A citizen. State lives in the model's :class:`CitizenArrays`; this object reads it.

    Args:
        model: The municipality.
        index: Row of this citizen in the arrays.
    """

    def __init__(self, model: "WorldModel", index: int) -> None:
        super().__init__(model)
        self.index = index
        self.unique_id = index  # the model keeps every other agent's id above the citizens'

    @property
    def _arrays(self) -> CitizenArrays:
        return self.model.citizens

    @property
    def state(self) -> State:
        """Benefit state this week."""
        return State(int(self._arrays.state[self.index]))

    @property
    def age(self) -> float:
        """Age in years at the current week."""
        return float((self.model.week - self._arrays.birth_week[self.index]) / 52)

    @property
    def barriers(self) -> dict[str, float]:
        """ICF-style barriers (0 none, 1 severe) by domain."""
        a, i = self._arrays, self.index
        return {"health": float(a.health[i]), "social": float(a.social[i]), "skills": float(a.skills[i])}

    @property
    def work_capacity(self) -> float:
        """Work capacity in [0, 1]."""
        return float(self._arrays.capacity[self.index])

    @property
    def weeks_on_benefit(self) -> int:
        """Cumulative weeks on benefit as the refund rules count them."""
        return int(self.model.weeks_on_benefit(np.array([self.index]))[0])

    @property
    def weeks_since_meeting(self) -> int | None:
        """Weeks since the last caseworker meeting, None if never met."""
        last = int(self._arrays.last_meeting[self.index])
        return None if last <= NEVER // 2 else self.model.week - last

    @property
    def caseworker(self) -> "Caseworker | None":
        """The assigned caseworker, if the citizen is in a job-centre state."""
        slot = int(self._arrays.caseworker[self.index])
        if slot < 0 or not IS_CASE[self._arrays.state[self.index]]:
            return None
        return self.model.caseworkers.agent_of(slot)

    @property
    def exits(self) -> int:
        """Number of exits from benefit to self-support or education."""
        return int(self._arrays.n_exits[self.index])

    @property
    def relapses(self) -> int:
        """Number of returns to benefit after an exit."""
        return int(self._arrays.n_relapses[self.index])

    def history(self) -> pd.Series:
        """State at the end of each week the citizen was in the model, by week index."""
        rows = self._arrays.history[: self.model.week + 1, self.index]
        weeks = np.flatnonzero(rows >= 0)
        return pd.Series(
            pd.Categorical.from_codes(rows[weeks], categories=[s.name.lower() for s in State]),
            index=pd.Index(weeks - 1, name="week"),
            name=f"citizen {self.index}",
        )
