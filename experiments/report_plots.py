"""Plots of a batch's robustness report (PNG)."""

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .spec import BASELINE

COLORS = ("tab:green", "tab:purple", "tab:orange", "tab:brown", "tab:pink")


def _save(fig: Figure, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def _strategies(runs: pd.DataFrame) -> list[str]:
    return [s for s in runs["strategy"].unique() if s != BASELINE]


def plot_npv(runs: pd.DataFrame, path: Path) -> None:
    """Box plots of NPV (mio. DKK) per cycle scenario, one box per strategy."""
    cycles = list(runs["cycle"].unique())
    strategies = _strategies(runs)
    fig = Figure(figsize=(max(6, 2.2 * len(cycles)), 4.5))
    ax = fig.subplots()
    width = 0.8 / len(strategies)
    for k, strategy in enumerate(strategies):
        data = [runs.query("strategy == @strategy and cycle == @c")["npv_dkk"] / 1e6 for c in cycles]
        pos = np.arange(len(cycles)) + (k - (len(strategies) - 1) / 2) * width
        box = ax.boxplot(
            data, positions=pos, widths=width * 0.9, whis=(5, 95), patch_artist=True, showfliers=True
        )
        for patch in box["boxes"]:
            patch.set_facecolor(COLORS[k % len(COLORS)])
            patch.set_alpha(0.6)
        ax.plot([], [], color=COLORS[k % len(COLORS)], lw=8, alpha=0.6, label=strategy)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xticks(np.arange(len(cycles)), cycles)
    ax.set_ylabel("NPV, mio. DKK (municipality)")
    ax.set_title("NPV per business-cycle scenario (box: 25-75 %, whiskers: 5-95 %)")
    ax.legend(fontsize=8)
    _save(fig, path)


def plot_payback(runs: pd.DataFrame, path: Path, horizon_years: float) -> None:
    """Distribution of the payback time per cycle scenario, with the share that never pays back."""
    strategies = _strategies(runs)
    fig = Figure(figsize=(7 * len(strategies), 4.5))
    axes = fig.subplots(1, len(strategies), squeeze=False)
    bins = np.arange(0, np.ceil(horizon_years * 4) / 4 + 0.25, 0.25)
    for ax, strategy in zip(axes[0], strategies, strict=True):
        for k, (cycle, group) in enumerate(runs[runs["strategy"] == strategy].groupby("cycle", sort=False)):
            never = 1 - group["pays_back"].mean()
            ax.hist(
                group["payback_years"].dropna(),
                bins=bins,
                histtype="step",
                lw=1.6,
                color=COLORS[k % len(COLORS)],
                label=f"{cycle} (not by the horizon: {never:.0%})",
            )
        ax.set_xlabel("years from the investment start to payback")
        ax.set_ylabel("runs")
        ax.set_title(f"{strategy}: when does it pay back?")
        ax.legend(fontsize=8)
    _save(fig, path)


def plot_fan(weekly: pd.DataFrame, runs: pd.DataFrame, path: Path, start_year: int) -> None:
    """Fan chart of the activity-ready stock per cycle: 5-95 % and 25-75 % bands and the median."""
    cycles = list(runs["cycle"].unique())
    cycle_of_task = runs.drop_duplicates("task").set_index("task")["cycle"]
    weekly = weekly.assign(cycle=weekly["task"].map(cycle_of_task))
    fig = Figure(figsize=(4.5 * len(cycles), 4.2))
    axes = fig.subplots(1, len(cycles), sharey=True, squeeze=False)
    names = [BASELINE, *_strategies(runs)]
    colors = {BASELINE: "0.45", **{s: COLORS[k % len(COLORS)] for k, s in enumerate(names[1:])}}
    for ax, cycle in zip(axes[0], cycles, strict=True):
        for name in names:
            data = weekly.query("cycle == @cycle and strategy == @name")
            q = data.groupby("week")["stock_activity_ready"].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
            years = start_year + q.index / 52
            ax.fill_between(years, q[0.05], q[0.95], color=colors[name], alpha=0.15, lw=0)
            ax.fill_between(years, q[0.25], q[0.75], color=colors[name], alpha=0.3, lw=0)
            ax.plot(years, q[0.5], color=colors[name], lw=1.5, label=name)
        ax.set_title(cycle)
        ax.set_xlabel("year")
        ax.legend(fontsize=8)
    axes[0][0].set_ylabel("activity-ready citizens (aktivitetsparate)")
    _save(fig, path)


def plot_sensitivity(table: pd.DataFrame, path: Path) -> None:
    """Bars of first-order (and total) indices per factor, one panel per strategy and outcome."""
    panels = list(table.groupby(["strategy", "outcome"], sort=False))
    fig = Figure(figsize=(6 * len(panels), 0.5 * table["factor"].nunique() + 2.5))
    axes = fig.subplots(1, len(panels), squeeze=False)
    for ax, ((strategy, outcome), group) in zip(axes[0], panels, strict=True):
        pivot = group.pivot_table(index="factor", columns="cycle", values="S1", sort=False)
        pivot.plot.barh(ax=ax, width=0.8)
        ax.set_xlabel("first-order sensitivity index S1")
        ax.set_ylabel("")
        ax.set_title(f"{strategy}: {outcome}")
        ax.legend(fontsize=7, title="cycle", title_fontsize=7)
    _save(fig, path)
