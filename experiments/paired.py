"""Paired runs: the strategy against its baseline with common random numbers.

Both runs use the same seed. Every random draw is tied to a purpose, a week and an agent id
(:mod:`raaderum.sim.streams`), so the two runs start from the same population, see the same inflow,
business cycle and vacancies, and differ only where the strategy changes what happens. The
difference of the two runs is the strategy's effect, week by week, with little noise.
"""

import gc
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..sim.budget import COST_LINES, LEVER_LINES, LINES
from ..sim.model import Municipality
from ..sim.results import CLARIFIED, RunResult
from ..sim.scenario import WEEKS_PER_YEAR, Scenario, ScenarioLike, as_scenario
from ..sim.states import STATE_NAMES, State

log = logging.getLogger(__name__)

#: Citizens (over the whole run) from which a finished model is garbage-collected at once.
LARGE_MODEL_CITIZENS = 100_000


def run_single(scenario: ScenarioLike, seed: int | np.random.SeedSequence | None = None) -> RunResult:
    """Run one scenario as given (its strategy included) and return the weekly result.

    ``scenario`` is a :class:`~raaderum.sim.scenario.Scenario`, the name of a built-in one, a
    TOML path or a TOML-shaped dict (:func:`~raaderum.sim.scenario.as_scenario`).

    No per-citizen agent objects are made (``agent_views=False``); results are identical. A large
    model is collected as soon as it has run: its agents refer back to it, so without a collection
    the baseline's arrays would still be held while the strategy runs (a national paired run
    would need twice the memory).
    """
    model = Municipality(as_scenario(scenario), seed=seed, agent_views=False)
    result = model.run()
    large = model.citizens.size >= LARGE_MODEL_CITIZENS
    del model
    if large:
        gc.collect()
    return result


def payback_week(cumulative: np.ndarray, start: int) -> int | None:
    """First week from ``start`` after which the cumulative saving never falls below zero.

    Returns None when the cumulative saving is negative at the end of the horizon, or when the
    strategy changed nothing (zero saving every week: there is nothing to pay back).
    """
    tail = cumulative[start:]
    if tail.size == 0 or tail[-1] < 0 or not np.any(tail):
        return None
    negative = np.flatnonzero(tail < 0)
    return start + (int(negative[-1]) + 1 if negative.size else 0)


@dataclass(repr=False)
class PairedResult:
    """A strategy run and its baseline, and the strategy's effect.

    Attributes:
        baseline: The run with no lever moved.
        strategy: The run with the scenario's strategy.
    """

    baseline: RunResult
    strategy: RunResult

    def __repr__(self) -> str:
        payback = "none" if self.payback_years is None else f"{self.payback_years:.2f} years"
        return (
            f"<PairedResult {self.scenario.name}: {self.scenario.strategy.name} vs baseline, "
            f"{self.scenario.start_year}-{self.scenario.end_year}, NPV {self.npv_dkk / 1e6:,.1f} mio. DKK, "
            f"payback {payback}>"
        )

    @property
    def scenario(self) -> Scenario:
        """The strategy scenario."""
        return self.strategy.scenario

    @property
    def start_week(self) -> int:
        """Week the investment starts."""
        return self.scenario.week_of_year(self.scenario.strategy.start_year)

    @property
    def effect(self) -> pd.DataFrame:
        """Strategy minus baseline, week by week, for every numeric column."""
        keys = ["week", "year", "week_of_year"]
        values = self.strategy.weekly.drop(columns=keys) - self.baseline.weekly.drop(columns=keys)
        return pd.concat([self.strategy.weekly[keys], values], axis=1)

    @property
    def net_saving(self) -> np.ndarray:
        """Municipality's weekly saving: baseline net cost minus strategy net cost (DKK)."""
        return (
            self.baseline.weekly["dkk_municipal_net"] - self.strategy.weekly["dkk_municipal_net"]
        ).to_numpy()

    @property
    def cumulative_net_saving(self) -> np.ndarray:
        """Running sum of :attr:`net_saving` (DKK)."""
        return np.cumsum(self.net_saving)

    def discount_factors(self) -> np.ndarray:
        """Weekly discount factors, 1 at the investment start (annual rate from the scenario).

        One per simulated week, so a pair of runs still stepping (the dashboard) has an NPV so far.
        """
        weeks = np.arange(len(self.strategy.weekly)) - self.start_week
        return (1 + self.scenario.discount_rate) ** (-weeks / WEEKS_PER_YEAR)

    @property
    def payback_week(self) -> int | None:
        """Week index from which the investment has paid for itself, or None."""
        return payback_week(self.cumulative_net_saving, self.start_week)

    @property
    def payback_years(self) -> float | None:
        """Years from the investment start to :attr:`payback_week`, or None (no payback)."""
        week = self.payback_week
        return None if week is None else (week - self.start_week) / WEEKS_PER_YEAR

    @property
    def npv_dkk(self) -> float:
        """Net present value of the weekly savings, discounted to the investment start."""
        return float(np.dot(self.net_saving, self.discount_factors()))

    @property
    def end_week(self) -> int:
        """First week after the investment period."""
        return min(self.scenario.week_of_year(self.scenario.strategy.end_year + 1), self.scenario.n_weeks)

    @property
    def investment_weekly(self) -> np.ndarray:
        """Extra spending of the strategy, week by week (DKK).

        In the investment period: all extra spending on staff, programmes and lever costs
        (strategy minus baseline). After it: only the strategy's own lines (e.g. follow-up of
        citizens who exited during the period); programme spending then follows the stocks.
        """

        def diff(lines: tuple[str, ...]) -> np.ndarray:
            cols = [f"dkk_{n}" for n in lines]
            return (
                self.strategy.weekly[cols].sum(axis=1) - self.baseline.weekly[cols].sum(axis=1)
            ).to_numpy()

        in_period = np.arange(len(self.strategy.weekly)) < self.end_week
        return np.where(in_period, diff(COST_LINES), diff(LEVER_LINES))

    @property
    def investment_dkk(self) -> float:
        """Undiscounted total of :attr:`investment_weekly`: compare with the strategy's budget."""
        return float(self.investment_weekly.sum())

    @property
    def roi(self) -> float | None:
        """Return on investment: NPV per discounted krone of investment (None without spending).

        The NPV already has the investment taken off, so 0 means the strategy just paid for itself.
        """
        pv = float(np.dot(self.investment_weekly, self.discount_factors()))
        return None if pv <= 0 else self.npv_dkk / pv

    def week_label(self, week: int | None) -> str | None:
        """Calendar label of a week index, e.g. ``2017-W23``."""
        if week is None:
            return None
        return f"{self.scenario.start_year + week // WEEKS_PER_YEAR}-W{week % WEEKS_PER_YEAR + 1:02d}"

    def key_weeks(self) -> dict[str, int]:
        """Week indices of the dates the summary reports stocks at."""
        last = self.scenario.n_weeks - 1
        s = self.start_week
        before = max(s - 1, 0)  # stocks are at the end of a week: the last week before the start
        marks = {
            "start": 0,
            "investment_start": before,
            "one_year_in": before + 52,
            "two_years_in": before + 104,
            "end": last,
        }
        return {k: min(v, last) for k, v in marks.items()}

    def summary(self) -> dict[str, Any]:
        """Machine-readable summary (the content of ``summary.json``)."""
        sc, b, s = self.scenario, self.baseline.weekly, self.strategy.weekly
        period = (self.start_week, self.end_week)
        stocks = {
            label: {
                run: {name: int(df.at[w, f"stock_{name}"]) for name in STATE_NAMES}
                for run, df in (("baseline", b), ("strategy", s))
            }
            for label, w in self.key_weeks().items()
        }
        return {
            "scenario": sc.name,
            "seed": sc.seed,
            "strategy": sc.strategy.name,
            "horizon": {"start_year": sc.start_year, "end_year": sc.end_year, "weeks": sc.n_weeks},
            "investment_period": {"start_year": sc.strategy.start_year, "end_year": sc.strategy.end_year},
            "cycle": sc.cycle.scenario,
            "discount_rate": sc.discount_rate,
            "payback_week": self.payback_week,
            "payback_date": self.week_label(self.payback_week),
            "npv_dkk": self.npv_dkk,
            "roi": self.roi,
            "investment_dkk": self.investment_dkk,
            "investment_budget_dkk": sc.strategy.budget_dkk,
            "cumulative_net_saving_dkk": float(self.cumulative_net_saving[-1]),
            "stocks": stocks,
            "activity_ready_exits_in_period": {
                "baseline": exits_by_destination(self.baseline, *period),
                "strategy": exits_by_destination(self.strategy, *period),
            },
            "activity_ready_stock_flow": {
                run: {
                    str(year): {
                        k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()
                    }
                    for year, row in res.stock_flow(State.ACTIVITY_READY).to_dict("index").items()
                }
                for run, res in (("baseline", self.baseline), ("strategy", self.strategy))
            },
            "activity_ready_fate_at_period_end": {
                "baseline": self.baseline.activity_ready_fate,
                "strategy": self.strategy.activity_ready_fate,
            },
            "relapses": {"baseline": int(b["relapses"].sum()), "strategy": int(s["relapses"].sum())},
            "mean_contacts_per_citizen_week_in_period": {
                "baseline": float(b["contacts_per_citizen"].iloc[slice(*period)].mean()),
                "strategy": float(s["contacts_per_citizen"].iloc[slice(*period)].mean()),
            },
            "contact_shortfall_share_activity_ready_in_period": {
                run: float(r["contact_shortfall_activity_ready"].iloc[slice(*period)].sum())
                / max(float(r["meetings_due_activity_ready"].iloc[slice(*period)].sum()), 1.0)
                for run, r in (("baseline", b), ("strategy", s))
            },
            "mean_caseload_activity_ready_in_period": {
                "baseline": float(b["caseload_activity_ready"].iloc[slice(*period)].mean()),
                "strategy": float(s["caseload_activity_ready"].iloc[slice(*period)].mean()),
            },
            "mean_weeks_on_benefit_end": {
                "baseline": float(b["mean_weeks_on_benefit"].iloc[-1]),
                "strategy": float(s["mean_weeks_on_benefit"].iloc[-1]),
            },
            "budget_totals_dkk": {
                run: {
                    line: float(df[f"dkk_{line}"].sum())
                    for line in (*LINES, "municipal_net", "state", "lever_costs")
                }
                for run, df in (("baseline", b), ("strategy", s))
            },
            "weekly_activity_ready": {
                "baseline": b["stock_activity_ready"].astype(int).tolist(),
                "strategy": s["stock_activity_ready"].astype(int).tolist(),
            },
        }


def exits_by_destination(run: RunResult, start: int, end: int) -> dict[str, Any]:
    """Exits from activity-ready in weeks [start, end) by destination, with shares."""
    out = run.flows[start:end, State.ACTIVITY_READY].sum(axis=0)
    out[State.ACTIVITY_READY] = 0
    total = int(out.sum())
    counts = {name: int(out[i]) for i, name in enumerate(STATE_NAMES) if i != State.ACTIVITY_READY}
    clarified = int(sum(out[s] for s in CLARIFIED))
    return {
        "total": total,
        "by_destination": counts,
        "share_self_supporting": out[State.SELF_SUPPORTING] / total if total else None,
        "share_clarified": clarified / total if total else None,
    }


def run_paired(scenario: ScenarioLike, seed: int | np.random.SeedSequence | None = None) -> PairedResult:
    """Run the scenario's strategy and its baseline with common random numbers.

    Args:
        scenario: A :class:`~raaderum.sim.scenario.Scenario`, the name of a built-in scenario
            (``"aabenraa_2016"``), a path to a TOML file, or a TOML-shaped dict.
        seed: Root seed (an int or a SeedSequence); default: the scenario's own.

    Raises:
        ScenarioError: ``scenario`` names no scenario or is invalid.
    """
    scenario = as_scenario(scenario)
    log.info("paired run %s (seed %s)", scenario.name, scenario.seed if seed is None else seed)
    baseline = run_single(scenario.baseline(), seed)
    strategy = run_single(scenario, seed)
    return PairedResult(baseline=baseline, strategy=strategy)
