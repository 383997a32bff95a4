"""Casework rules: staffing, case assignment, meetings, assessments and programme referrals.

Mixed into :class:`raaderum.sim.model.Municipality`; the methods read and write the model's arrays.
"""

import numpy as np

from ..agents.caseworkers import VACANT, allocate_meetings, assign_cases, cases_to_hand_over
from ..agents.citizens import PROGRAMME_COURSE, PROGRAMME_INTERNSHIP, PROGRAMME_NONE
from . import kernels
from .records import WeeklyRecords
from .rules import ModelParts
from .states import IS_CASE, TEAM_OF_STATE, State, Team


class CaseworkRules(ModelParts):
    """What caseworkers do each week."""

    def _staffing(self, w: int, on: bool) -> None:
        """Quits, refills of vacant slots, and the strategy's extra caseworkers coming and going."""
        cw = self.caseworkers
        u = self.streams.uniform("caseworker_turnover", w, np.arange(cw.n))
        quits = np.flatnonzero(cw.active & (u < cw.quit_hazard()))
        if quits.size:
            cw.leave(quits, w + self.params.staff.vacancy_weeks)
        refill = np.flatnonzero(~cw.active & (cw.refill_week == w) & (~cw.is_extra | on))
        if w == self._period[0]:
            extra = np.flatnonzero(cw.is_extra)[: self._extra_at_start()]
            refill = np.union1d(refill, extra)
        if refill.size:
            cw.hire(self, refill)
        if w == self._period[1]:
            ending = np.flatnonzero(cw.is_extra & cw.active)
            cw.leave(ending, VACANT)
        self._records.quits[w] = quits.size

    def _assign(self, case: np.ndarray, w: int, on: bool) -> None:
        """Give cases without a valid caseworker one; a caseworker who joins takes over cases.

        A case needs a caseworker when it has none, its caseworker left, or it changed team
        (unless casework is integrated). When a caseworker joins a team, the team's caseworkers
        above the mean hand over their excess cases (least rapport first). New and handed-over
        cases go to the lowest caseloads first. A change of caseworker resets rapport.
        """
        c, cw = self.citizens, self.caseworkers
        slot = c.caseworker[case]
        team_needed = TEAM_OF_STATE[c.state[case]]
        valid = slot >= 0
        valid[valid] = cw.active[slot[valid]]
        integrated = on and self.params.strategy.integrated_casework
        if not integrated:
            valid[valid] = cw.team[slot[valid]] == team_needed[valid]
        cw.caseload[:] = np.bincount(slot[valid], minlength=cw.n)
        unassigned = np.flatnonzero(~valid)
        positions, teams = [unassigned], [team_needed[unassigned]]
        joined = cw.active & (cw.joined_week == w)
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

    def _meetings(self, case: np.ndarray, w: int, rec: WeeklyRecords) -> np.ndarray:
        c, cw, s = self.citizens, self.caseworkers, self.params.staff
        b = self.params.behaviour
        if kernels.compiled():
            pick, key, minutes, overdue = kernels.meeting_candidates(
                case,
                c.caseworker,
                c.last_meeting,
                c.spell_start,
                c.state,
                c.capacity,
                w,
                s.legal_first_period_weeks,
                s.legal_interval_first_weeks,
                s.legal_interval_later_weeks,
                s.min_weeks_between_meetings,
                int(State.ACTIVITY_READY),
                np.float32(b.clarify_capacity),  # numpy compares float32 columns in float32
                s.assessment_meeting_minutes,
                s.meeting_minutes,
            )
            order = np.argsort(key, kind="stable")
            met = case[pick[kernels.meet_in_order(order, key, minutes, cw.minutes_per_week)]]
        else:
            met, overdue = self._meetings_numpy(case, w)
        rec.overdue[w] = overdue
        cw.meetings[:] = np.bincount(c.caseworker[met], minlength=cw.n)
        rec.meetings[w] = met.size
        rec.meetings_by_team[w] = np.bincount(cw.team, weights=cw.meetings, minlength=len(Team))
        rec.case_citizens[w] = case.size
        rec.cases_by_team[w] = np.bincount(cw.team, weights=cw.caseload, minlength=len(Team))
        rec.caseworkers_by_team[w] = cw.active_by_team()
        return met

    def _meetings_numpy(self, case: np.ndarray, w: int) -> tuple[np.ndarray, int]:
        """Who of ``case`` is met this week, and how many are overdue (pure numpy)."""
        c, cw, s = self.citizens, self.caseworkers, self.params.staff
        slot = c.caseworker[case]
        since = w - c.last_meeting[case]
        early = (w - c.spell_start[case]) < s.legal_first_period_weeks
        interval = np.where(early, s.legal_interval_first_weeks, s.legal_interval_later_weeks)
        eligible = (slot >= 0) & (since >= s.min_weeks_between_meetings)
        b = self.params.behaviour
        assessing = (c.state[case] == State.ACTIVITY_READY) & (c.capacity[case] < b.clarify_capacity)
        minutes = np.where(assessing, s.assessment_meeting_minutes, s.meeting_minutes)
        pick = np.flatnonzero(eligible)
        met_mask = allocate_meetings(
            slot[pick], since[pick], since[pick] >= interval[pick], minutes[pick], cw.minutes_per_week
        )
        return case[pick[met_mask]], int(np.sum(since >= interval))

    def _meeting_decisions(self, met: np.ndarray, old: np.ndarray, w: int, on: bool) -> None:
        c, sc = self.citizens, self.params
        b, eff = sc.behaviour, sc.effects
        ar = met[old[met] == State.ACTIVITY_READY]
        assessing = ar[c.capacity[ar] < b.clarify_capacity]
        gain = np.ones(assessing.size)
        team = (on and sc.strategy.screening_triage) & c.screened[assessing] & (c.assessment[assessing] == 0)
        team &= self._mean_barrier(assessing) >= eff.screening_risk_threshold
        gain[team] = eff.team_assessment_speedup
        c.health[assessing[team]] = np.maximum(c.health[assessing[team]] - eff.team_health_reduction, 0)
        self._records.team_assessments[w] = int(team.sum())
        c.assessment[assessing] += gain
        done = assessing[c.assessment[assessing] >= b.assessment_meetings]
        c.assessment[done] = 0.0
        self._move(done, self._permanent_decision(done, w, State.RESOURCE_COURSE))

    def _reclassify(self, met: np.ndarray, old: np.ndarray) -> None:
        """Reclassify at a meeting: activity-ready ↔ job-ready as work capacity rises or falls."""
        c, b = self.citizens, self.params.behaviour
        ar = met[old[met] == State.ACTIVITY_READY]
        self._move(ar[c.capacity[ar] >= b.job_ready_capacity], State.JOB_READY)
        jr = met[old[met] == State.JOB_READY]
        self._move(jr[c.capacity[jr] < b.activity_ready_capacity], State.ACTIVITY_READY)

    def _permanent_decision(self, ids: np.ndarray, w: int, fallback: State) -> np.ndarray:
        """Outcome of a completed work-capacity assessment: pension, flex job, resource course."""
        c, b = self.citizens, self.params.behaviour
        cap = c.capacity[ids]
        age = (w - c.birth_week[ids]) / 52
        found = self.streams.uniform("assessment", w, ids) < b.flex_job_found
        dest = np.full(ids.size, fallback, dtype=np.int8)
        dest[(cap >= b.flex_capacity) & found] = State.FLEX_JOB
        dest[(cap < b.pension_capacity) & (age >= b.pension_min_age)] = State.DISABILITY_PENSION
        dest[cap >= b.job_ready_capacity] = State.JOB_READY
        return dest

    def _meeting_effects(self, met: np.ndarray, w: int, on: bool) -> None:
        c, sc = self.citizens, self.params
        b, eff, st = sc.behaviour, sc.effects, sc.strategy
        m = met[IS_CASE[self._new[met]]]
        cont = b.continuity_floor + (1 - b.continuity_floor) * c.rapport[m]
        e = self._effort(m, w)
        c.effort[m] = e + (1 - e) * b.meeting_effort_boost * cont
        c.effort_week[m] = w
        c.rapport[m] += (1 - c.rapport[m]) * b.rapport_gain
        cut = b.barrier_reduction_per_meeting * cont
        social_cut = cut * (eff.integrated_social_multiplier if on and st.integrated_casework else 1.0)
        c.health[m] = np.maximum(c.health[m] - cut, 0)
        c.social[m] = np.maximum(c.social[m] - social_cut, 0)
        c.skills[m] = np.maximum(c.skills[m] - cut, 0)
        c.last_meeting[m] = w
        c.n_meetings[m] += 1
        # referrals to programmes
        free = m[c.programme[m] == PROGRAMME_NONE]
        state = self._new[free]
        more = st.more_offers if on else 1.0
        course_ok = (state == State.JOB_READY) | (state == State.EDUCATION_READY)
        if on and st.courses_for_activity_ready:
            course_ok |= state == State.ACTIVITY_READY
        intern_ok = (state <= State.EDUCATION_READY) & (c.capacity[free] >= b.internship_min_capacity)
        p_intern = b.internship_probability * more * intern_ok
        if on and st.enterprise_oriented:
            p_intern = p_intern * eff.enterprise_internship_multiplier
        p_course = b.course_probability * more * course_ok
        u = self.streams.uniform("programme", w, free)
        to_intern = free[u < p_intern]
        to_course = free[(u >= p_intern) & (u < p_intern + p_course)]
        c.programme[to_course] = PROGRAMME_COURSE
        c.programme_end[to_course] = w + b.course_weeks - 1  # the referral week is the first
        c.programme[to_intern] = PROGRAMME_INTERNSHIP
        c.programme_end[to_intern] = w + b.internship_weeks - 1
        firms = self.employers.pick(
            self.employers.size, self.streams.uniform("employer_choice", w, to_intern, draw=2)
        )
        c.employer[to_intern] = firms
        np.add.at(self.employers.internships, firms, 1)

    def _programmes(self, case: np.ndarray, w: int, on: bool) -> None:
        c, sc = self.citizens, self.params
        b = sc.behaviour
        gain = sc.effects.monitoring_programme_multiplier if on and sc.strategy.supplier_monitoring else 1.0
        active = case[c.programme[case] != PROGRAMME_NONE]
        course = active[c.programme[active] == PROGRAMME_COURSE]
        e = self._effort(course, w)
        c.effort[course] = np.minimum(e + b.course_effort_gain * gain, 1.0)
        c.effort_week[course] = w
        c.skills[course] = np.maximum(c.skills[course] - b.course_skills_reduction * gain, 0)
        self._records.in_course[w] = course.size
        self._records.in_internship[w] = active.size - course.size
        ended = active[c.programme_end[active] <= w]
        c.programme[ended] = PROGRAMME_NONE
        intern_ended = ended[self._new[ended] != State.SELF_SUPPORTING]
        c.employer[intern_ended] = -1
