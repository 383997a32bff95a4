"""Write a paired run to a folder: summary, weekly series and plots, all or nothing."""

import json
import logging
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from experiments.paired import PairedResult  # noqa: E402
from sim.files import atomic_folder  # noqa: E402

log = logging.getLogger(__name__)

FILES = ("summary.json", "weekly.parquet", "weekly.csv", "stocks.png", "net_saving.png")


def weekly_table(result: PairedResult) -> pd.DataFrame:
    """Both runs' weekly series in one long table with a ``run`` column."""
    frames = []
    for run, res in (("baseline", result.baseline), ("strategy", result.strategy)):
        frame = res.weekly.copy()
        frame.insert(0, "run", run)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    saving = pd.Series(result.cumulative_net_saving)
    table["cumulative_net_saving_dkk"] = pd.concat([saving, saving], ignore_index=True)
    return table


def _axes(result: PairedResult) -> tuple[plt.Figure, plt.Axes, pd.Series]:
    """A figure, its axes and the weeks of the run as fractional years."""
    fig, ax = plt.subplots(figsize=(9, 4.5))
    return fig, ax, result.scenario.start_year + result.baseline.weekly["week"] / 52


def _save(fig: plt.Figure, ax: plt.Axes, title: str, ylabel: str, path: Path) -> None:
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_stocks(result: PairedResult, path: Path) -> None:
    """Activity-ready and job-ready stocks, baseline vs strategy."""
    fig, ax, years = _axes(result)
    sc = result.scenario
    for state, color in (("activity_ready", "tab:red"), ("job_ready", "tab:blue")):
        label = state.replace("_", "-")
        ax.plot(years, result.baseline.stock(state), color=color, ls="--", label=f"{label} — baseline")
        ax.plot(years, result.strategy.stock(state), color=color, label=f"{label} — {sc.strategy.name}")
    ax.axvspan(sc.strategy.start_year, sc.strategy.end_year + 1, color="0.9", label="investment period")
    _save(fig, ax, f"{sc.name}: stocks, baseline vs strategy", "citizens", path)


def plot_net_saving(result: PairedResult, path: Path) -> None:
    """Cumulative net saving for the municipality, with the payback week marked."""
    fig, ax, years = _axes(result)
    sc = result.scenario
    ax.plot(years, result.cumulative_net_saving / 1e6, color="tab:green", label="cumulative net saving")
    ax.axhline(0, color="0.4", lw=0.8)
    week = result.payback_week
    if week is not None:
        ax.axvline(
            sc.start_year + week / 52, color="tab:orange", ls=":", label=f"payback {result.week_label(week)}"
        )
    title = f"{sc.name}: municipality's cumulative net saving ({sc.strategy.name})"
    _save(fig, ax, title, "mio. DKK", path)


def write_outputs(result: PairedResult, out_dir: Path) -> Path:
    """Write all output files to ``out_dir`` atomically.

    Files are written to a temporary folder beside ``out_dir`` and moved into place only when
    all of them exist, so an interrupted run leaves no half-written output.
    """
    with atomic_folder(out_dir) as tmp:
        (tmp / "summary.json").write_text(json.dumps(result.summary(), indent=2), encoding="utf-8")
        table = weekly_table(result)
        table.to_parquet(tmp / "weekly.parquet", index=False)
        table.to_csv(tmp / "weekly.csv", index=False)
        plot_stocks(result, tmp / "stocks.png")
        plot_net_saving(result, tmp / "net_saving.png")
    log.info("wrote %s", out_dir)
    return out_dir
