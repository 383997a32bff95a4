"""Model quantities that the targets compare with the cases' reported figures.

Each measure takes a :class:`~raaderum.calibration.cases.CaseRun` and keyword options from the target
(``targets.toml``) and returns one number. Times are given as calendar years: ``2016`` is the
start of 2016 (state history row ``(2016 - start_year) * 52``), ``2017.25`` a quarter into 2017.
Periods ``from_year``..``to_year`` are half-open: from the start of ``from_year`` to the start of
``to_year``.
"""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..sim.scenario import WEEKS_PER_YEAR
from ..sim.states import BENEFIT_STATES, IS_BENEFIT, State, state_mask
from .cases import CaseRun, Run

SELF_SUPPORT = (State.SELF_SUPPORTING, State.EDUCATION)


def _states(names: Sequence[str] | str) -> np.ndarray:
    names = [names] if isinstance(names, str) else list(names)
    return state_mask(tuple(State[n.upper()] for n in names))


def _row(run: Run, year: float) -> int:
    row = round((year - run.scenario.start_year) * WEEKS_PER_YEAR)
    return int(np.clip(row, 0, run.history.shape[0] - 1))


def _pick(case_run: CaseRun, which: str) -> Run:
    run = case_run.baseline if which == "baseline" else case_run.strategy
    if run is None:
        raise ValueError(f"case {case_run.case.name} has no baseline run")
    return run


def _count(run: Run, row: int, mask: np.ndarray) -> int:
    h = run.history[row]
    return int(np.count_nonzero(mask[np.maximum(h, 0)] & (h >= 0)))


def stock_series(case_run: CaseRun, *, states: Sequence[str], run: str = "strategy") -> np.ndarray:
    """Citizens in ``states`` at every history row (the start, then the end of each week)."""
    h = _pick(case_run, run).history
    return np.count_nonzero(_states(states)[np.maximum(h, 0)] & (h >= 0), axis=1)


def stock(case_run: CaseRun, *, states: Sequence[str], year: float, run: str = "strategy") -> float:
    """Citizens in ``states`` at time ``year``."""
    r = _pick(case_run, run)
    return float(_count(r, _row(r, year), _states(states)))


def stock_fall(
    case_run: CaseRun, *, states: Sequence[str], from_year: float, to_year: float, run: str = "strategy"
) -> float:
    """Fall in the stock of ``states`` from ``from_year`` to ``to_year`` (persons; negative: rise)."""
    return stock(case_run, states=states, year=from_year, run=run) - stock(
        case_run, states=states, year=to_year, run=run
    )


def stock_fall_share(
    case_run: CaseRun, *, states: Sequence[str], from_year: float, to_year: float, run: str = "strategy"
) -> float:
    """Relative fall in the stock of ``states`` from ``from_year`` to ``to_year``."""
    first = stock(case_run, states=states, year=from_year, run=run)
    return stock_fall(case_run, states=states, from_year=from_year, to_year=to_year, run=run) / max(first, 1)


def halving_weeks(
    case_run: CaseRun, *, states: Sequence[str], from_year: float, run: str = "strategy"
) -> float:
    """Weeks from ``from_year`` until the stock of ``states`` is at most half its value then.

    Returns the weeks left in the run (a censored value) if it never halves.
    """
    counts = stock_series(case_run, states=states, run=run)[_row(_pick(case_run, run), from_year) :]
    below = np.flatnonzero(counts <= counts[0] / 2)
    return float(below[0] if below.size else counts.size)


def _flows(run: Run, from_year: float, to_year: float) -> np.ndarray:
    a, b = _row(run, from_year), _row(run, to_year)
    return run.result.flows[a:b].sum(axis=0)


def _outflow(case_run: CaseRun, origin: str, from_year: float, to_year: float, run: str) -> np.ndarray:
    """Moves out of ``origin`` in the period, by destination state (staying put counts 0)."""
    code = State[origin.upper()]
    out = _flows(_pick(case_run, run), from_year, to_year)[code].astype(float)
    out[code] = 0
    return out


def exit_share(
    case_run: CaseRun,
    *,
    origin: str,
    to: Sequence[str],
    from_year: float,
    to_year: float,
    run: str = "strategy",
) -> float:
    """Share of all exits from ``origin`` in the period that went to states ``to``."""
    out = _outflow(case_run, origin, from_year, to_year, run)
    return float(out[_states(to)].sum() / max(out.sum(), 1))


def exits(
    case_run: CaseRun,
    *,
    origin: str,
    to: Sequence[str],
    from_year: float,
    to_year: float,
    run: str = "strategy",
) -> float:
    """Number of moves from ``origin`` to states ``to`` in the period."""
    return float(_outflow(case_run, origin, from_year, to_year, run)[_states(to)].sum())


def exit_rate(
    case_run: CaseRun,
    *,
    origin: str,
    to: Sequence[str],
    from_year: float,
    to_year: float,
    run: str = "strategy",
) -> float:
    """Weekly hazard of moving from ``origin`` to states ``to`` over the period.

    The moves (:func:`exits`) over the person-weeks spent in ``origin`` (end-of-week stocks
    added up), so it compares with a published exit rate per recipient-week whatever the size
    of the group.
    """
    r = _pick(case_run, run)
    weeks = _person_weeks(r, from_year, to_year)[State[origin.upper()]]
    return exits(case_run, origin=origin, to=to, from_year=from_year, to_year=to_year, run=run) / max(
        weeks, 1.0
    )


def persons_moved(
    case_run: CaseRun,
    *,
    origin: str,
    to: Sequence[str],
    from_year: float,
    to_year: float,
    run: str = "strategy",
) -> float:
    """Number of citizens who moved from ``origin`` to states ``to`` at least once in the period.

    A citizen who exits, relapses and exits again counts once (:func:`exits` counts the moves).
    """
    r = _pick(case_run, run)
    a, z = _row(r, from_year), _row(r, to_year)
    prev, now = r.history[a:z], r.history[a + 1 : z + 1]
    moved = (prev == State[origin.upper()]) & _states(to)[np.maximum(now, 0)] & (now >= 0)
    return float(np.count_nonzero(moved.any(axis=0)))


def cohort_remaining(
    case_run: CaseRun, *, state: str, year: float, at_year: float, run: str = "strategy"
) -> float:
    """Citizens in ``state`` at ``year`` who are in ``state`` again (or still) at ``at_year``.

    Aabenraa counts its starting group this way: "of the 1,008, 499 are activity-ready in
    mid-January 2017"; the rest of the stock then is :func:`persons_entered` still there.
    """
    r = _pick(case_run, run)
    code = State[state.upper()]
    return float(np.count_nonzero((r.history[_row(r, year)] == code) & (r.history[_row(r, at_year)] == code)))


def persons_entered(
    case_run: CaseRun, *, state: str, from_year: float, to_year: float, run: str = "strategy"
) -> float:
    """Citizens not in ``state`` at ``from_year`` who are in it at some week up to ``to_year``.

    Each citizen counts once however often they enter; new claimants who start in ``state`` count.
    """
    r = _pick(case_run, run)
    code = State[state.upper()]
    a, z = _row(r, from_year), _row(r, to_year)
    entered = (r.history[a + 1 : z + 1] == code).any(axis=0) & (r.history[a] != code)
    return float(np.count_nonzero(entered))


def group_fate(
    case_run: CaseRun,
    *,
    state: str,
    from_year: float,
    to_year: float,
    to: Sequence[str],
    run: str = "strategy",
) -> float:
    """Citizens in ``state`` at some week from ``from_year`` to ``to_year`` who are in ``to`` at ``to_year``.

    Aabenraa's end-of-KIK count: of the 1,437 who were activity-ready during the project, how many
    are self-supporting at its end.
    """
    r = _pick(case_run, run)
    a, z = _row(r, from_year), _row(r, to_year)
    member = (r.history[a : z + 1] == State[state.upper()]).any(axis=0)
    now = r.history[z]
    return float(np.count_nonzero(member & _states(to)[np.maximum(now, 0)] & (now >= 0)))


def mean_caseload(
    case_run: CaseRun, *, team: str, from_year: float, to_year: float, run: str = "strategy"
) -> float:
    """Mean weekly caseload of a team over the period."""
    r = _pick(case_run, run)
    return float(r.result.weekly[f"caseload_{team}"].iloc[_row(r, from_year) : _row(r, to_year)].mean())


def meeting_week_ratio(
    case_run: CaseRun, *, state: str, from_year: float, to_year: float, run: str = "strategy"
) -> float:
    """Job-finding rate of ``state``'s seekers just after a meeting, relative to other weeks.

    Over the period (:meth:`~raaderum.sim.results.RunResult.meeting_week_ratio`); IFAU 2014:5
    measured about 1.25 for insured unemployed.
    """
    r = _pick(case_run, run)
    return r.result.meeting_week_ratio(state, _row(r, from_year), _row(r, to_year))


def mean_weeks_on_benefit(case_run: CaseRun, *, year: float, run: str = "strategy") -> float:
    """Mean counted benefit weeks of the citizens in case states at time ``year`` (refund count)."""
    r = _pick(case_run, run)
    return float(r.result.weekly["mean_weeks_on_benefit"].iloc[max(_row(r, year) - 1, 0)])


def net_saving_mio(case_run: CaseRun, *, from_year: float, to_year: float) -> float:
    """Municipality's net saving of the strategy over the period, investment included (mio. DKK)."""
    b, s = _pick(case_run, "baseline"), _pick(case_run, "strategy")
    a, z = _row(s, from_year), _row(s, to_year)
    diff = (
        b.result.weekly["dkk_municipal_net"].iloc[a:z].sum()
        - s.result.weekly["dkk_municipal_net"].iloc[a:z].sum()
    )
    return float(diff) / 1e6


def _person_weeks(run: Run, from_year: float, to_year: float) -> np.ndarray:
    """Person-weeks spent in each state over the period (end-of-week stocks added up)."""
    weekly = run.result.weekly.iloc[_row(run, from_year) : _row(run, to_year)]
    return np.array([weekly[f"stock_{s.name.lower()}"].sum() for s in State], dtype=float)


def state_net_cost(run: Run, from_year: float, to_year: float) -> np.ndarray:
    """The municipality's mean net cost per person-week in each state over the period (DKK).

    A benefit state costs its benefit net of the refund, at the run's mean refund share of the
    period (refund over benefits); a flex job costs its subsidy net of the refund less the
    municipal tax on its earnings; self-support costs minus the municipal tax on the earnings of
    jobs taken from benefit (its mean over everyone self-supporting, with a job or not);
    education and leaving cost nothing. States nobody was in cost 0.
    """
    weekly = run.result.weekly.iloc[_row(run, from_year) : _row(run, to_year)]
    budget = run.scenario.budget
    person_weeks = _person_weeks(run, from_year, to_year)
    benefits = np.zeros(len(State))
    for s in BENEFIT_STATES:
        benefits[s] = weekly[f"dkk_benefit_{s.name.lower()}"].sum()
    refund_share = weekly["dkk_refund"].sum() / max(benefits.sum(), 1.0)
    cost = benefits * (1 - refund_share)
    flex_earnings = person_weeks[State.FLEX_JOB] * budget.flex_earnings_annual_dkk / WEEKS_PER_YEAR
    flex_tax = flex_earnings * budget.municipal_tax_rate
    cost[State.FLEX_JOB] -= flex_tax
    cost[State.SELF_SUPPORTING] -= weekly["dkk_tax_income"].sum() - flex_tax
    return np.divide(cost, person_weeks, out=np.zeros(len(State)), where=person_weeks > 0)


def exit_gain_ratio(
    case_run: CaseRun,
    *,
    origin: Sequence[str],
    from_year: float,
    to_year: float,
    after_weeks: int = 52,
    run: str = "strategy",
) -> float:
    """ISU's municipal gain of an exit over its saving on the benefit alone, by where it is a year on.

    ISU values each exit from cash benefit by where the citizen is ``after_weeks`` after it
    (ISU cases: "hvor borgeren er efter 12 måneder efter udslusning"). The cohort: every move
    from ``origin`` states to another state in the period (moves away and to the pension age
    excluded; exits whose year is not over by the end of the run left out). The saving on the
    benefit alone counts, per exit, the mean net cost of the origin states; the whole gain counts
    that cost less the net cost of the state the citizen is in ``after_weeks`` later
    (:func:`state_net_cost`, both over the period and the year after it): a job adds the
    municipal tax on its earnings, a flex job costs its subsidy, a relapse saves nothing. The
    ratio is the whole gain over the saving on the benefit; NaN without exits.
    """
    r = _pick(case_run, run)
    h = r.history
    origin_mask = _states(origin)[: len(State)]
    first = _row(r, from_year)
    last = min(_row(r, to_year), h.shape[0] - 1 - after_weeks)
    if last <= first:
        return float("nan")
    prev, now = h[first:last], h[first + 1 : last + 1]
    moved = (prev >= 0) & origin_mask[np.maximum(prev, 0)] & ~origin_mask[np.maximum(now, 0)]
    moved &= (now >= 0) & (now != State.GONE)
    rows, ids = np.nonzero(moved)
    if ids.size == 0:
        return float("nan")
    later = h[first + 1 + rows + after_weeks, ids]
    until = to_year + after_weeks / WEEKS_PER_YEAR
    cost = state_net_cost(r, from_year, until)
    weights = _person_weeks(r, from_year, until) * origin_mask
    benefit = float(cost @ weights / max(weights.sum(), 1.0))
    if benefit <= 0:
        return float("nan")
    whole = float(np.sum(benefit - cost[np.maximum(later, 0)]))
    return whole / (ids.size * benefit)


def _first_exits(run: Run, origin: np.ndarray, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """Citizens whose first exit from ``origin`` states to self-support is in rows (first, last].

    Returns their ids and the history row of the exit (the end of the exit week).
    """
    h = run.history
    exit_row = np.full(h.shape[1], -1)
    to_self = state_mask(SELF_SUPPORT)
    for row in range(first + 1, min(last, h.shape[0] - 1) + 1):
        prev, now = h[row - 1], h[row]
        moved = (prev >= 0) & origin[np.maximum(prev, 0)] & to_self[np.maximum(now, 0)] & (exit_row < 0)
        exit_row[moved] = row
    ids = np.flatnonzero(exit_row >= 0)
    return ids, exit_row[ids]


def _weeks_to_relapse(run: Run, ids: np.ndarray, rows: np.ndarray, horizon: int) -> np.ndarray:
    """For each exit, the first week after it on a benefit (1 = the week after), or horizon + 1."""
    h = run.history
    weeks = np.full(ids.size, horizon + 1)
    for row in np.unique(rows):
        sel = rows == row
        on = IS_BENEFIT[np.maximum(h[row + 1 : min(row + 1 + horizon, h.shape[0]), ids[sel]], 0)]
        weeks[sel] = np.where(on.any(axis=0), on.argmax(axis=0) + 1, horizon + 1)
    return weeks


def relapse_curve(
    case_run: CaseRun,
    *,
    origin: Sequence[str],
    from_year: float,
    to_year: float,
    weeks: int,
    run: str = "strategy",
) -> np.ndarray:
    """Share of a cohort's first exits back on benefit within k weeks, for k = 0 .. ``weeks``.

    The cohort: citizens whose first exit from ``origin`` states to self-support (a job, other
    means or education) is in the period. NaN throughout if nobody exited.
    """
    r = _pick(case_run, run)
    ids, rows = _first_exits(r, _states(origin), _row(r, from_year), _row(r, to_year))
    if ids.size == 0:
        return np.full(weeks + 1, np.nan)
    back = _weeks_to_relapse(r, ids, rows, weeks)
    return (back[None, :] <= np.arange(weeks + 1)[:, None]).mean(axis=1)


def relapse_share(
    case_run: CaseRun,
    *,
    origin: Sequence[str],
    from_year: float,
    to_year: float,
    within_weeks: int,
    run: str = "strategy",
) -> float:
    """Share of a cohort's first exits to self-support that are back on benefit within some weeks.

    The cohort is that of :func:`relapse_curve`. Relapse (tilbagefald): any week on a benefit
    within ``within_weeks`` after the exit (follow-up is cut at the end of the run).
    """
    curve = relapse_curve(
        case_run, origin=origin, from_year=from_year, to_year=to_year, weeks=within_weeks, run=run
    )
    return float(curve[-1])


def _cohort_window(case_run: CaseRun, state: str, year: float, weeks: int, run: str) -> np.ndarray:
    """States, in the ``weeks`` after ``year``, of those in ``state`` at ``year`` (weeks x cohort)."""
    r = _pick(case_run, run)
    start = _row(r, year)
    cohort = np.flatnonzero(r.history[start] == State[state.upper()])
    return r.history[start + 1 : start + 1 + weeks, cohort]


def cohort_exit_curve(
    case_run: CaseRun, *, state: str, year: float, weeks: int, run: str = "strategy"
) -> np.ndarray:
    """Share of those in ``state`` at ``year`` who exited to self-support within k weeks, k = 0 .. weeks."""
    window = _cohort_window(case_run, state, year, weeks, run)
    if window.shape[1] == 0:
        return np.full(weeks + 1, np.nan)
    exited = np.maximum.accumulate(state_mask(SELF_SUPPORT)[np.maximum(window, 0)], axis=0)
    return np.concatenate([[0.0], exited.mean(axis=1)])


def cohort_exit_share(
    case_run: CaseRun, *, state: str, year: float, weeks: int, run: str = "strategy"
) -> float:
    """Share of those in ``state`` at ``year`` who exited to self-support within ``weeks``."""
    return float(cohort_exit_curve(case_run, state=state, year=year, weeks=weeks, run=run)[-1])


def cohort_relapse_share(
    case_run: CaseRun, *, state: str, year: float, weeks: int, run: str = "strategy"
) -> float:
    """Share back on benefit ``weeks`` after ``year``, of those in ``state`` then who exited since."""
    window = _cohort_window(case_run, state, year, weeks, run)
    exited = state_mask(SELF_SUPPORT)[np.maximum(window, 0)].any(axis=0)
    if not exited.any():
        return float("nan")
    return float(IS_BENEFIT[np.maximum(window[-1, exited], 0)].mean())


MEASURES: dict[str, Callable[..., float]] = {
    f.__name__: f
    for f in (
        stock,
        stock_fall,
        stock_fall_share,
        halving_weeks,
        exit_share,
        exits,
        exit_rate,
        persons_moved,
        cohort_remaining,
        persons_entered,
        group_fate,
        mean_caseload,
        meeting_week_ratio,
        mean_weeks_on_benefit,
        net_saving_mio,
        exit_gain_ratio,
        relapse_share,
        cohort_exit_share,
        cohort_relapse_share,
    )
}


def measure(case_run: CaseRun, quantity: str, args: dict[str, Any]) -> float:
    """Evaluate the measure ``quantity`` with the target's options ``args``."""
    return MEASURES[quantity](case_run, **args)
