"""Plots of a paired run, drawn on axes the caller owns (a saved PNG, the dashboard, a notebook).

Each function draws one view of a :class:`~raaderum.experiments.paired.PairedResult` on a matplotlib
``Axes``. The x axis is in years over the whole horizon, so a pair of runs that is still stepping
(the dashboard) grows from the left in a fixed frame.
"""

from typing import Any

import pandas as pd
from matplotlib.axes import Axes

from ..experiments.paired import PairedResult
from .results import RunResult
from .scenario import WEEKS_PER_YEAR

#: Colour of each stock (a state of sim/states.py) in every plot.
STOCK_COLOURS = {"activity_ready": "tab:red", "job_ready": "tab:blue"}


def years(result: PairedResult) -> pd.Series:
    """The weeks of the runs as fractional calendar years."""
    return result.scenario.start_year + result.baseline.weekly["week"] / WEEKS_PER_YEAR


def _frame(ax: Axes, result: PairedResult, ylabel: str, title: str) -> None:
    """Whole-horizon x axis, the investment period shaded, labels and legend."""
    sc = result.scenario
    ax.axvspan(sc.strategy.start_year, sc.strategy.end_year + 1, color="0.92", label="investment period")
    ax.set_xlim(sc.start_year, sc.end_year + 1)
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="best")


def draw_stocks(ax: Axes, result: PairedResult) -> None:
    """Activity-ready and job-ready stocks, baseline dashed, strategy solid."""
    t = years(result)
    for state, colour in STOCK_COLOURS.items():
        label = state.replace("_", "-")
        ax.plot(t, result.baseline.stock(state), color=colour, ls="--", label=f"{label}, baseline")
        ax.plot(
            t, result.strategy.stock(state), color=colour, label=f"{label}, {result.scenario.strategy.name}"
        )
    _frame(ax, result, "citizens", "Citizens on benefit by state")


def draw_caseload(ax: Axes, result: PairedResult, team: str = "activity_ready") -> None:
    """Cases per caseworker of one team, baseline dashed, strategy solid."""
    t = years(result)
    col = f"caseload_{team}"
    ax.plot(t, result.baseline.weekly[col], color="0.35", ls="--", label="baseline")
    ax.plot(t, result.strategy.weekly[col], color="tab:purple", label=result.scenario.strategy.name)
    recommended = result.scenario.staff.recommended_caseload
    ax.axhline(recommended, color="tab:olive", lw=0.8, ls=":", label=f"recommended ({recommended:g})")
    _frame(ax, result, "cases per caseworker", f"Caseload, {team.replace('_', '-')} team")


def draw_contacts(ax: Axes, result: PairedResult, smooth_weeks: int = 4) -> None:
    """Meetings per citizen in casework per week, as a moving average over ``smooth_weeks``."""
    t = years(result)
    runs: tuple[tuple[RunResult, dict[str, Any], str], ...] = (
        (result.baseline, {"color": "0.35", "ls": "--"}, "baseline"),
        (result.strategy, {"color": "tab:purple"}, result.scenario.strategy.name),
    )
    for res, style, label in runs:
        contacts = res.weekly["contacts_per_citizen"].rolling(smooth_weeks, min_periods=1).mean()
        ax.plot(t, contacts, label=label, **style)
    _frame(ax, result, "meetings per citizen per week", f"Contact ({smooth_weeks}-week average)")


def draw_net_saving(ax: Axes, result: PairedResult) -> None:
    """The municipality's cumulative net saving (mio. DKK) with the payback point marked.

    For runs still stepping, the point is provisional: the first week from which the saving has
    stayed non-negative so far.
    """
    t = years(result)
    saving = result.cumulative_net_saving / 1e6
    ax.plot(t, saving, color="tab:green", label="cumulative net saving")
    ax.axhline(0, color="0.4", lw=0.8)
    week = result.payback_week
    if week is not None:
        x = result.scenario.start_year + week / WEEKS_PER_YEAR
        ax.axvline(x, color="tab:orange", ls=":")
        ax.plot([x], [saving[week]], "o", color="tab:orange", label=f"payback {result.week_label(week)}")
    _frame(ax, result, "mio. DKK", f"Municipality's cumulative net saving ({result.scenario.strategy.name})")
