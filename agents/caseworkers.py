"""Caseworkers: seats (slots) by team, turnover, case assignment and who gets a meeting.

A *slot* is a caseworker position. The person in it is a :class:`Caseworker` Mesa agent; when
they quit, the slot stays vacant for ``vacancy_weeks`` and a new caseworker (a new agent) fills
it. Extra caseworkers of a strategy have slots of their own, open only in the strategy period.
"""

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ..sim import kernels
from ..sim.parameters import Staff
from ..sim.states import Team

if TYPE_CHECKING:
    from .world import WorldModel

VACANT = -1


class CaseworkerArrays:
    """Slot arrays and the Mesa agents currently in the slots.

    Args:
        staff: Staffing parameters.
        n_extra: Extra slots of the strategy (all in ``extra_team``).
        extra_team: Team the extra caseworkers join.
    """

    def __init__(self, staff: Staff, n_extra: int, extra_team: Team) -> None:
        teams = (
            [Team.ACTIVITY_READY] * staff.caseworkers_activity_ready
            + [Team.JOB_READY] * staff.caseworkers_job_ready
            + [Team.SICKNESS] * staff.caseworkers_sickness
        )
        self.n_base = len(teams)
        self.team = np.array(teams + [extra_team] * n_extra, dtype=np.int8)
        self.n = len(self.team)
        self.is_extra = np.arange(self.n) >= self.n_base
        self.active = ~self.is_extra
        self.refill_week = np.full(self.n, VACANT, dtype=np.int32)
        self.joined_week = np.full(self.n, VACANT, dtype=np.int32)
        self.caseload = np.zeros(self.n, dtype=np.int32)
        self.meetings = np.zeros(self.n, dtype=np.int32)
        self.minutes_per_week = staff.hours_per_week * (1 - staff.admin_share) * 60
        self.quit_weekly = 1 - (1 - staff.turnover_annual) ** (1 / 52)
        self._staff = staff
        self._agents: list[Caseworker | None] = [None] * self.n

    def agent_of(self, slot: int) -> "Caseworker | None":
        """The caseworker in ``slot`` now, or None if the slot is vacant."""
        return self._agents[slot] if self.active[slot] else None

    def hire(self, model: "WorldModel", slots: np.ndarray) -> None:
        """Fill ``slots`` with new caseworker agents."""
        for s in slots:
            self.active[s] = True
            self.refill_week[s] = VACANT
            self.joined_week[s] = model.week
            self._agents[s] = Caseworker(model, int(s))

    def leave(self, slots: np.ndarray, refill_week: int) -> None:
        """Empty ``slots``; they are filled again at ``refill_week`` (VACANT: never)."""
        self.active[slots] = False
        self.refill_week[slots] = refill_week
        for s in slots:
            agent = self._agents[s]
            if agent is not None:
                agent.left_week = agent.model.week
                agent.remove()
            self._agents[s] = None

    def quit_hazard(self) -> np.ndarray:
        """Weekly quit probability per slot; rises with caseload above the recommended one."""
        excess = np.maximum(self.caseload / self._staff.recommended_caseload - 1.0, 0.0)
        return np.minimum(self.quit_weekly * (1 + self._staff.turnover_caseload_slope * excess), 1.0)

    def active_by_team(self) -> np.ndarray:
        """Number of active caseworkers in each team."""
        return np.bincount(self.team[self.active], minlength=len(Team))


def water_fill(loads: np.ndarray, k: int) -> np.ndarray:
    """Split ``k`` new cases over caseworkers so that the lowest caseloads are filled first.

    Returns how many cases each caseworker gets (adding up to ``k``); afterwards the loads of
    those who got cases differ by at most one, and nobody who got a case ends above anyone else.
    """
    m = loads.size
    if m == 0 or k <= 0:
        return np.zeros(m, dtype=np.int64)
    order = np.argsort(loads, kind="stable")
    sorted_loads = loads[order].astype(np.int64)
    prefix = np.cumsum(sorted_loads)
    # cost of raising the j lowest to the level of the j-th
    cost = np.arange(1, m + 1) * sorted_loads - prefix
    j = int(np.searchsorted(cost, k, side="right"))  # the j lowest are filled
    level, extra = divmod(k + int(prefix[j - 1]), j)
    give = np.zeros(m, dtype=np.int64)
    give[:j] = level - sorted_loads[:j]
    give[:extra] += 1
    counts = np.zeros(m, dtype=np.int64)
    counts[order] = give
    return counts


def assign_cases(teams: np.ndarray, cw: "CaseworkerArrays") -> np.ndarray:
    """Give each case needing a caseworker (one entry per case, its team) a slot.

    Within a team, cases go to the active caseworkers with the lowest caseloads first
    (:func:`water_fill`). Returns the slot per case (-1 if the team has nobody active) and adds
    the cases to ``cw.caseload``.
    """
    if kernels.compiled():
        return kernels.assign_cases(teams, cw.active, cw.team, cw.caseload)
    slots = np.full(teams.size, -1, dtype=np.int32)
    for team in np.flatnonzero(np.bincount(teams, minlength=1)):
        members = np.flatnonzero(cw.active & (cw.team == team))
        if members.size == 0:
            continue
        pick = np.flatnonzero(teams == team)
        counts = water_fill(cw.caseload[members], pick.size)
        slots[pick] = np.repeat(members, counts)
        cw.caseload[members] += counts
    return slots


def cases_to_hand_over(
    slot: np.ndarray, rapport: np.ndarray, cw: "CaseworkerArrays", team: int
) -> np.ndarray:
    """Cases to move when a caseworker joins ``team``: the excess above the team's mean caseload.

    Each caseworker above the mean (rounded up) gives up the cases with the least rapport first.

    Args:
        slot: Caseworker slot of every assigned case.
        rapport: The cases' rapport with their caseworker.
        cw: Caseworker slots (``caseload`` up to date).
        team: The team to rebalance.

    Returns:
        Positions (into ``slot``) of the cases to hand over.
    """
    members = np.flatnonzero(cw.active & (cw.team == team))
    if members.size == 0:
        return np.zeros(0, dtype=np.int64)
    target = int(np.ceil(cw.caseload[members].sum() / members.size))
    excess = np.zeros(cw.n, dtype=np.int64)
    excess[members] = np.maximum(cw.caseload[members] - target, 0)
    mine = np.flatnonzero(excess[slot] > 0)
    if mine.size == 0:
        return mine
    order = mine[np.lexsort((rapport[mine], slot[mine]))]
    s_slot = slot[order]
    starts = np.flatnonzero(np.r_[True, s_slot[1:] != s_slot[:-1]])
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    return order[rank < excess[s_slot]]


def allocate_meetings(
    slot: np.ndarray,
    weeks_since: np.ndarray,
    overdue: np.ndarray,
    minutes: np.ndarray,
    minutes_available: float,
) -> np.ndarray:
    """Decide which eligible cases get a meeting this week, within each caseworker's time.

    Priority within a caseworker: cases overdue under the legal contact schedule first, then
    the longest since the last meeting. A caseworker meets cases in that order while the
    minutes add up to no more than ``minutes_available``.

    Args:
        slot: Caseworker slot of each eligible case.
        weeks_since: Weeks since the last meeting.
        overdue: True where the legal schedule calls for a meeting.
        minutes: Minutes the meeting takes.
        minutes_available: Meeting minutes per caseworker per week.

    Returns:
        Boolean mask over the inputs: who is met.
    """
    if slot.size == 0:
        return np.zeros(0, dtype=bool)
    since = np.minimum(weeks_since, (1 << 20) - 1).astype(np.int64)
    key = (slot.astype(np.int64) << 21) | ((~overdue).astype(np.int64) << 20) | ((1 << 20) - 1 - since)
    order = np.argsort(key, kind="stable")
    s_slot = slot[order]
    cum = np.cumsum(minutes[order])
    starts = np.flatnonzero(np.concatenate(([True], s_slot[1:] != s_slot[:-1])))
    group_len = np.diff(np.append(starts, s_slot.size))
    before_group = np.repeat(cum[starts] - minutes[order][starts], group_len)
    met_sorted = (cum - before_group) <= minutes_available
    met = np.empty(slot.size, dtype=bool)
    met[order] = met_sorted
    return met


class Caseworker(mesa.Agent):
    """A caseworker in a slot. Reads the slot arrays of the model.

    Args:
        model: The municipality.
        slot: The position this caseworker fills.
    """

    def __init__(self, model: "WorldModel", slot: int) -> None:
        super().__init__(model)
        self.slot = slot
        self.hired_week = model.week
        self.left_week: int | None = None

    @property
    def team(self) -> Team:
        """The team of the slot."""
        return Team(int(self.model.caseworkers.team[self.slot]))

    @property
    def is_extra(self) -> bool:
        """True for a caseworker hired by the strategy."""
        return bool(self.model.caseworkers.is_extra[self.slot])

    @property
    def caseload(self) -> int:
        """Cases assigned at the start of the current week."""
        return int(self.model.caseworkers.caseload[self.slot])

    @property
    def meetings_last_week(self) -> int:
        """Meetings held in the last simulated week."""
        return int(self.model.caseworkers.meetings[self.slot])

    def cases(self) -> np.ndarray:
        """Ids of the citizens assigned to this caseworker now."""
        return self.model.cases_of(self.slot)
