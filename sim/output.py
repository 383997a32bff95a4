"""Write a paired run to a folder: summary, weekly series and plots, all or nothing."""

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..experiments.paired import PairedResult
from .files import atomic_folder
from .plots import draw_net_saving, draw_stocks

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


def _save_plot(result: PairedResult, draw: Callable[[Axes, PairedResult], None], path: Path) -> None:
    """Draw one view of the run (a function of :mod:`raaderum.sim.plots`) into a PNG file."""
    fig = Figure(figsize=(9, 4.5))
    ax = fig.subplots()
    draw(ax, result)
    ax.set_title(f"{result.scenario.name}: {ax.get_title()}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def write_outputs(result: PairedResult, out_dir: Path, summary: dict[str, Any] | None = None) -> Path:
    """Write all output files to ``out_dir`` atomically.

    ``summary`` is what ``summary.json`` holds: by default ``result.summary()``; the CLI adds
    the attribution by channel to it.

    Files are written to a temporary folder beside ``out_dir`` and moved into place only when
    all of them exist, so an interrupted run leaves no half-written output. ``out_dir`` follows
    the output-folder rule of :mod:`raaderum.sim.files`: absent, empty, or an earlier run's output.

    Raises:
        OutputFolderError: ``out_dir`` holds files raaderum did not write, or writing failed.
    """
    with atomic_folder(out_dir, "run") as tmp:
        summary = result.summary() if summary is None else summary
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        table = weekly_table(result)
        table.to_parquet(tmp / "weekly.parquet", index=False)
        table.to_csv(tmp / "weekly.csv", index=False)
        _save_plot(result, draw_stocks, tmp / "stocks.png")
        _save_plot(result, draw_net_saving, tmp / "net_saving.png")
    log.info("wrote %s", out_dir)
    return out_dir
