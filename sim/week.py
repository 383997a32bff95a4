"""The weekly step as a declared pipeline: the levers in force, the week's context, the rule list.

One week is an ordered list of rule functions (:data:`raaderum.sim.model.WEEK`). Each takes the
model (whose state arrays it reads and writes) and a :class:`Week`: the states at the start of
the week, the changes proposed so far (the first change proposed for a citizen wins), who was
met, and the levers in force this week. Rules share nothing else: what one rule hands to a later
one is a field of :class:`Week`. Each rule's docstring is its paragraph of the model description;
:func:`overview` turns the list into the process overview of ``docs/ODD.md`` (a test keeps the two
the same).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .parameters import Strategy

if TYPE_CHECKING:
    from .model import Municipality

_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Levers:
    """The strategy's levers in force in one week; all off outside the investment period.

    Resolved once a week (:meth:`in_week`), so no rule tests the period itself.

    Attributes:
        active: The week lies in the investment period.
        screening_triage: New claimants are screened; risky cases get a team assessment.
        integrated_casework: Cases keep their caseworker across teams; stronger social effect.
        courses_for_activity_ready: Job-search courses are open to the activity-ready.
        enterprise_oriented: Employers' willingness, internships and conversions are raised.
        relapse_followup: Exits from cash-benefit groups are followed up.
        supplier_monitoring: Programmes work better (ineffective offers are stopped).
        more_offers: Multiplier on programme referrals at meetings (1 = as in the baseline).
        followup_costed: Follow-up of earlier exits is costed this week, also after the period
            (the strategy has the lever at all).
    """

    active: bool = False
    screening_triage: bool = False
    integrated_casework: bool = False
    courses_for_activity_ready: bool = False
    enterprise_oriented: bool = False
    relapse_followup: bool = False
    supplier_monitoring: bool = False
    more_offers: float = 1.0
    followup_costed: bool = False

    @classmethod
    def in_week(cls, strategy: Strategy, active: bool) -> "Levers":
        """The levers of ``strategy`` in a week inside (``active``) or outside its period."""
        if not active:
            return cls(followup_costed=strategy.relapse_followup)
        return cls(
            active=True,
            screening_triage=strategy.screening_triage,
            integrated_casework=strategy.integrated_casework,
            courses_for_activity_ready=strategy.courses_for_activity_ready,
            enterprise_oriented=strategy.enterprise_oriented,
            relapse_followup=strategy.relapse_followup,
            supplier_monitoring=strategy.supplier_monitoring,
            more_offers=strategy.more_offers,
            followup_costed=strategy.relapse_followup,
        )


@dataclass
class Week:
    """What the rules of one week share.

    Attributes:
        index: The week (0 is the first week of the horizon).
        year: Its calendar year.
        levers: The levers in force.
        newcomers: Ids of this week's new claimants (set by ``inflow``).
        old: Every present citizen's state at the start of the week (set by ``open_states``):
            every transition is decided from it.
        new: The states proposed for the end of the week.
        moved: Citizens whose change this week is already proposed (the first proposal wins).
        case: Ids of the citizens in case states at the start who are not leaving.
        met: Ids of the citizens met this week (set by ``meetings``).
        met_mask: ``met`` as a mask over citizens.
    """

    index: int
    year: int
    levers: Levers
    newcomers: np.ndarray = field(default_factory=lambda: _EMPTY)
    old: np.ndarray = field(default_factory=lambda: _EMPTY)
    new: np.ndarray = field(default_factory=lambda: _EMPTY)
    moved: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    case: np.ndarray = field(default_factory=lambda: _EMPTY)
    met: np.ndarray = field(default_factory=lambda: _EMPTY)
    met_mask: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def move(self, ids: np.ndarray, to: int | np.ndarray) -> np.ndarray:
        """Propose a state change for those of ``ids`` with none proposed yet; returns them."""
        free = ~self.moved[ids]
        ids = ids[free]
        self.new[ids] = to if np.isscalar(to) else np.asarray(to)[free]
        self.moved[ids] = True
        return ids


#: A rule of the week: reads and writes the model's arrays and the week's context.
Rule = Callable[["Municipality", Week], None]


def transition(rule: Rule) -> Rule:
    """Mark a rule that proposes state changes (it takes part in the first-come order)."""
    rule.changes_state = True  # type: ignore[attr-defined]
    return rule


def changes_state(rule: Rule) -> bool:
    """True for a rule marked with :func:`transition`."""
    return bool(getattr(rule, "changes_state", False))


def summary(rule: Rule) -> str:
    """The first line of a rule's docstring: what it does, in one sentence."""
    doc = rule.__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def overview(rules: Sequence[Rule]) -> str:
    """The week as a numbered Markdown list: rule name and what it does (the ODD's process list)."""
    return "\n".join(f"{i}. `{rule.__name__}`: {summary(rule)}" for i, rule in enumerate(rules, 1))
