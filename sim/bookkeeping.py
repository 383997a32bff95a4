"""Bookkeeping rules: the week's changes written to the citizens, and the week's records.

Every change proposed during the week is written at once by :func:`commit` (simultaneous
activation): spells, refund weeks, exits and relapses are booked from the start-of-week and the
new states together.
"""

from typing import TYPE_CHECKING

import numpy as np

from ..agents.citizens import NEVER, PROGRAMME_NONE
from . import kernels
from .citizen_state import update_capacity
from .life_events import schedule_relapse
from .states import IS_BENEFIT, IS_CASE, IS_SELF_SUPPORT, N_STATES, State
from .week import Week

if TYPE_CHECKING:
    from .model import Municipality

#: What the compiled commit needs (``kernels.commit_changes``): state tables, codes and columns.
COMMIT_TABLES = np.stack([IS_BENEFIT, IS_CASE, IS_SELF_SUPPORT])
COMMIT_CODES = np.array(
    [State.SELF_SUPPORTING, State.EDUCATION, State.GONE, State.SICKNESS, NEVER, PROGRAMME_NONE],
    dtype=np.int64,
)
COMMIT_COLUMNS = (
    "spell_start",
    "assessment",
    "wob_base",
    "benefit_since",
    "settle_week",
    "exit_week",
    "n_exits",
    "last_benefit",
    "followup_until",
    "employer",
    "earnings",
    "programme",
    "n_relapses",
    "relapse_week",
    "caseworker",
)


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
    if kernels.compiled():
        exits, entering = kernels.commit_changes(
            changed,
            old,
            new_states,
            w,
            w + sc.effects.followup_weeks if followup else NEVER,
            COMMIT_TABLES,
            COMMIT_CODES,
            *(getattr(c, name) for name in COMMIT_COLUMNS),
        )
        schedule_relapse(m, wk, exits)
        enter_benefit(m, entering, w)
    else:
        _commit_numpy(m, wk, changed, prev, new, followup)
    c.state[: new_states.size] = new_states
    m.records.stocks[w] = np.bincount(new_states, minlength=N_STATES)


def _commit_numpy(
    m: "Municipality", wk: Week, changed: np.ndarray, prev: np.ndarray, new: np.ndarray, followup: bool
) -> None:
    """Pure-numpy :func:`~raaderum.sim.kernels.commit_changes`, with the relapse and benefit entries."""
    c, sc, w, old, new_states = m.citizens, m.params, wk.index, wk.old, wk.new
    c.spell_start[changed] = w
    c.assessment[changed] = 0  # an assessment belongs to the spell in which it was made
    leaving_benefit = changed[IS_BENEFIT[prev] & ~IS_BENEFIT[new]]
    c.wob_base[leaving_benefit] += w - c.benefit_since[leaving_benefit]
    c.settle_week[leaving_benefit] = NEVER
    exits = changed[IS_CASE[prev] & IS_SELF_SUPPORT[new]]
    c.exit_week[exits] = w
    c.n_exits[exits] += 1
    c.last_benefit[exits] = old[exits]
    if followup:
        followed = exits[old[exits] != State.SICKNESS]
        c.followup_until[followed] = w + sc.effects.followup_weeks
    no_job = exits[new_states[exits] == State.EDUCATION]
    c.employer[no_job] = -1
    c.earnings[no_job] = 0
    other = exits[(new_states[exits] == State.SELF_SUPPORTING) & (c.earnings[exits] == 0)]
    c.employer[other] = -1
    c.programme[exits] = PROGRAMME_NONE
    schedule_relapse(m, wk, exits)
    entering = changed[~IS_BENEFIT[prev] & IS_BENEFIT[new] & (new != State.GONE)]
    relapsed = entering[IS_SELF_SUPPORT[old[entering]]]
    c.n_relapses[relapsed] += 1
    c.relapse_week[relapsed] = NEVER
    c.followup_until[relapsed] = NEVER
    enter_benefit(m, entering, w)
    c.employer[relapsed] = -1
    c.earnings[relapsed] = 0
    gone = changed[new == State.GONE]
    c.earnings[gone] = 0
    c.employer[gone] = -1
    c.relapse_week[gone] = NEVER
    c.followup_until[gone] = NEVER
    left_case = changed[IS_CASE[prev] & ~IS_CASE[new]]
    c.caseworker[left_case] = -1
    c.programme[left_case] = PROGRAMME_NONE
    to_permanent = left_case[~IS_SELF_SUPPORT[new_states[left_case]]]
    c.employer[to_permanent] = -1  # an internship host is not kept into flex job or pension


def enter_benefit(m: "Municipality", ids: np.ndarray, w: int) -> None:
    """Start a benefit period: the refund reset rule (52 self-supported weeks in 156), effort at its floor."""
    c, bud = m.citizens, m.params.budget
    lo = max(w + 1 - bud.refund_reset_window_weeks, 1)
    if kernels.compiled():
        self_supported = kernels.weeks_in_states(c.history, lo, w + 1, ids, IS_SELF_SUPPORT)
    else:
        window = c.history[lo : w + 1, ids]
        self_supported = IS_SELF_SUPPORT[window.clip(0)].sum(axis=0) if window.size else 0
    reset = np.asarray(self_supported) >= bud.refund_reset_weeks
    c.wob_base[ids[reset]] = 0
    c.benefit_since[ids] = w
    set_settle_week(m, ids)
    c.effort[ids] = m.params.behaviour.effort_floor  # a new benefit period starts at the floor
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
