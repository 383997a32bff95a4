"""Bookkeeping rules: the week's changes written to the citizens, and the week's records.

Every change proposed during the week is written at once by :func:`commit` (simultaneous
activation): spells, refund weeks, exits and relapses are booked from the start-of-week and the
new states together.
"""

from typing import TYPE_CHECKING

import numpy as np

from ..agents.citizens import NEVER, PROGRAMME_NONE, CitizenArrays
from . import kernels
from .citizen_state import update_capacity
from .life_events import schedule_relapse
from .states import IS_BENEFIT, IS_CASE, IS_SELF_SUPPORT, N_STATES, State
from .week import Week

if TYPE_CHECKING:
    from .model import Municipality

#: What the commit kernel needs to know of the states (``kernels.commit_changes``).
COMMIT_TABLES = kernels.CommitTables(
    IS_BENEFIT,
    IS_CASE,
    IS_SELF_SUPPORT,
    np.array(
        [State.SELF_SUPPORTING, State.EDUCATION, State.GONE, State.SICKNESS, NEVER, PROGRAMME_NONE],
        dtype=np.int64,
    ),
)


def commit_columns(c: CitizenArrays) -> kernels.CommitColumns:
    """The citizen columns the commit updates, as the kernel takes them."""
    return kernels.CommitColumns(*(getattr(c, name) for name in kernels.CommitColumns._fields))


def capacity(m: "Municipality", wk: Week) -> None:
    """Work capacity follows this week's barriers (for the cases of the week)."""
    update_capacity(m, wk.case)


def commit(m: "Municipality", wk: Week) -> None:
    """The week's changes are written, with their bookkeeping, and the stocks counted.

    A new state starts a spell (and ends any assessment). Leaving benefit adds the period's weeks
    to the refund count; entering benefit starts a period, and the count restarts after
    ``refund_reset_weeks`` of self-support within ``refund_reset_window_weeks``. An exit from a
    case state to self-support or education is counted, followed up under the lever, and its
    relapse week drawn; a relapse is counted. Leaving the case states releases the caseworker and
    the programme; a job's earnings enter the tax base.
    """
    c, sc, w = m.citizens, m.params, wk.index
    old, new_states = wk.old, wk.new
    changed = np.flatnonzero(wk.moved & (new_states != old))
    prev, new = old[changed], new_states[changed]
    job_left = changed[prev == State.SELF_SUPPORTING]
    job_started = changed[new == State.SELF_SUPPORTING]
    m.earnings_total += float(c.earnings[job_started].sum(dtype=np.float64))
    m.earnings_total -= float(c.earnings[job_left].sum(dtype=np.float64))
    followup = wk.levers.relapse_followup  # ISU follows up exits from cash-benefit groups
    exits, entering = kernels.commit_changes(
        changed,
        old,
        new_states,
        w,
        w + sc.effects.followup_weeks if followup else NEVER,
        COMMIT_TABLES,
        commit_columns(c),
    )
    schedule_relapse(m, wk, exits)
    c.state[: new_states.size] = new_states
    enter_benefit(m, entering, w)
    m.records.stocks[w] = np.bincount(new_states, minlength=N_STATES)


def enter_benefit(m: "Municipality", ids: np.ndarray, w: int) -> None:
    """Start a benefit period: the refund reset rule (52 self-supported weeks in 156), effort at its floor.

    Called after the week's new states are written: the floor is that of the state entered.
    """
    c, bud = m.citizens, m.params.budget
    lo = max(w + 1 - bud.refund_reset_window_weeks, 1)
    self_supported = kernels.weeks_in_states(c.history, lo, w + 1, ids, IS_SELF_SUPPORT)
    reset = self_supported >= bud.refund_reset_weeks
    c.wob_base[ids[reset]] = 0
    c.benefit_since[ids] = w
    c.course_done[ids] = False
    set_settle_week(m, ids)
    c.effort[ids] = m.effort_floor_of_state[c.state[ids]]  # a new period starts at its state's floor
    c.effort_week[ids] = w


def set_settle_week(m: "Municipality", ids: np.ndarray) -> None:
    """Week from which citizens ``ids`` (on benefit) are in the last refund band."""
    c = m.citizens
    last_band = m.params.budget.refund_band_first_weeks[-1]
    c.settle_week[ids] = c.benefit_since[ids] + last_band - 1 - c.wob_base[ids]


def record(m: "Municipality", wk: Week) -> None:
    """The week's flows between states, the unemployment rate and every citizen's state are recorded.

    Citizens who left this week are taken out of Mesa's agent set (their views stay readable).
    """
    rec, w, old, new, moved = m.records, wk.index, wk.old, wk.new, wk.moved
    rec.flows[w] = np.bincount(
        old[moved].astype(np.int64) * N_STATES + new[moved], minlength=N_STATES * N_STATES
    ).reshape(N_STATES, N_STATES)
    rec.unemployment[w] = m.cycle.unemployment[w]
    m.citizens.history[w + 1, : old.size] = new
    if m.agent_views:
        m.remove_agents_gone((new == State.GONE) & (old != State.GONE))
