"""Quantities of a citizen that several rules derive from the state arrays.

Search effort decays towards its floor between the weeks it is set; work capacity follows from
the three barriers; the mean barrier is what screening and relapse look at.
"""

from typing import TYPE_CHECKING

import numpy as np

from ..agents.citizens import CitizenArrays

if TYPE_CHECKING:
    from .model import Municipality

#: Weeks after which decayed effort is taken as the floor (``effort_retention ** 520`` is ~0).
MAX_EFFORT_AGE = 520


def effort(m: "Municipality", ids: np.ndarray, w: int) -> np.ndarray:
    """Search effort of citizens ``ids`` in week ``w``.

    Effort set in week ``effort_week`` keeps ``effort_retention`` of its excess over
    ``effort_floor`` each week after: ``floor + (effort − floor) · retention^(w − effort_week)``.
    """
    c, b = m.citizens, m.params.behaviour
    age = np.minimum(w - c.effort_week[ids], MAX_EFFORT_AGE)
    return b.effort_floor + (c.effort[ids] - b.effort_floor) * m.retention[age]


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
