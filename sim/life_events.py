"""Life events: sickness, education, resource courses ending, other self-support, relapse, shocks.

Mixed into :class:`raaderum.sim.model.Municipality`; the methods read and write the model's arrays.
"""

import numpy as np

from ..agents.citizens import NEVER
from . import kernels
from .rules import ModelParts
from .states import State

SICKNESS_REFERENCE_HEALTH = 0.3  # mean health barrier of the sick-listed (PROFILES)


class LifeEventRules(ModelParts):
    """Transitions that do not need a caseworker's decision."""

    def _sickness(self, case: np.ndarray, old: np.ndarray, w: int) -> None:
        c, b = self.citizens, self.params.behaviour
        sick = case[old[case] == State.SICKNESS]
        p = b.sickness_recovery_weekly * (1 - c.health[sick]) / (1 - SICKNESS_REFERENCE_HEALTH)
        recovered = sick[self.streams.uniform("sickness", w, sick) < p]
        to_job = self.streams.uniform("sickness", w, recovered, draw=1) < b.sickness_employed_share
        firms = self.employers.pick(
            self.employers.size, self.streams.uniform("employer_choice", w, recovered[to_job], draw=1)
        )
        self._exit_to_job(recovered[to_job], firms)
        self._move(recovered[~to_job], State.JOB_READY)
        long = sick[(w - c.spell_start[sick]) >= b.sickness_limit_weeks]
        self._move(long, State.RESOURCE_COURSE)  # jobafklaringsforløb, modelled as a resource course

    def _resource_course_end(self, case: np.ndarray, old: np.ndarray, w: int) -> None:
        c, b = self.citizens, self.params.behaviour
        rc = case[old[case] == State.RESOURCE_COURSE]
        ending = rc[(w - c.spell_start[rc]) >= b.resource_course_weeks]
        dest = self._permanent_decision(ending, w, State.ACTIVITY_READY)
        self._move(ending, dest)

    def _education(self, case: np.ndarray, old: np.ndarray, w: int) -> None:
        c, b = self.citizens, self.params.behaviour
        er = case[old[case] == State.EDUCATION_READY]
        p = b.education_start_weekly * np.where(self._met[er], b.education_meeting_multiplier, 1.0)
        self._move(er[self.streams.uniform("education", w, er) < p], State.EDUCATION)
        aged = er[(w - c.birth_week[er]) / 52 >= b.education_ready_max_age]
        dest = np.where(
            c.capacity[aged] >= b.activity_ready_capacity, State.JOB_READY, State.ACTIVITY_READY
        ).astype(np.int8)
        self._move(aged, dest)

    def _other_self_support(self, case: np.ndarray, old: np.ndarray, w: int) -> None:
        b = self.params.behaviour
        at_risk = case[old[case] != State.SICKNESS]
        u = self.streams.uniform("self_support", w, at_risk)
        self._move(at_risk[u < b.other_self_support_weekly], State.SELF_SUPPORTING)

    def _mean_barrier(self, ids: np.ndarray) -> np.ndarray:
        c = self.citizens
        return (c.health[ids] + c.social[ids] + c.skills[ids]) / 3

    def _relapse(self, w: int) -> None:
        """Former recipients whose scheduled relapse week has come return to benefit."""
        c, b = self.citizens, self.params.behaviour
        back = np.flatnonzero(c.relapse_week[: c.n] == w)
        age = (w - c.birth_week[back]) / 52
        dest = np.where(c.capacity[back] < b.activity_ready_capacity, State.ACTIVITY_READY, State.JOB_READY)
        dest = np.where(age < b.education_ready_max_age, State.EDUCATION_READY, dest)
        was_sick = (c.last_benefit[back] == State.SICKNESS) & (c.employer[back] >= 0)
        dest = np.where(was_sick, State.SICKNESS, dest).astype(np.int8)
        back = self._move(back, dest)
        laid_off = back[c.employer[back] >= 0]
        np.add.at(self.employers.layoffs, c.employer[laid_off], 1)

    def _schedule_relapse(self, ids: np.ndarray, w: int) -> None:
        """Draw the week in which citizens who exited in week ``w`` will return to benefit.

        The relapse hazard ``h`` (per week) of each later week is known at exit: it depends on
        the time since exit, the barriers (which do not change out of benefit), the employer's
        demand over the (exogenous) business cycle, and follow-up. The citizen relapses in the
        first week in which the cumulative hazard reaches ``E ~ Exp(1)``, so the chance of a
        relapse in a week is ``1 - exp(-h)``. ``E`` is keyed by (exit week, citizen).
        """
        c, sc = self.citizens, self.params
        b = sc.behaviour
        c.relapse_week[ids] = NEVER
        horizon = self.n_weeks - 1 - w
        if ids.size == 0 or horizon <= 0:
            return
        # hazard of the k-th week after the exit: rate · decay[k] · lay-off factor, or a constant
        rate = (b.relapse_weekly * (1 + b.relapse_barrier_gain * self._mean_barrier(ids))).astype(np.float64)
        constant = np.zeros(ids.size, dtype=bool)
        firm = c.employer[ids]
        sick = (c.last_benefit[ids] == State.SICKNESS) & (firm >= 0)
        rate[sick] = b.sickness_relapse_weekly * (1 + b.relapse_barrier_gain * c.health[ids[sick]])
        constant[sick] = True
        education = self._new[ids] == State.EDUCATION
        rate[education] = b.education_dropout_weekly
        constant[education] = True
        firm = np.where(constant, -1, firm)
        covered = np.maximum(c.followup_until[ids] - w, 0).astype(np.int64)  # weeks with follow-up
        threshold = -np.log1p(-self.streams.uniform("relapse", w, ids))
        if kernels.compiled():
            first = kernels.first_crossing(
                rate,
                constant,
                firm,
                covered,
                threshold,
                self._decay,
                self._layoff_factor,
                w,
                horizon,
                sc.effects.followup_relapse_multiplier,
            )
        else:
            first = self._first_crossing(
                rate, constant, firm, covered, threshold, w, horizon, sc.effects.followup_relapse_multiplier
            )
        c.relapse_week[ids] = np.where(first >= 0, w + 1 + first, NEVER)

    def _first_crossing(
        self,
        rate: np.ndarray,
        constant: np.ndarray,
        firm: np.ndarray,
        covered: np.ndarray,
        threshold: np.ndarray,
        w: int,
        horizon: int,
        followup_multiplier: float,
    ) -> np.ndarray:
        """Pure-numpy :func:`~raaderum.sim.kernels.first_crossing`: the whole (exits × weeks) hazard."""
        k = np.arange(1, horizon + 1)
        h = np.where(constant[:, None], rate[:, None], rate[:, None] * self._decay[k][None, :])
        job = firm >= 0
        h[job] *= self._layoff_factor[w + 1 : w + 1 + horizon, firm[job]].T
        followed = covered > 0
        if followed.any():
            h[followed] *= np.where(k[None, :] <= covered[followed][:, None], followup_multiplier, 1.0)
        hit = np.cumsum(h, axis=1) >= threshold[:, None]
        first = hit.argmax(axis=1)
        return np.where(hit[np.arange(rate.size), first], first, -1)

    def _barrier_shocks(self, case: np.ndarray, w: int) -> None:
        c, b = self.citizens, self.params.behaviour
        hit = case[self.streams.uniform("barrier_shock", w, case) < b.barrier_shock_weekly]
        domain = (self.streams.uniform("barrier_shock", w, hit, draw=1) * 3).astype(np.int64)
        for d, col in enumerate((c.health, c.social, c.skills)):
            ids = hit[domain == d]
            col[ids] = np.minimum(col[ids] + b.barrier_shock_size, 1.0)
