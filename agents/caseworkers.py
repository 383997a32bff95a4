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


def assign_cases(teams: np.ndarray, cw: "CaseworkerArrays") -> np.ndarray:
    """Give each case needing a caseworker (one entry per case, its team) a slot.

    Within a team, cases go to the active caseworkers with the lowest caseloads first (water
    filling: afterwards the loads of those who got cases differ by at most one, and nobody who got
    a case ends above anyone else; :func:`raaderum.sim.kernels.assign_cases`). Returns the slot
    per case (-1 if the team has nobody active) and adds the cases to ``cw.caseload``.
    """
    return kernels.assign_cases(teams, cw.active, cw.team, cw.caseload)


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
