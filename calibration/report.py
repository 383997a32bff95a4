"""Fit report: every target against the simulated mean and 90 % interval, and a plot per case."""

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .cases import CASES, CaseRun
from .measures import cohort_exit_curve, relapse_curve, stock_series
from .targets import Targets


def target_table(targets: Targets, runs: Sequence[Mapping[str, float]]) -> pd.DataFrame:
    """One row per target: reported value, tolerance, simulated mean and 90 % interval, verdict.

    Args:
        targets: The targets.
        runs: Simulated targets, one mapping per replication.
    """
    rows = []
    for t in targets:
        values = np.array([r[t.id] for r in runs], dtype=float)
        finite = values[np.isfinite(values)]
        mean = float(finite.mean()) if finite.size else float("nan")
        lo, hi = np.quantile(finite, [0.05, 0.95]) if finite.size else (np.nan, np.nan)
        rows.append(
            {
                "target": t.id,
                "case": t.case,
                "description": t.description,
                "source": t.source,
                "period": t.period,
                "kind": t.kind,
                "reported": t.value,
                "tolerance": t.tolerance,
                "unit": t.unit,
                "simulated_mean": mean,
                "simulated_p05": float(lo),
                "simulated_p95": float(hi),
                "error_tolerances": t.error(mean),
                "within": t.within(mean),
                "unmet_reason": t.unmet,
            }
        )
    return pd.DataFrame(rows)


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    if x != 0 and abs(x) < 0.01:  # weekly rates: two significant digits, not 0.005
        return f"{x:.2g}"
    return f"{x:,.3f}" if abs(x) < 10 else f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"


def markdown_table(table: pd.DataFrame) -> str:
    """The target table as Markdown (for fit_report.md and the README)."""
    sign = {"two_sided": "±", "at_least": "≥ −", "at_most": "≤ +"}
    lines = [
        "| target | reported | tolerance | simulated mean | 90 % interval | within |",
        "|---|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        verdict = "yes" if r.within else ("**no** (known)" if r.unmet_reason else "**no**")
        lines.append(
            f"| {r.target} | {_fmt(r.reported)} {r.unit} | {sign[r.kind]}{_fmt(r.tolerance)} | "
            f"{_fmt(r.simulated_mean)} | {_fmt(r.simulated_p05)} – {_fmt(r.simulated_p95)} | {verdict} |"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------------------------- plots
def _band(ax: Axes, x: np.ndarray, series: np.ndarray, color: str, label: str) -> None:
    lo, mid, hi = np.quantile(series, [0.05, 0.5, 0.95], axis=0)
    ax.fill_between(x, lo, hi, color=color, alpha=0.25, linewidth=0)
    ax.plot(x, mid, color=color, label=label)


def _years(run_scenario, n: int) -> np.ndarray:
    return run_scenario.start_year + np.arange(n) / 52


def _stock_series(runs: Sequence[CaseRun], states: Sequence[str], which: str) -> np.ndarray:
    return np.array([stock_series(cr, states=states, run=which) for cr in runs], dtype=float)


def plot_case(case: str, runs: Sequence[CaseRun], path: Path) -> None:
    """Simulated trajectories (median and 90 % band over replications) against reported figures."""
    fig = Figure(figsize=(7.5, 4.2))
    ax = fig.subplots()
    sc = runs[0].scenario
    n = runs[0].strategy.history.shape[0]
    x = _years(sc, n)
    if case == "aabenraa":
        _band(
            ax, x, _stock_series(runs, ["activity_ready"], "baseline"), "tab:gray", "without KIK (simulated)"
        )
        _band(ax, x, _stock_series(runs, ["activity_ready"], "strategy"), "tab:blue", "with KIK (simulated)")
        ax.plot([2016.0], [1008], "ko", label="reported: 1,008 at the start (Socialrådgiveren 2017)")
        ax.plot(
            [2017.04, 2018.08],
            [661, 495],
            "rs",
            label="reported: 661 in mid-January 2017, 495 a month into 2018\n"
            "(Aabenraa Kommune 2017; Aabenraa KIK results)",
        )
        ax.plot(
            [2019.0], [1008 - 250], "k^", label="forecast without KIK: about -250 (Aabenraa interview 2018)"
        )
        ax.set_ylabel("activity-ready recipients")
    elif case == "hjorring":
        series = np.array([cr.strategy.result.weekly["mean_weeks_on_benefit"].to_numpy() for cr in runs])
        _band(ax, x[1:], series, "tab:blue", "with the Hjørring method (simulated)")
        ax.plot([2016.0], [121], "ko", label="reported: 121 weeks before (Hjørring 2015)")
        ax.plot([2019.0], [68], "rs", label="goal: 68 weeks by 2018 (Hjørring 2015)")
        ax.set_ylabel("mean weeks on benefit (case states)")
    elif case == "skanderborg":
        stock = _stock_series(runs, ["job_ready", "activity_ready"], "strategy")
        _band(ax, x, stock / stock[:, :1], "tab:blue", "cash-benefit recipients (simulated, 2014 = 1)")
        ax.plot(
            [2016.0],
            [0.70],
            "rv",
            label="reported: more than 30 % fewer in two years\n(Skanderborg interview 2019)",
        )
        ax.set_ylabel("recipients relative to 2014")
    elif case == "fureso":
        weeks = 156
        for which, color, label in (
            ("baseline", "tab:gray", "without ISU"),
            ("strategy", "tab:blue", "with ISU"),
        ):
            curves = np.array(
                [
                    relapse_curve(
                        cr,
                        origin=["job_ready", "activity_ready"],
                        from_year=2014,
                        to_year=2016,
                        weeks=weeks,
                        run=which,
                    )
                    for cr in runs
                ]
            )
            _band(ax, np.arange(weeks + 1), curves, color, f"{label} (simulated)")
        ax.plot([weeks], [0.55], "ko", label="reported: historical about 55 % (ISU cases)")
        ax.plot([weeks], [0.126], "rs", label="reported: 12.6 % with ISU (ISU cases)")
        ax.set_xlabel("weeks since exit (exits in 2014-2015)")
        ax.set_ylabel("share back on benefit")
    elif case == "taarnby":
        weeks = 52
        exits = np.array(
            [cohort_exit_curve(cr, state="activity_ready", year=2017, weeks=weeks) for cr in runs]
        )
        _band(ax, np.arange(weeks + 1), exits, "tab:blue", "ISU's activity-ready (simulated)")
        ax.plot([39], [0.28], "rs", label="reported: 28 % exited after 9 months (ISU cases)")
        ax.set_xlabel("weeks since ISU took over (2017)")
        ax.set_ylabel("share exited to self-support")
    if case in ("aabenraa", "hjorring", "skanderborg"):
        ax.set_xlabel("year")
    ax.set_title(CASES[case].title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
