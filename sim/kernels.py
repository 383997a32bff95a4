"""The compiled (numba) kernels of the weekly hot spots: each is the only implementation of its rule.

A default run spends most of its time on the overhead of many small numpy calls, not on
arithmetic (``BENCHMARKS.md``); a kernel replaces a dozen calls by one loop. numba is a required
dependency. The pure-numpy versions these kernels replaced live on in ``tests/oracles.py`` as test
oracles with the same signatures: ``tests/test_kernels.py`` checks every kernel against its oracle
on the same inputs, and whole runs with all kernels swapped for the oracles, bit for bit.
Transcendental functions (log, exp) stay in numpy, whose SIMD versions may differ from libm in
the last bit; the kernels only add, multiply, compare, sort and hash.
"""

from typing import NamedTuple

import numba
import numpy as np


def _jit(func):
    return numba.njit(cache=True, nogil=True)(func)


# ---------------------------------------------------------------------- keyed uniforms
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))
_TO_UNIT = 1.0 / float(1 << 53)


@_jit
def keyed_uniform(key: np.uint64, week: int, draw: int, ids: np.ndarray) -> np.ndarray:  # pragma: no cover
    """SplitMix64-finalised uniforms for ``ids``; the same numbers as ``RandomStreams.uniform``."""
    out = np.empty(ids.size, dtype=np.float64)
    base = np.uint64((week << 40) | (draw << 32))
    for i in range(ids.size):
        z = (base + np.uint64(ids[i])) * _GOLDEN + key
        z = (z ^ (z >> _S30)) * _M1
        z = (z ^ (z >> _S27)) * _M2
        z = z ^ (z >> _S31)
        out[i] = np.float64(z >> _S11) * _TO_UNIT
    return out


# ---------------------------------------------------------------------- relapse week
@_jit
def first_crossing(
    rate: np.ndarray,
    firm: np.ndarray,
    covered_weeks: np.ndarray,
    threshold: np.ndarray,
    elapsed: np.ndarray,
    decay: np.ndarray,
    layoff: np.ndarray,
    week: int,
    horizon: int,
    followup_multiplier: float,
) -> np.ndarray:  # pragma: no cover
    """Weeks after ``week`` (0-based) in which each exit's cumulative relapse hazard reaches its threshold.

    Exit ``i`` is ``elapsed[i]`` weeks old at ``week`` (0 for an exit in ``week``), so week
    ``week + k`` is its ``(elapsed[i] + k)``-th week after the exit. Its hazard there is
    ``rate[i] · decay[elapsed[i] + k]`` times the lay-off factor of its firm in week ``week + k``
    (if it has one); it is multiplied by
    ``followup_multiplier`` while ``k <= covered_weeks[i]``. The cumulative hazard counts from
    ``week + 1``. Returns -1 for an exit whose cumulative hazard stays below its threshold
    within ``horizon`` weeks.
    """
    n = rate.size
    out = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        acc = 0.0
        for k in range(1, horizon + 1):
            h = rate[i] * decay[elapsed[i] + k]
            if firm[i] >= 0:
                h *= layoff[week + k, firm[i]]
            if k <= covered_weeks[i]:
                h *= followup_multiplier
            acc += h
            if acc >= threshold[i]:
                out[i] = k - 1
                break
    return out


# ---------------------------------------------------------------------- meetings
#: The bit of a meeting's priority key that is set when the case is not overdue (bits 0-19: the
#: weeks since the last meeting, inverted; from bit 21: the caseworker slot).
NOT_DUE_BIT = 1 << 20


class MeetingRules(NamedTuple):
    """The contact rules a meeting allocation applies (from ``Staff`` and ``Behaviour``)."""

    first_period: int  # weeks of a spell under the first legal interval
    interval_first: int  # legal weeks between meetings in the first period
    interval_later: int  # ... and after it
    min_between: int  # weeks before a case can be met again
    assessing_state: int  # the state whose low-capacity cases are under assessment
    clarify_capacity: np.float32  # below it a case is assessed (float32, as the capacity column)
    minutes_assessment: float  # minutes of a meeting that moves an assessment forward
    minutes_meeting: float  # minutes of any other meeting


class MeetingColumns(NamedTuple):
    """The citizen columns a meeting allocation reads."""

    caseworker: np.ndarray
    last_meeting: np.ndarray
    spell_start: np.ndarray
    state: np.ndarray
    capacity: np.ndarray


@_jit
def meeting_candidates(
    case: np.ndarray, cols: MeetingColumns, week: int, rules: MeetingRules
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:  # pragma: no cover
    """The cases a caseworker could meet this week, as :func:`raaderum.sim.casework.meetings` finds them.

    Returns:
        Positions (into ``case``) of the eligible cases; their priority key (caseworker slot,
        then overdue first, then longest since the last meeting: ascending is first); the
        minutes each meeting takes; the number of cases overdue under the legal schedule.
    """
    caseworker, last_meeting, spell_start = cols.caseworker, cols.last_meeting, cols.spell_start
    state, capacity = cols.state, cols.capacity
    first_period, interval_first, interval_later = (
        rules.first_period,
        rules.interval_first,
        rules.interval_later,
    )
    min_between, assessing_state, clarify_capacity = (
        rules.min_between,
        rules.assessing_state,
        rules.clarify_capacity,
    )
    minutes_assessment, minutes_meeting = rules.minutes_assessment, rules.minutes_meeting
    cap = (1 << 20) - 1
    n = case.size
    pick = np.empty(n, dtype=np.int64)
    key = np.empty(n, dtype=np.int64)
    minutes = np.empty(n, dtype=np.float64)
    n_eligible = 0
    n_overdue = 0
    for j in range(n):
        i = case[j]
        since = week - np.int64(last_meeting[i])
        early = (week - np.int64(spell_start[i])) < first_period
        overdue = since >= (interval_first if early else interval_later)
        if overdue:
            n_overdue += 1
        slot = np.int64(caseworker[i])
        if slot < 0 or since < min_between:
            continue
        late = np.int64(0) if overdue else np.int64(1)
        pick[n_eligible] = j
        key[n_eligible] = (slot << 21) | (late << 20) | (cap - (since if since < cap else cap))
        assessing = state[i] == assessing_state and capacity[i] < clarify_capacity
        minutes[n_eligible] = minutes_assessment if assessing else minutes_meeting
        n_eligible += 1
    return pick[:n_eligible], key[:n_eligible], minutes[:n_eligible], n_overdue


@_jit
def meet_in_order(
    order: np.ndarray, key: np.ndarray, minutes: np.ndarray, available: float
) -> np.ndarray:  # pragma: no cover
    """Who is met: in ``order``, each caseworker (``key >> 21``) meets cases while the minutes fit.

    The sums run in the order and with the rounding of the numpy oracle (``tests/oracles.py``).
    """
    n = order.size
    met = np.zeros(n, dtype=np.bool_)
    cum = 0.0
    before = 0.0
    previous = -1
    for j in range(n):
        i = order[j]
        cum += minutes[i]
        slot = key[i] >> 21
        if slot != previous:
            before = cum - minutes[i]
            previous = slot
        met[i] = (cum - before) <= available
    return met


# ---------------------------------------------------------------------- case assignment
@_jit
def assign_cases(
    teams: np.ndarray, active: np.ndarray, team_of_slot: np.ndarray, caseload: np.ndarray
) -> np.ndarray:  # pragma: no cover
    """Cases go to the team's active caseworkers with the lowest caseloads first; updates ``caseload``.

    The ``j`` lowest caseloads are raised to a common level (water filling), the remainder one
    each to the lowest; a team with nobody active gives -1.
    """
    slots = np.full(teams.size, -1, dtype=np.int32)
    if teams.size == 0:
        return slots
    for team in range(int(teams.max()) + 1):
        members = np.flatnonzero(active & (team_of_slot == team))
        pick = np.flatnonzero(teams == team)
        m, k = members.size, pick.size
        if m == 0 or k == 0:
            continue
        loads = caseload[members].astype(np.int64)
        order = np.argsort(loads, kind="mergesort")
        sorted_loads = loads[order]
        # the j lowest are raised to a common level: j = number with cost <= k
        prefix = 0
        j = 0
        for r in range(m):
            cost = (r + 1) * sorted_loads[r] - (prefix + sorted_loads[r])
            if cost > k:
                break
            prefix += sorted_loads[r]
            j = r + 1
        level, extra = divmod(k + prefix, j)
        counts = np.zeros(m, dtype=np.int64)
        for r in range(j):
            counts[order[r]] = level - sorted_loads[r] + (1 if r < extra else 0)
        # cases go to slots in slot order, as np.repeat(members, counts) gives them
        cursor = 0
        for q in range(m):
            caseload[members[q]] += counts[q]
            for _ in range(counts[q]):
                slots[pick[cursor]] = members[q]
                cursor += 1
    return slots


# ---------------------------------------------------------------------- weekly commit
class CommitColumns(NamedTuple):
    """The citizen columns the weekly commit updates in place (one array each, by citizen id)."""

    spell_start: np.ndarray
    assessment: np.ndarray
    wob_base: np.ndarray
    benefit_since: np.ndarray
    settle_week: np.ndarray
    exit_week: np.ndarray
    n_exits: np.ndarray
    last_benefit: np.ndarray
    followup_until: np.ndarray
    employer: np.ndarray
    earnings: np.ndarray
    programme: np.ndarray
    n_relapses: np.ndarray
    relapse_week: np.ndarray
    caseworker: np.ndarray


class CommitTables(NamedTuple):
    """What the commit needs to know of the states: three tables by state code, and the codes."""

    is_benefit: np.ndarray
    is_case: np.ndarray
    is_self_support: np.ndarray
    codes: np.ndarray  # SELF_SUPPORTING, EDUCATION, GONE, SICKNESS, NEVER, PROGRAMME_NONE


@_jit
def commit_changes(
    changed: np.ndarray,
    old: np.ndarray,
    new: np.ndarray,
    week: int,
    followup_until_week: int,
    tables: CommitTables,
    cols: CommitColumns,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """The bookkeeping of :func:`raaderum.sim.bookkeeping.commit` for the citizens who changed state.

    Args:
        changed: Ids of the citizens whose state changed.
        old: State of every citizen at the start of the week.
        new: State of every citizen at the end of the week.
        week: This week.
        followup_until_week: End of follow-up for this week's exits; below ``week`` if none.
        tables: The state tables and codes.
        cols: The citizen columns, updated in place.

    Returns:
        The exits (to schedule their relapse) and those entering benefit (to start their period).
    """
    spell_start, assessment, wob_base = cols.spell_start, cols.assessment, cols.wob_base
    benefit_since, settle_week, exit_week = cols.benefit_since, cols.settle_week, cols.exit_week
    n_exits, last_benefit, followup_until = cols.n_exits, cols.last_benefit, cols.followup_until
    employer, earnings, programme = cols.employer, cols.earnings, cols.programme
    n_relapses, relapse_week, caseworker = cols.n_relapses, cols.relapse_week, cols.caseworker
    is_benefit, is_case, is_self = tables.is_benefit, tables.is_case, tables.is_self_support
    codes = tables.codes
    self_supporting, education, gone = codes[0], codes[1], codes[2]
    sickness, never, no_programme = codes[3], codes[4], codes[5]
    exits = np.empty(changed.size, dtype=np.int64)
    entering = np.empty(changed.size, dtype=np.int64)
    n_exit = 0
    n_enter = 0
    for i in changed:
        p, q = old[i], new[i]
        spell_start[i] = week
        assessment[i] = 0
        if is_benefit[p] and not is_benefit[q]:
            wob_base[i] += week - benefit_since[i]
            settle_week[i] = never
        if is_case[p] and is_self[q]:
            exit_week[i] = week
            n_exits[i] += 1
            last_benefit[i] = p
            if followup_until_week >= week and p != sickness:
                followup_until[i] = followup_until_week
            if q == education:
                employer[i] = -1
                earnings[i] = 0
            elif q == self_supporting and earnings[i] == 0:
                employer[i] = -1
            programme[i] = no_programme
            exits[n_exit] = i
            n_exit += 1
        if not is_benefit[p] and is_benefit[q] and q != gone:
            if is_self[p]:
                n_relapses[i] += 1
                relapse_week[i] = never
                followup_until[i] = never
                employer[i] = -1
                earnings[i] = 0
            entering[n_enter] = i
            n_enter += 1
        if q == gone:
            earnings[i] = 0
            employer[i] = -1
            relapse_week[i] = never
            followup_until[i] = never
        if is_case[p] and not is_case[q]:
            caseworker[i] = -1
            programme[i] = no_programme
            if not is_self[q]:
                employer[i] = -1
    return exits[:n_exit], entering[:n_enter]


# ---------------------------------------------------------------------- state history
@_jit
def weeks_in_states(
    history: np.ndarray, first_row: int, end_row: int, ids: np.ndarray, in_states: np.ndarray
) -> np.ndarray:  # pragma: no cover
    """Rows ``first_row <= r < end_row`` of ``history`` in which each of ``ids`` was in ``in_states``.

    ``history[r, i]`` is a state code, or -1 before citizen ``i`` arrived (counted as state 0,
    as the numpy version's ``clip(0)`` does).
    """
    out = np.zeros(ids.size, dtype=np.int64)
    for r in range(first_row, end_row):  # row by row: the history is stored by week
        for j in range(ids.size):
            if in_states[max(history[r, ids[j]], 0)]:
                out[j] += 1
    return out


# ---------------------------------------------------------------------- weekly budget
@_jit
def budget_counts(
    state: np.ndarray,
    settle_week: np.ndarray,
    wob_base: np.ndarray,
    benefit_since: np.ndarray,
    followup_until: np.ndarray,
    exit_week: np.ndarray,
    is_case: np.ndarray,
    band_first_weeks: np.ndarray,
    week: int,
) -> tuple[np.ndarray, int, int, int]:  # pragma: no cover
    """Counts for the weekly budget in one pass over the citizens (:func:`raaderum.sim.accounting.budget`).

    Returns:
        Citizens not yet in the last refund band by (state, band); the number of citizens in
        case states and the sum of their refund weeks; the number followed up this week.
    """
    n_bands = band_first_weeks.size
    counts = np.zeros((is_case.size, n_bands), dtype=np.int64)
    case_n = 0
    case_weeks = 0
    followed = 0
    for i in range(state.size):
        s = state[i]
        weeks = np.int64(wob_base[i]) + (week - np.int64(benefit_since[i])) + 1
        if settle_week[i] > week:
            band = -1
            for b in range(n_bands):
                if band_first_weeks[b] <= weeks:
                    band = b
            counts[s, max(band, 0)] += 1
        if is_case[s]:
            case_n += 1
            case_weeks += int(weeks)
        if followup_until[i] >= week and exit_week[i] < week:
            followed += 1
    return counts, case_n, case_weeks, followed
