"""Quantities of a citizen that several rules derive from the state arrays.

Search effort decays towards its floor between the weeks it is set; work capacity follows from
the three barriers; the mean barrier is what screening and relapse look at.
"""

from typing import TYPE_CHECKING

import numpy as np

from ..agents.citizens import CitizenArrays
from .states import N_STATES, State

if TYPE_CHECKING:
    from .model import Municipality
    from .parameters import Behaviour

#: Weeks after which decayed effort is taken as the floor (``effort_retention ** 520`` is ~0).
MAX_EFFORT_AGE = 520

#: States whose citizens must be available for work or education and search by themselves
#: (rådighedspligt, Lov om aktiv socialpolitik § 13): their effort floor is
#: ``job_ready_effort_floor``; every other state's is ``effort_floor``.
AVAILABLE_STATES = (State.JOB_READY, State.EDUCATION_READY)


def effort_floors(b: "Behaviour") -> np.ndarray:
    """Search effort without contact, by state code (see :data:`AVAILABLE_STATES`)."""
    floors = np.full(N_STATES, b.effort_floor)
    floors[list(AVAILABLE_STATES)] = b.job_ready_effort_floor
    return floors


def effort(m: "Municipality", ids: np.ndarray, w: int) -> np.ndarray:
    """Search effort of citizens ``ids`` in week ``w``.

    Effort set in week ``effort_week`` keeps ``effort_retention`` of its excess over the floor of
    the citizen's state each week after: ``floor + (effort − floor) · retention^(w − effort_week)``.
    The floor is ``job_ready_effort_floor`` for the job-ready and education-ready, who must be
    available and search by themselves, and ``effort_floor`` for the others: the activity-ready's
    search without contact is what a high caseload leaves them with. After a change of state the
    effort moves towards the new state's floor at the same rate.
    """
    c = m.citizens
    age = np.minimum(w - c.effort_week[ids], MAX_EFFORT_AGE)
    floor = m.effort_floor_of_state[c.state[ids]]
    return floor + (c.effort[ids] - floor) * m.retention[age]


def update_capacity(m: "Municipality", ids: np.ndarray) -> None:
    """Work capacity of citizens ``ids``: one minus the weighted barriers, in [0, 1].

    ``capacity = 1 − (w_h · health + w_s · social + w_k · skills)`` with the weights
    ``behaviour.capacity_weights``.
    """
    c = m.citizens
    wh, ws, wk = m.params.behaviour.capacity_weights
    lost = wh * c.health[ids] + ws * c.social[ids] + wk * c.skills[ids]
    c.capacity[ids] = np.clip(1.0 - lost, 0.0, 1.0)


def mean_barrier(c: CitizenArrays, ids: np.ndarray) -> np.ndarray:
    """Mean of the three barriers of citizens ``ids``."""
    return (c.health[ids] + c.social[ids] + c.skills[ids]) / 3
