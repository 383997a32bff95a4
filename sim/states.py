"""Benefit states of a citizen and the job-centre teams that handle them."""

from enum import IntEnum

import numpy as np


class State(IntEnum):
    """Where a citizen is in a given week. Every citizen is in exactly one state."""

    JOB_READY = 0  # jobparat kontanthjælp (LAB §2 nr. 2)
    ACTIVITY_READY = 1  # aktivitetsparat kontanthjælp (LAB §2 nr. 3)
    EDUCATION_READY = 2  # uddannelseshjælp, under 30 without education
    SICKNESS = 3  # sygedagpenge
    RESOURCE_COURSE = 4  # ressourceforløb
    FLEX_JOB = 5  # fleksjob (permanent, subsidised)
    DISABILITY_PENSION = 6  # førtidspension (permanent)
    SELF_SUPPORTING = 7  # selvforsørgende: job, partner's income, other own means
    EDUCATION = 8  # in ordinary education
    GONE = 9  # moved away or reached pension age


N_STATES = len(State)
STATE_NAMES: tuple[str, ...] = tuple(s.name.lower() for s in State)

#: States handled by job-centre caseworkers (they have a caseload).
CASE_STATES = (
    State.JOB_READY,
    State.ACTIVITY_READY,
    State.EDUCATION_READY,
    State.SICKNESS,
    State.RESOURCE_COURSE,
)
#: States whose weeks count towards the refund schedule (refusionstrappen).
BENEFIT_STATES = CASE_STATES + (State.FLEX_JOB, State.DISABILITY_PENSION)
#: States in which new claimants enter the model (the inflow); disability pension from outside
#: the groups modelled (awards to the employed or sick-listed who never were job-centre cases).
ENTRY_STATES = (
    State.JOB_READY,
    State.ACTIVITY_READY,
    State.EDUCATION_READY,
    State.SICKNESS,
    State.DISABILITY_PENSION,
)
#: States whose person-weeks accrue the rådighedsbeløb for the refund of course costs (LAB § 118:
#: cash benefit, education benefit, resource course; § 2, nr. 2, 3 and 12).
ACTIVATION_REFUND_STATES = (
    State.JOB_READY,
    State.ACTIVITY_READY,
    State.EDUCATION_READY,
    State.RESOURCE_COURSE,
)
#: States that count as self-support for the refund reset rule.
SELF_SUPPORT_STATES = (State.SELF_SUPPORTING, State.EDUCATION)
#: States from which an exit can relapse to benefit.
EXIT_STATES = SELF_SUPPORT_STATES


class Team(IntEnum):
    """Job-centre teams; a caseworker belongs to one team."""

    ACTIVITY_READY = 0
    JOB_READY = 1
    SICKNESS = 2


TEAM_NAMES: tuple[str, ...] = tuple(t.name.lower() for t in Team)

#: Team responsible for each state; -1 where no caseworker is assigned.
TEAM_OF_STATE = np.full(N_STATES, -1, dtype=np.int8)
TEAM_OF_STATE[State.JOB_READY] = Team.JOB_READY
TEAM_OF_STATE[State.EDUCATION_READY] = Team.JOB_READY
TEAM_OF_STATE[State.ACTIVITY_READY] = Team.ACTIVITY_READY
TEAM_OF_STATE[State.RESOURCE_COURSE] = Team.ACTIVITY_READY
TEAM_OF_STATE[State.SICKNESS] = Team.SICKNESS


def state_mask(states: tuple[State, ...]) -> np.ndarray:
    """Boolean lookup table over state codes, true for ``states``."""
    mask = np.zeros(N_STATES, dtype=bool)
    mask[list(states)] = True
    return mask


IS_CASE = state_mask(CASE_STATES)
IS_BENEFIT = state_mask(BENEFIT_STATES)
IS_SELF_SUPPORT = state_mask(SELF_SUPPORT_STATES)
