"""Dated policy: the cash-benefit reform of 2014 and where under-30s on benefit belong before it."""

from typing import TYPE_CHECKING

import numpy as np

from .states import State
from .week import Week, transition

if TYPE_CHECKING:
    from .model import Municipality


def cash_benefit_state(capacity: np.ndarray, activity_ready_capacity: float) -> np.ndarray:
    """Job-ready, or activity-ready below ``activity_ready_capacity`` (the visitation of a cash case)."""
    dest = np.where(capacity < activity_ready_capacity, State.ACTIVITY_READY, State.JOB_READY)
    return dest.astype(np.int8)


def before_education_benefit(m: "Municipality", ids: np.ndarray) -> None:
    """Citizens ``ids`` who would enter as education-ready get cash benefit instead (before the reform).

    Before ``education_benefit_from_year`` there is no education benefit: an under-30 without an
    education who claims is visited job-ready or activity-ready like anyone else.
    """
    c = m.citizens
    young = ids[c.state[ids] == State.EDUCATION_READY]
    c.state[young] = cash_benefit_state(c.capacity[young], m.params.behaviour.activity_ready_capacity)


@transition
def education_benefit_reform(m: "Municipality", wk: Week) -> None:
    """In the first week of ``education_benefit_from_year``, under-30 cash cases become education-ready.

    The cash-benefit reform of 1 January 2014 (kontanthjælpsreformen) moved recipients under
    ``education_ready_max_age`` without an education from cash benefit to education benefit
    (uddannelseshjælp). Before that week under-30s claim cash benefit (newcomers and relapses
    alike, :func:`before_education_benefit`); from it on they are education-ready. A reform before
    the horizon is in force throughout, and the burn-in runs under the rules in force just before
    the horizon.
    """
    if wk.index != m.education_benefit_week:
        return
    c, w, case, old = m.citizens, wk.index, wk.case, wk.old
    cash = case[(old[case] == State.JOB_READY) | (old[case] == State.ACTIVITY_READY)]
    young = cash[(w - c.birth_week[cash]) / 52 < m.params.behaviour.education_ready_max_age]
    wk.move(young, State.EDUCATION_READY)
