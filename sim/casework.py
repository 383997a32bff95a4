"""Casework rules: staffing, case assignment, meetings, assessments and programme referrals."""

from typing import TYPE_CHECKING

import numpy as np

from ..agents.caseworkers import VACANT, assign_cases, cases_to_hand_over
from ..agents.citizens import PROGRAMME_COURSE, PROGRAMME_INTERNSHIP, PROGRAMME_NONE
from . import kernels
from .citizen_state import effort, mean_barrier
from .scenario import Scenario
from .states import IS_CASE, TEAM_OF_STATE, State, Team
from .week import Week, transition

if TYPE_CHECKING:
    from .model import Municipality


#: The later legal interval once the schedule after the first period is agreed individually: no
#: case falls due under the law after its first period (longer than any horizon).
NO_LEGAL_INTERVAL = 1 << 30


def staffing(m: "Municipality", wk: Week) -> None:
    """Caseworkers quit, vacant slots are refilled, and the strategy's extra caseworkers come and go.

    A caseworker quits with a weekly hazard that rises with the caseload above the recommended
    one (``staff.turnover_*``); the slot stays vacant for ``staff.vacancy_weeks``. In the first
    week of the investment period the strategy's extra caseworkers start (their number, or enough
    for the target caseload); in the first week after it they leave.

    With a target caseload (``strategy.target_caseload``) the strategy keeps the caseload, not the
    headcount: in the later weeks of the period, extra caseworkers above the number the team needs
    to be at the target leave the team (the last hired first; their cases are handed over) and a
    vacant extra post is refilled only if the team needs it. Aabenraa reported a caseload of about
    45 in March 2017 (Socialrådgiveren 2017), when its activity-ready stock was 661 (Aabenraa
    Kommune 2017), two thirds of the 1,008 the 14 new caseworkers had started with.
    """
    w, cw = wk.index, m.caseworkers
    u = m.streams.uniform("caseworker_quits", w, np.arange(cw.n))
    quits = np.flatnonzero(cw.active & (u < cw.quit_hazard()))
    if quits.size:
        cw.leave(quits, w + m.params.staff.vacancy_weeks)
    resize = m.params.strategy.target_caseload > 0 and wk.levers.active and w > m.period[0]
    keep = m.extra_for_target() if resize else 0
    refill = np.flatnonzero(~cw.active & (cw.refill_week == w) & (~cw.is_extra | wk.levers.active))
    if resize:
        room = max(keep - int(np.sum(cw.is_extra & cw.active)), 0)
        extra_refills = refill[cw.is_extra[refill]]
        refill = np.union1d(refill[~cw.is_extra[refill]], extra_refills[:room])
        cw.refill_week[extra_refills[room:]] = VACANT
    if w == m.period[0]:
        extra = np.flatnonzero(cw.is_extra)[: m.extra_at_start()]
        refill = np.union1d(refill, extra)
    if refill.size:
        cw.hire(m, refill)
    if resize:
        extras = np.flatnonzero(cw.is_extra & cw.active)
        if extras.size > keep:
            cw.leave(extras[np.argsort(-cw.joined_week[extras], kind="stable")[: extras.size - keep]], VACANT)
    if w == m.period[1]:
        ending = np.flatnonzero(cw.is_extra & cw.active)
        cw.leave(ending, VACANT)
    m.records.quits[w] = quits.size


def assign(m: "Municipality", wk: Week) -> None:
    """Cases without a valid caseworker get one; a caseworker who joins takes over cases.

    A case needs a caseworker when it has none, its caseworker left, or it changed team (unless
    casework is integrated). When a caseworker joins a team, the team's caseworkers above the mean
    hand over their excess cases (least rapport first). New and handed-over cases go to the
    lowest caseloads first. A change of caseworker resets rapport.
    """
    c, cw, case = m.citizens, m.caseworkers, wk.case
    slot = c.caseworker[case]
    team_needed = TEAM_OF_STATE[c.state[case]]
    valid = slot >= 0
    valid[valid] = cw.active[slot[valid]]
    if not wk.levers.integrated_casework:
        valid[valid] = cw.team[slot[valid]] == team_needed[valid]
    cw.caseload[:] = np.bincount(slot[valid], minlength=cw.n)
    unassigned = np.flatnonzero(~valid)
    positions, teams = [unassigned], [team_needed[unassigned]]
    joined = cw.active & (cw.joined_week == wk.index)
    for team in np.unique(cw.team[joined]) if joined.any() else ():
        held = np.flatnonzero(valid)
        moved = held[cases_to_hand_over(slot[held], c.rapport[case[held]], cw, team)]
        np.subtract.at(cw.caseload, slot[moved], 1)
        valid[moved] = False
        positions.append(moved)
        teams.append(np.full(moved.size, team, dtype=team_needed.dtype))
    pos = np.concatenate(positions)
    if pos.size == 0:
        return
    need = case[pos]
    had = c.caseworker[need] >= 0
    c.caseworker[need] = assign_cases(np.concatenate(teams), cw)
    c.rapport[need] = 0.0
    c.n_caseworker_changes[need[had]] += 1


def meetings(m: "Municipality", wk: Week) -> None:
    """Each caseworker meets cases until the week's meeting minutes run out.

    Meeting minutes are ``hours_per_week · (1 − admin_share) · 60``; a meeting takes
    ``meeting_minutes`` (``assessment_meeting_minutes`` for an activity-ready citizen under a
    work-capacity assessment). Eligible are cases not met in the last ``min_weeks_between_meetings``;
    overdue cases under the legal schedule (every ``legal_interval_first_weeks`` in the first
    ``legal_first_period_weeks`` of a spell, every ``legal_interval_later_weeks`` after, until the
    contact rules of 2020 leave the later schedule to be agreed individually) come first,
    then the longest since the last meeting. Overdue cases left unmet when the minutes run out
    are the week's contact shortfall, recorded by team beside the cases due.
    """
    c, cw = m.citizens, m.caseworkers
    w, case, rec = wk.index, wk.case, m.records
    cols = kernels.MeetingColumns(c.caseworker, c.last_meeting, c.spell_start, c.state, c.capacity)
    pick, key, minutes, overdue = kernels.meeting_candidates(case, cols, w, meeting_rules(m.params, wk.year))
    order = np.argsort(key, kind="stable")
    met_flags = kernels.meet_in_order(order, key, minutes, cw.minutes_per_week)
    met = case[pick[met_flags]]
    rec.overdue[w] = overdue
    due = (key & kernels.NOT_DUE_BIT) == 0
    due_team = cw.team[c.caseworker[case[pick[due]]]]
    rec.due_by_team[w] = np.bincount(due_team, minlength=len(Team))
    rec.shortfall_by_team[w] = np.bincount(due_team[~met_flags[due]], minlength=len(Team))
    cw.meetings[:] = np.bincount(c.caseworker[met], minlength=cw.n)
    rec.meetings[w] = met.size
    rec.meetings_by_team[w] = np.bincount(cw.team, weights=cw.meetings, minlength=len(Team))
    rec.case_citizens[w] = case.size
    rec.cases_by_team[w] = np.bincount(cw.team, weights=cw.caseload, minlength=len(Team))
    rec.caseworkers_by_team[w] = cw.active_by_team()
    wk.met = met
    wk.met_mask = np.zeros(wk.old.size, dtype=bool)
    wk.met_mask[met] = True


def meeting_rules(sc: Scenario, year: int) -> kernels.MeetingRules:
    """The contact rules of a scenario in force in ``year``, as the meeting kernel takes them.

    From ``individual_contact_from_year`` (the contact rules of 2020) nothing is due under the law
    after the first period of a spell: the later interval is :data:`NO_LEGAL_INTERVAL`.
    """
    s, b = sc.staff, sc.behaviour
    later = s.legal_interval_later_weeks if year < s.individual_contact_from_year else NO_LEGAL_INTERVAL
    return kernels.MeetingRules(
        s.legal_first_period_weeks,
        s.legal_interval_first_weeks,
        later,
        s.min_weeks_between_meetings,
        int(State.ACTIVITY_READY),
        np.float32(b.clarify_capacity),  # the float32 capacity column is compared in float32
        s.assessment_meeting_minutes,
        s.meeting_minutes,
    )


@transition
def assessments(m: "Municipality", wk: Week) -> None:
    """A meeting moves a work-capacity assessment forward; a completed one clarifies the case.

    Activity-ready citizens below ``clarify_capacity`` are under assessment; each meeting counts
    one step (``effects.team_assessment_speedup`` steps for an interdisciplinary team assessment
    under screening and triage, which also lowers the health barrier). After
    ``assessment_meetings`` steps the case is decided (:func:`permanent_decision`): disability
    pension, flex job, or else a resource course.
    """
    c, sc = m.citizens, m.params
    b, eff = sc.behaviour, sc.effects
    met, old = wk.met, wk.old
    ar = met[old[met] == State.ACTIVITY_READY]
    assessing = ar[c.capacity[ar] < b.clarify_capacity]
    gain = np.ones(assessing.size)
    team = wk.levers.screening_triage & c.screened[assessing] & (c.assessment[assessing] == 0)
    team &= mean_barrier(c, assessing) >= eff.screening_risk_threshold
    gain[team] = eff.team_assessment_speedup
    c.health[assessing[team]] = np.maximum(c.health[assessing[team]] - eff.team_health_reduction, 0)
    m.records.team_assessments[wk.index] = int(team.sum())
    c.assessment[assessing] += gain
    done = assessing[c.assessment[assessing] >= b.assessment_meetings]
    c.assessment[done] = 0.0
    wk.move(done, permanent_decision(m, done, wk.index, State.RESOURCE_COURSE))


@transition
def reclassify(m: "Municipality", wk: Week) -> None:
    """At a meeting, activity-ready and job-ready are reclassified as work capacity rises or falls.

    Activity-ready at or above ``job_ready_capacity`` become job-ready; job-ready below
    ``activity_ready_capacity`` become activity-ready.
    """
    c, b, met, old = m.citizens, m.params.behaviour, wk.met, wk.old
    ar = met[old[met] == State.ACTIVITY_READY]
    wk.move(ar[c.capacity[ar] >= b.job_ready_capacity], State.JOB_READY)
    jr = met[old[met] == State.JOB_READY]
    wk.move(jr[c.capacity[jr] < b.activity_ready_capacity], State.ACTIVITY_READY)


def permanent_decision(m: "Municipality", ids: np.ndarray, w: int, fallback: State) -> np.ndarray:
    """Outcome of a completed work-capacity assessment: pension, flex job, or ``fallback``.

    Disability pension below ``pension_capacity`` from ``pension_min_age``; a flex job at or above
    ``flex_capacity`` if one is found (``flex_job_found``); job-ready at or above
    ``job_ready_capacity``.
    """
    c, b = m.citizens, m.params.behaviour
    cap = c.capacity[ids]
    age = (w - c.birth_week[ids]) / 52
    found = m.streams.uniform("flex_job_found", w, ids) < b.flex_job_found
    dest = np.full(ids.size, fallback, dtype=np.int8)
    dest[(cap >= b.flex_capacity) & found] = State.FLEX_JOB
    dest[(cap < b.pension_capacity) & (age >= b.pension_min_age)] = State.DISABILITY_PENSION
    dest[cap >= b.job_ready_capacity] = State.JOB_READY
    return dest


def meeting_effects(m: "Municipality", wk: Week) -> None:
    """A meeting raises search effort, builds rapport, lowers barriers and may refer to a programme.

    Effort closes ``meeting_effort_boost`` of its gap to 1, scaled by continuity (from
    ``continuity_floor`` with a new caseworker to 1 with full rapport); rapport closes
    ``rapport_gain`` of its gap; each barrier falls by ``barrier_reduction_per_meeting`` × continuity
    (the social barrier × ``integrated_social_multiplier`` under integrated casework). A citizen in
    no programme is referred to an internship (``internship_probability``, job-ready,
    activity-ready or education-ready with capacity at least ``internship_min_capacity``) or a
    job-search course (``course_probability``, job-ready and education-ready, and activity-ready
    when courses are opened to them), both × ``more_offers``; an internship's host firm is drawn
    by size.
    """
    c, sc, w = m.citizens, m.params, wk.index
    b, eff, lv = sc.behaviour, sc.effects, wk.levers
    met = wk.met
    ids = met[IS_CASE[wk.new[met]]]
    cont = b.continuity_floor + (1 - b.continuity_floor) * c.rapport[ids]
    e = effort(m, ids, w)
    c.effort[ids] = e + (1 - e) * b.meeting_effort_boost * cont
    c.effort_week[ids] = w
    c.rapport[ids] += (1 - c.rapport[ids]) * b.rapport_gain
    cut = b.barrier_reduction_per_meeting * cont
    social_cut = cut * (eff.integrated_social_multiplier if lv.integrated_casework else 1.0)
    c.health[ids] = np.maximum(c.health[ids] - cut, 0)
    c.social[ids] = np.maximum(c.social[ids] - social_cut, 0)
    c.skills[ids] = np.maximum(c.skills[ids] - cut, 0)
    c.last_meeting[ids] = w
    c.n_meetings[ids] += 1
    # referrals to programmes
    free = ids[c.programme[ids] == PROGRAMME_NONE]
    state = wk.new[free]
    course_ok = (state == State.JOB_READY) | (state == State.EDUCATION_READY)
    if lv.courses_for_activity_ready:
        course_ok |= state == State.ACTIVITY_READY
    intern_ok = (state <= State.EDUCATION_READY) & (c.capacity[free] >= b.internship_min_capacity)
    p_intern = b.internship_probability * lv.more_offers * intern_ok
    if lv.enterprise_oriented:
        p_intern = p_intern * eff.enterprise_internship_multiplier
    p_course = b.course_probability * lv.more_offers * course_ok
    u = m.streams.uniform("programme_referral", w, free)
    to_intern = free[u < p_intern]
    to_course = free[(u >= p_intern) & (u < p_intern + p_course)]
    c.programme[to_course] = PROGRAMME_COURSE
    c.programme_end[to_course] = w + b.course_weeks - 1  # the referral week is the first
    c.programme[to_intern] = PROGRAMME_INTERNSHIP
    c.programme_end[to_intern] = w + b.internship_weeks - 1
    firms = m.employers.pick(m.employers.size, m.streams.uniform("internship_host", w, to_intern))
    c.employer[to_intern] = firms
    np.add.at(m.employers.internships, firms, 1)


def programmes(m: "Municipality", wk: Week) -> None:
    """Programmes end when their weeks are over; a finished course is remembered.

    A job-search course has no effect while it runs; when it ends, the citizen is marked as having
    finished one in the current benefit period, and employers weigh them by
    ``post_course_hire_multiplier`` until the period ends (:func:`job_finding`). An internship
    that ends without a job releases its host firm.
    """
    c, w, case = m.citizens, wk.index, wk.case
    active = case[c.programme[case] != PROGRAMME_NONE]
    course = active[c.programme[active] == PROGRAMME_COURSE]
    m.records.in_course[w] = course.size
    m.records.in_internship[w] = active.size - course.size
    ended = active[c.programme_end[active] <= w]
    c.course_done[ended[c.programme[ended] == PROGRAMME_COURSE]] = True
    c.programme[ended] = PROGRAMME_NONE
    intern_ended = ended[wk.new[ended] != State.SELF_SUPPORTING]
    c.employer[intern_ended] = -1
