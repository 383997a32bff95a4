"""Pure-numpy versions of the compiled kernels (raaderum.sim.kernels), kept as test oracles.

Each function has its kernel's name and signature and must give exactly the same numbers:
tests/test_kernels.py compares them on the same inputs, and runs whole models with every kernel
swapped for its oracle (the ``oracle_kernels`` fixture). They are the numpy code the kernels
replaced, written as the rules were before they were compiled.
"""

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))
_TO_UNIT = 1.0 / float(1 << 53)
_CAP = (1 << 20) - 1


def keyed_uniform(key, week, draw, ids):
    """SplitMix64's finaliser on (week, draw, id) under ``key``, as uniforms in [0, 1)."""
    counter = np.uint64((week << 40) | (draw << 32)) + ids.astype(np.uint64)
    z = counter * _GOLDEN + np.uint64(key)
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    z ^= z >> _S31
    return (z >> _S11).astype(np.float64) * _TO_UNIT


def first_crossing(
    rate, firm, covered_weeks, threshold, elapsed, decay, layoff, week, horizon, followup_multiplier
):
    """The whole (exits × weeks) hazard at once; the first week its cumulative sum reaches the threshold."""
    k = np.arange(1, horizon + 1)
    since_exit = elapsed[:, None] + k[None, :]
    h = rate[:, None] * decay[since_exit]
    job = firm >= 0
    h[job] *= layoff[week + 1 : week + 1 + horizon, firm[job]].T
    followed = covered_weeks > 0
    if followed.any():
        h[followed] *= np.where(k[None, :] <= covered_weeks[followed][:, None], followup_multiplier, 1.0)
    hit = np.cumsum(h, axis=1) >= threshold[:, None]
    first = hit.argmax(axis=1)
    return np.where(hit[np.arange(rate.size), first], first, -1)


def meeting_candidates(case, cols, week, rules):
    """Eligible cases, their priority key, their minutes, and the number overdue."""
    caseworker, last_meeting, spell_start, state, capacity = cols
    first_period, interval_first, interval_later, min_between = rules[:4]
    assessing_state, clarify_capacity, minutes_assessment, minutes_meeting = rules[4:]
    slot = caseworker[case].astype(np.int64)
    since = week - last_meeting[case].astype(np.int64)
    early = (week - spell_start[case].astype(np.int64)) < first_period
    overdue = since >= np.where(early, interval_first, interval_later)
    pick = np.flatnonzero((slot >= 0) & (since >= min_between))
    late = (~overdue[pick]).astype(np.int64)
    key = (slot[pick] << 21) | (late << 20) | (_CAP - np.minimum(since[pick], _CAP))
    assessing = (state[case[pick]] == assessing_state) & (capacity[case[pick]] < clarify_capacity)
    minutes = np.where(assessing, minutes_assessment, minutes_meeting).astype(np.float64)
    return pick, key, minutes, int(overdue.sum())


def meet_in_order(order, key, minutes, available):
    """In ``order``, each caseworker's running sum of minutes; met while it fits."""
    if order.size == 0:
        return np.zeros(0, dtype=bool)
    s_slot = key[order] >> 21
    cum = np.cumsum(minutes[order])
    starts = np.flatnonzero(np.concatenate(([True], s_slot[1:] != s_slot[:-1])))
    group_len = np.diff(np.append(starts, s_slot.size))
    before = np.repeat(cum[starts] - minutes[order][starts], group_len)
    met = np.empty(order.size, dtype=bool)
    met[order] = (cum - before) <= available
    return met


def allocate_meetings(slot, weeks_since, overdue, minutes, minutes_available):
    """Who of the eligible cases is met: overdue first, then the longest since the last meeting."""
    if slot.size == 0:
        return np.zeros(0, dtype=bool)
    since = np.minimum(weeks_since, _CAP).astype(np.int64)
    key = (slot.astype(np.int64) << 21) | ((~overdue).astype(np.int64) << 20) | (_CAP - since)
    return meet_in_order(np.argsort(key, kind="stable"), key, minutes.astype(np.float64), minutes_available)


def water_fill(loads, k):
    """How many of ``k`` new cases each of ``loads`` gets: the lowest raised to a common level."""
    m = loads.size
    if m == 0 or k <= 0:
        return np.zeros(m, dtype=np.int64)
    order = np.argsort(loads, kind="stable")
    sorted_loads = loads[order].astype(np.int64)
    prefix = np.cumsum(sorted_loads)
    cost = np.arange(1, m + 1) * sorted_loads - prefix
    j = int(np.searchsorted(cost, k, side="right"))
    level, extra = divmod(k + int(prefix[j - 1]), j)
    give = np.zeros(m, dtype=np.int64)
    give[:j] = level - sorted_loads[:j]
    give[:extra] += 1
    counts = np.zeros(m, dtype=np.int64)
    counts[order] = give
    return counts


def assign_cases(teams, active, team_of_slot, caseload):
    """Each team's cases to its active caseworkers, lowest caseloads first; updates ``caseload``."""
    slots = np.full(teams.size, -1, dtype=np.int32)
    for team in np.flatnonzero(np.bincount(teams, minlength=1)):
        members = np.flatnonzero(active & (team_of_slot == team))
        if members.size == 0:
            continue
        pick = np.flatnonzero(teams == team)
        counts = water_fill(caseload[members], pick.size)
        slots[pick] = np.repeat(members, counts)
        caseload[members] += counts
    return slots


def commit_changes(changed, old, new, week, followup_until_week, tables, cols):
    """The commit's bookkeeping, vectorised; returns the exits and those entering benefit."""
    is_benefit, is_case, is_self, codes = tables
    self_supporting, education, gone, sickness, never, no_programme = (int(x) for x in codes)
    prev, nxt = old[changed], new[changed]
    cols.spell_start[changed] = week
    cols.assessment[changed] = 0
    leaving = changed[is_benefit[prev] & ~is_benefit[nxt]]
    cols.wob_base[leaving] += week - cols.benefit_since[leaving]
    cols.settle_week[leaving] = never
    exits = changed[is_case[prev] & is_self[nxt]]
    cols.exit_week[exits] = week
    cols.n_exits[exits] += 1
    cols.last_benefit[exits] = old[exits]
    if followup_until_week >= week:
        cols.followup_until[exits[old[exits] != sickness]] = followup_until_week
    to_education = exits[new[exits] == education]
    cols.employer[to_education] = -1
    cols.earnings[to_education] = 0
    cols.employer[exits[(new[exits] == self_supporting) & (cols.earnings[exits] == 0)]] = -1
    cols.programme[exits] = no_programme
    entering = changed[~is_benefit[prev] & is_benefit[nxt] & (nxt != gone)]
    relapsed = entering[is_self[old[entering]]]
    cols.n_relapses[relapsed] += 1
    cols.relapse_week[relapsed] = never
    cols.followup_until[relapsed] = never
    cols.employer[relapsed] = -1
    cols.earnings[relapsed] = 0
    left = changed[nxt == gone]
    cols.earnings[left] = 0
    cols.employer[left] = -1
    cols.relapse_week[left] = never
    cols.followup_until[left] = never
    left_case = changed[is_case[prev] & ~is_case[nxt]]
    cols.caseworker[left_case] = -1
    cols.programme[left_case] = no_programme
    cols.employer[left_case[~is_self[new[left_case]]]] = -1
    return exits.astype(np.int64), entering.astype(np.int64)


def weeks_in_states(history, first_row, end_row, ids, in_states):
    """Rows of the history in which each citizen was in one of ``in_states`` (-1 counts as state 0)."""
    window = history[first_row:end_row, ids]
    if window.size == 0:
        return np.zeros(ids.size, dtype=np.int64)
    return in_states[window.clip(0)].sum(axis=0).astype(np.int64)


def budget_counts(  # the kernel's signature
    state, settle_week, wob_base, benefit_since, followup_until, exit_week, is_case, band_first_weeks, week
):
    """Citizens not in the last refund band by (state, band); case count and weeks; followed up."""
    refund_weeks = wob_base.astype(np.int64) + (week - benefit_since.astype(np.int64)) + 1
    young = np.flatnonzero(settle_week > week)
    band = np.maximum(np.searchsorted(band_first_weeks, refund_weeks[young], side="right") - 1, 0)
    cells = state[young].astype(np.int64) * band_first_weeks.size + band
    counts = np.bincount(cells, minlength=is_case.size * band_first_weeks.size).reshape(is_case.size, -1)
    case_now = np.flatnonzero(is_case[state])
    case_weeks = int(refund_weeks[case_now].sum(dtype=np.int64))
    followed = np.count_nonzero((followup_until >= week) & (exit_week < week))
    return counts, case_now.size, case_weeks, int(followed)


#: The kernels of raaderum.sim.kernels that have an oracle here.
KERNELS = (
    "keyed_uniform",
    "first_crossing",
    "meeting_candidates",
    "meet_in_order",
    "assign_cases",
    "commit_changes",
    "weeks_in_states",
    "budget_counts",
)
