"""Budget by named line: benefits, the state refunds, staff, programmes and tax.

Amounts are DKK per week. Positive lines are spending, ``tax_income`` is revenue. The
municipality's net cost is the sum of its lines with the refunds and the tax taken off; the
refunds are what the state pays (as Socialstyrelsen's SØM model splits the two): ``refund`` of
benefits, ``refund_activation`` of course costs (refusion af driftsudgifter).
"""

from dataclasses import dataclass

import numpy as np

from .parameters import Budget
from .scenario import WEEKS_PER_YEAR
from .states import ACTIVATION_REFUND_STATES, BENEFIT_STATES, N_STATES, State

WEEKS_PER_MONTH = 52 / 12

BENEFIT_LINES = tuple(f"benefit_{s.name.lower()}" for s in BENEFIT_STATES)
COST_LINES = (
    "staff_base",
    "staff_extra",
    "enterprise_consultants",
    "programme_course",
    "programme_internship",
    "screening",
    "team_assessment",
    "integrated_casework",
    "followup",
    "supplier_monitoring",
)
#: Lines that exist only because of a strategy's levers.
LEVER_LINES = (
    "staff_extra",
    "enterprise_consultants",
    "screening",
    "team_assessment",
    "integrated_casework",
    "followup",
    "supplier_monitoring",
)
#: What the state pays the municipality: the benefit refund and the refund of course costs.
REFUND_LINES = ("refund", "refund_activation")
LINES = BENEFIT_LINES + REFUND_LINES + COST_LINES + ("tax_income",)
LINE_INDEX = {name: i for i, name in enumerate(LINES)}
#: Positions of the benefit lines in LINES, in the order of BENEFIT_STATES.
BENEFIT_LINE_INDEX = np.array([LINE_INDEX[n] for n in BENEFIT_LINES])
BENEFIT_STATE_CODES = np.array(BENEFIT_STATES)
#: State codes whose person-weeks accrue the rådighedsbeløb (refund of course costs).
ACTIVATION_REFUND_STATE_CODES = np.array(ACTIVATION_REFUND_STATES)


def refund_share(weeks: np.ndarray, p: Budget) -> np.ndarray:
    """State refund share for a benefit week that is the ``weeks``-th counted week (1-based).

    2016 schedule (refusionstrappen): 80 % in weeks 1-4, 40 % in 5-26, 30 % in 27-52, 20 % from 53.
    """
    band = np.searchsorted(np.asarray(p.refund_band_first_weeks), weeks, side="right") - 1
    return np.asarray(p.refund_rates)[np.clip(band, 0, len(p.refund_rates) - 1)]


def weekly_rates(p: Budget, year: int) -> np.ndarray:
    """Gross benefit per person-week by state code for ``year`` (0 for non-benefit states).

    Cash-benefit rates follow the yearly table (nearest year outside it); the other rates are
    2015/2016 levels scaled by the same yearly index.
    """
    years = np.asarray(p.rate_years)
    k = int(np.clip(np.searchsorted(years, year, side="right") - 1, 0, len(years) - 1))
    with_children = np.asarray(p.cash_benefit_children_monthly)
    without = np.asarray(p.cash_benefit_no_children_monthly)
    cash = p.share_with_children * with_children[k] + (1 - p.share_with_children) * without[k]
    index = cash / (p.share_with_children * with_children[0] + (1 - p.share_with_children) * without[0])
    education = float(np.dot(p.education_benefit_monthly, p.education_benefit_shares)) * index
    pension = (
        p.pension_share_single * p.pension_single_monthly
        + (1 - p.pension_share_single) * p.pension_other_monthly
    ) * index
    rates = np.zeros(N_STATES)
    rates[State.JOB_READY] = cash / WEEKS_PER_MONTH
    rates[State.ACTIVITY_READY] = cash / WEEKS_PER_MONTH
    rates[State.EDUCATION_READY] = education / WEEKS_PER_MONTH
    rates[State.SICKNESS] = p.sickness_benefit_weekly * p.sickness_municipal_share * index
    rates[State.RESOURCE_COURSE] = cash / WEEKS_PER_MONTH  # ressourceforløbsydelse = cash level
    rates[State.FLEX_JOB] = p.flex_subsidy_monthly * index / WEEKS_PER_MONTH
    rates[State.DISABILITY_PENSION] = pension / WEEKS_PER_MONTH
    return rates


@dataclass(frozen=True)
class BudgetYear:
    """The amounts in force in one calendar year: the rules ask for these, never for dates.

    Attributes:
        year: The year.
        rates: Gross benefit per person-week by state code (:func:`weekly_rates`).
        refund_by_weeks: The refund schedule by counted weeks applies (the 2016 reform is in force).
        flat_refund_rate: The refund share of every benefit before the reform.
        last_band_rate: The refund rate of the last band (everyone settles there).
        above_last_band: Each band's refund rate above the last band's.
        band_first_weeks: The first counted week of each band.
        activation_refund_rate: The share of course costs the state refunds this year (0 once
            the refund of operating costs has ended).
        activation_cap_weekly: The rådighedsbeløb accrued per person-week on cash benefit,
            education benefit or a resource course.
    """

    year: int
    rates: np.ndarray
    refund_by_weeks: bool
    flat_refund_rate: float
    last_band_rate: float
    above_last_band: np.ndarray
    band_first_weeks: np.ndarray
    activation_refund_rate: float
    activation_cap_weekly: float


def budget_year(p: Budget, year: int) -> BudgetYear:
    """Benefit rates and the refund rule in force in ``year``."""
    rates = np.asarray(p.refund_rates)
    return BudgetYear(
        year=year,
        rates=weekly_rates(p, year),
        refund_by_weeks=year >= p.refund_reform_year,
        flat_refund_rate=p.pre_reform_refund_rate,
        last_band_rate=float(rates[-1]),
        above_last_band=rates - rates[-1],
        band_first_weeks=np.asarray(p.refund_band_first_weeks),
        activation_refund_rate=p.activation_refund_rate if year <= p.activation_refund_last_year else 0.0,
        activation_cap_weekly=p.activation_refund_cap_annual_dkk / WEEKS_PER_YEAR,
    )


def activation_refund(rate: float, spent_before: float, spent: float, cap_before: float, cap: float) -> float:
    """This week's refund of course costs (refusion af driftsudgifter, LAB § 118).

    The state refunds ``rate`` of the year's course costs up to the year's rådighedsbeløb; the
    week's share is the rise of ``rate × min(spent, cap)`` over the year's running totals.

    Args:
        rate: The year's refund share (0 once the refund has ended).
        spent_before: Course costs of the year before this week.
        spent: Course costs of the year including this week.
        cap_before: Rådighedsbeløb accrued in the year before this week.
        cap: Rådighedsbeløb accrued including this week.
    """
    return rate * (min(spent, cap) - min(spent_before, cap_before))


def municipal_net(lines: np.ndarray) -> np.ndarray:
    """Municipality's net cost from a (..., n_lines) array of lines."""
    spending = lines[..., [LINE_INDEX[n] for n in BENEFIT_LINES + COST_LINES]].sum(axis=-1)
    refunds = lines[..., [LINE_INDEX[n] for n in REFUND_LINES]].sum(axis=-1)
    return spending - refunds - lines[..., LINE_INDEX["tax_income"]]


def lever_costs(lines: np.ndarray) -> np.ndarray:
    """Spending on the strategy's own lines (extra staff and lever costs)."""
    return lines[..., [LINE_INDEX[n] for n in LEVER_LINES]].sum(axis=-1)
