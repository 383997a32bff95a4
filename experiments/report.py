"""The robustness report of a batch: tables, plots and a Markdown page that ties them together.

``raaderum report DIR`` calls :func:`write_report`. The tables are also available one by one:
load a batch with :func:`load_batch` and pass its runs to the functions in
:mod:`raaderum.experiments.robustness` and :mod:`raaderum.experiments.sensitivity`.
"""

import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..sim.errors import FieldValueError, ScenarioFileError
from ..sim.files import atomic_folder, check_output_folder
from . import report_plots
from .robustness import ALL_CYCLES, pairing_gain, robustness_table
from .sensitivity import describe_failures, failure_conditions, sensitivity_table
from .spec import BASELINE
from .store import ResultStore, StoreDamagedError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    """How far a batch has come, counted from the store itself (not the manifest's last write).

    Attributes:
        n_tasks: Tasks in the batch.
        done: Tasks whose results are stored.
        failed: Tasks that failed and have not since finished.
    """

    n_tasks: int
    done: int
    failed: int

    @property
    def pending(self) -> int:
        """Tasks not run yet (or in flight when the batch was stopped)."""
        return self.n_tasks - self.done - self.failed

    @property
    def complete(self) -> bool:
        """True when every task has finished."""
        return self.done == self.n_tasks

    def describe(self) -> str:
        """``the batch is incomplete: 6 of 28 tasks done (21 %), 16 pending, 6 failed``."""
        share = self.done / self.n_tasks if self.n_tasks else 0
        return (
            f"the batch is incomplete: {self.done} of {self.n_tasks} tasks done ({share:.0%}), "
            f"{self.pending} pending, {self.failed} failed"
        )


@dataclass
class BatchResults:
    """A batch's stored results.

    Attributes:
        runs: One row per run.
        weekly: Weekly series per run (empty when not stored).
        design: The design table.
        manifest: The manifest (experiment description, status of every task).
    """

    runs: pd.DataFrame
    weekly: pd.DataFrame
    design: pd.DataFrame
    manifest: dict[str, Any]
    progress: "Progress"

    @property
    def experiment(self) -> dict[str, Any]:
        """The experiment's description from the manifest."""
        return self.manifest["experiment"]

    @property
    def factors(self) -> list[str]:
        """Names of the uncertain factors."""
        return [f["name"] for f in self.experiment["factors"]]

    @property
    def horizon_years(self) -> float:
        """Years from the investment start to the end of the horizon."""
        e = self.experiment
        return e["horizon"]["end_year"] + 1 - e["investment_start_year"]


def load_batch(folder: str | Path) -> BatchResults:
    """Read a batch's result folder (finished or not).

    Raises:
        ScenarioFileError: The folder holds no batch results.
    """
    store = ResultStore(_batch_folder(folder))
    manifest = store.manifest()
    if not isinstance(manifest.get("experiment"), dict) or not isinstance(manifest.get("n_tasks"), int):
        path = store.root / "manifest.json"
        raise StoreDamagedError("", f"{path} is damaged (no experiment or task count)")
    runs = store.read_runs()
    if runs.empty:
        raise ScenarioFileError("DIR", f"{store.root} holds no finished runs yet")
    design = store.read_design()
    return BatchResults(runs, store.read_weekly(), design, manifest, _progress(store, manifest))


def _batch_folder(folder: str | Path) -> Path:
    """``folder`` if it holds a batch's manifest, or one line saying what it is instead."""
    root = Path(folder)
    why = (
        "no such folder"
        if not root.exists()
        else "not a folder"
        if not root.is_dir()
        else "no manifest.json"
        if not (root / "manifest.json").is_file()
        else None
    )
    if why:
        raise ScenarioFileError("DIR", f"{root} is not a raaderum batch folder ({why})")
    return root


def batch_progress(folder: str | Path) -> Progress:
    """How far the batch in ``folder`` has come (tasks done, failed, pending).

    Raises:
        ScenarioFileError: ``folder`` holds no batch, or a damaged one.
    """
    store = ResultStore(folder)
    return _progress(store, store.manifest())


def _progress(store: ResultStore, manifest: dict[str, Any]) -> Progress:
    return Progress(int(manifest.get("n_tasks", 0)), len(store.finished()), len(store.failures()))


def _mio(x: float) -> str:
    return f"{x / 1e6:,.0f}"


def _years(x: float) -> str:
    if pd.isna(x):
        return "-"
    return "not by the horizon" if x == float("inf") else f"{x:.1f}"


def _answer(results: BatchResults, table: pd.DataFrame) -> list[str]:
    """The headline: how surely and when each strategy pays back."""
    e = results.experiment
    lines = []
    for strategy in e["strategies"]:
        row = table.loc[(strategy, ALL_CYCLES)]
        lines.append(
            f"- **{strategy}** pays back by the end of {e['horizon']['end_year']} in "
            f"**{row['p_payback']:.0%}** of {row['runs']:.0f} runs; its NPV is positive in "
            f"{row['p_npv_positive']:.0%}. Median payback {_years(row['payback_years_q50'])} years after "
            f"the start (5-95 %: {_years(row['payback_years_q05'])} to {_years(row['payback_years_q95'])}); "
            f"median NPV {_mio(row['npv_q50'])} mio. DKK (5-95 %: {_mio(row['npv_q05'])} to "
            f"{_mio(row['npv_q95'])})."
        )
        per_cycle = table.loc[strategy].drop(index=ALL_CYCLES)["p_payback"]
        if per_cycle.nunique() == 1:
            lines.append(f"  The same in every cycle scenario ({per_cycle.iloc[0]:.0%}).")
        else:
            lines.append(
                f"  By cycle, P(payback) runs from {per_cycle.min():.0%} ({per_cycle.idxmin()}) to "
                f"{per_cycle.max():.0%} ({per_cycle.idxmax()})."
            )
    return lines


def _table_md(frame: pd.DataFrame, columns: dict[str, str], fmt: dict[str, Any]) -> list[str]:
    frame = frame.reset_index()
    head = "| " + " | ".join(columns.values()) + " |"
    out = [head, "|" + "---|" * len(columns)]
    for _, row in frame.iterrows():
        cells = [fmt.get(c, str)(row[c]) for c in columns]
        out.append("| " + " | ".join(cells) + " |")
    return out


def _pct(x: float) -> str:
    return "-" if pd.isna(x) else f"{x:.0%}"


def markdown(results: BatchResults, tables: dict[str, pd.DataFrame], threshold: float) -> str:
    """The report page."""
    e, m = results.experiment, results.manifest
    progress = results.progress
    factors = "\n".join(
        f"- `{f['name']}`: {f.get('distribution')} "
        + ", ".join(f"{k} {v}" for k, v in f.items() if k in ("min", "mode", "max", "mean", "sd"))
        + (f"; multiplies {', '.join(f['scales'])}" if f.get("scales") else "")
        for f in e["factors"]
    )
    out = [
        f"# Robustness report: {e['name']}",
        "",
        f"Base scenario `{e['scenario']}`, horizon {e['horizon']['start_year']}-{e['horizon']['end_year']}, "
        f"investment from {e['investment_start_year']}. Strategies {', '.join(e['strategies'])} against the "
        f"baseline; cycle scenarios {', '.join(e['cycles'])}; design `{e['design']}` with "
        f"{len(results.design)} points × {e['replications']} replications; root seed {m['root_seed']}; "
        f"raaderum {m['raaderum_version']}; spec hash `{m['spec_hash'][:12]}`. "
        f"{len(results.runs)} runs in {results.runs['task'].nunique()} tasks "
        f"(done {progress.done}, failed {progress.failed}, pending {progress.pending}).",
        "",
        *(
            []
            if progress.complete
            else [
                f"**Warning: {progress.describe()}.** Every figure below covers only the finished "
                "tasks; run the batch command again to finish it.",
                "",
            ]
        ),
        "Uncertain factors:",
        "",
        factors or "- none",
        "",
        "## The answer",
        "",
        *_answer(results, tables["robustness"]),
        "",
        "## Per strategy and cycle",
        "",
        "NPV in mio. DKK for the municipality, discounted to the investment start; payback in years "
        "after the start. Regret: the best choice's NPV in the same world minus this one's (the "
        f"baseline is not investing). Satisficing: NPV at least {_mio(threshold)} mio. DKK.",
        "",
        *_table_md(
            tables["robustness"],
            {
                "strategy": "strategy",
                "cycle": "cycle",
                "runs": "runs",
                "p_payback": "P(payback)",
                "p_npv_positive": "P(NPV>0)",
                "npv_mean_dkk": "NPV mean",
                "npv_q05": "5 %",
                "npv_q25": "25 %",
                "npv_q50": "50 %",
                "npv_q75": "75 %",
                "npv_q95": "95 %",
                "payback_years_q05": "payback 5 %",
                "payback_years_q50": "payback 50 %",
                "payback_years_q95": "payback 95 %",
                "regret_mean_dkk": "regret mean",
                "p_best": "P(best)",
                "p_satisficing": "P(satisficing)",
            },
            {
                "runs": lambda x: f"{x:.0f}",
                **{c: _pct for c in ("p_payback", "p_npv_positive", "p_best", "p_satisficing")},
                **{c: _mio for c in ("npv_mean_dkk", "npv_q05", "npv_q25", "npv_q50", "npv_q75", "npv_q95")},
                "regret_mean_dkk": _mio,
                **{c: _years for c in ("payback_years_q05", "payback_years_q50", "payback_years_q95")},
            },
        ),
        "",
        "![NPV per cycle](npv.png)",
        "",
        "![Payback time](payback.png)",
        "",
    ]
    if results.weekly.size:
        out += ["![Activity-ready citizens](activity_ready_fan.png)", ""]
    out += ["## What the pairing buys", ""]
    gain = tables["pairing"]
    if gain.empty:
        out += ["Needs at least two replications per design point; this batch has one.", ""]
    else:
        overall = gain.xs(ALL_CYCLES, level="cycle")
        for strategy, row in overall.iterrows():
            out.append(
                f"- {strategy}: with common random numbers the variance of the NPV estimate is "
                f"{row['variance_ratio']:.0f} times smaller than with independent seeds (standard error "
                f"{row['se_ratio']:.1f} times smaller): independent seeds would need "
                f"{row['variance_ratio']:.0f} times as many replications for the same precision."
            )
        out.append("")
    out += ["## Which uncertain parameters matter", ""]
    sens = tables["sensitivity"]
    if sens.empty:
        out += ["No sensitivity analysis: no uncertain factors, or too few design points.", ""]
    else:
        method = {
            "sobol": "Sobol indices (Saltelli)",
            "lhs": "RBD-FAST first-order indices",
            "factorial": "main-effect share of variance",
        }[e["design"]]
        out += [
            f"{method} via SALib; S1 is the share of the outcome's variance a factor explains alone "
            "(the outcome at a design point is the mean over its replications; with few points, "
            "indices within about ±0.1 of 0 are noise).",
            "",
        ]
        for (strategy, outcome), group in sens.groupby(["strategy", "outcome"], sort=False):
            mean = group.groupby("factor", sort=False)["S1"].mean().sort_values(ascending=False)
            ranked = ", ".join(f"`{f}` {v:.2f}" for f, v in mean.items())
            out.append(f"- {strategy}, {outcome}: mean S1 over cycles: {ranked}.")
        out += ["", "![Sensitivity](sensitivity.png)", ""]
    attribution = tables.get("attribution")
    if attribution is not None and not attribution.empty:
        out += [
            "## Why it pays back: the NPV by channel",
            "",
            "Each channel switched off in turn in both runs of every strategy run "
            "(`[outcomes] attribution = true`); its contribution is the NPV lost without it, in "
            "mio. DKK over the batch's runs. Knock-outs interact: they do not add up to the NPV.",
            "",
            *_table_md(
                attribution,
                {
                    "strategy": "strategy",
                    "channel": "channel",
                    "runs": "runs",
                    "mean_dkk": "mean",
                    "q05_dkk": "5 %",
                    "q50_dkk": "50 %",
                    "q95_dkk": "95 %",
                    "p_positive": "P(> 0)",
                },
                {
                    "runs": lambda x: f"{x:.0f}",
                    "p_positive": _pct,
                    **{c: _mio for c in ("mean_dkk", "q05_dkk", "q50_dkk", "q95_dkk")},
                },
            ),
            "",
        ]
    out += ["## When does the investment fail?", ""]
    out += [f"- {s}" for s in describe_failures(tables["failures"], e["horizon"]["end_year"])]
    out += [
        "",
        "Rules from a decision tree (depth 3) on the runs that do not pay back within the horizon; "
        "factors that scale parameters are multipliers of the scenario's value.",
        "",
        "Tables: robustness.csv, pairing.csv, sensitivity.csv, failure_conditions.csv"
        + (", attribution.csv." if attribution is not None and not attribution.empty else "."),
    ]
    return "\n".join(out) + "\n"


def report_tables(results: BatchResults, threshold: float | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the report, as DataFrames (the Python API of ``raaderum report``)."""
    threshold = results.experiment.get("threshold_npv_dkk", 0.0) if threshold is None else threshold
    runs = results.runs
    return {
        "robustness": robustness_table(runs, threshold),
        "pairing": pairing_gain(runs),
        "sensitivity": sensitivity_table(
            runs, results.design, results.experiment["design"], results.horizon_years
        ),
        "failures": failure_conditions(runs, results.factors),
        "attribution": attribution_table(runs),
    }


def attribution_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Each channel's contribution to the NPV over the batch, per strategy (empty without one).

    Reads the ``attribution_<channel>_dkk`` columns a batch with ``[outcomes] attribution = true``
    stores; baseline rows (null there) are left out.
    """
    columns = [c for c in runs.columns if c.startswith("attribution_") and c.endswith("_dkk")]
    if not columns:
        return pd.DataFrame()
    rows = []
    for strategy, group in runs[runs["strategy"] != BASELINE].groupby("strategy", sort=False):
        for col in columns:
            values = group[col].dropna().to_numpy(dtype=float)
            if values.size == 0:
                continue
            q05, q50, q95 = np.quantile(values, [0.05, 0.5, 0.95])
            rows.append(
                {
                    "strategy": strategy,
                    "channel": col.removeprefix("attribution_").removesuffix("_dkk"),
                    "runs": values.size,
                    "mean_dkk": float(values.mean()),
                    "q05_dkk": float(q05),
                    "q50_dkk": float(q50),
                    "q95_dkk": float(q95),
                    "p_positive": float((values > 0).mean()),
                }
            )
    return pd.DataFrame(rows)


def write_report(folder: str | Path, out: str | Path | None = None, threshold: float | None = None) -> Path:
    """Write the robustness report of the batch in ``folder`` to ``out`` (default ``folder/report``).

    Written to a temporary folder and moved into place when complete; ``out`` follows the
    output-folder rule of :mod:`raaderum.sim.files`.

    Raises:
        ScenarioFileError: ``folder`` holds no batch, or a damaged one.
        FieldValueError: ``threshold`` is not a finite number.
        OutputFolderError: ``out`` holds files raaderum did not write, or writing failed.
    """
    if threshold is not None and not math.isfinite(threshold):
        raise FieldValueError("--threshold", f"must be a finite number of DKK, got {threshold!r}")
    out = Path(out) if out else _batch_folder(folder) / "report"
    check_output_folder(out, "report")
    results = load_batch(folder)
    threshold = results.experiment.get("threshold_npv_dkk", 0.0) if threshold is None else threshold
    tables = report_tables(results, threshold)
    with atomic_folder(out, "report") as tmp:
        for name, file in (
            ("robustness", "robustness"),
            ("pairing", "pairing"),
            ("sensitivity", "sensitivity"),
            ("failures", "failure_conditions"),
        ):
            tables[name].to_csv(
                tmp / f"{file}.csv",
                index=tables[name].index.name is not None or isinstance(tables[name].index, pd.MultiIndex),
            )
        runs = results.runs
        report_plots.plot_npv(runs, tmp / "npv.png")
        report_plots.plot_payback(runs, tmp / "payback.png", results.horizon_years)
        if results.weekly.size:
            start = results.experiment["horizon"]["start_year"]
            report_plots.plot_fan(results.weekly, runs, tmp / "activity_ready_fan.png", start)
        if not tables["sensitivity"].empty:
            report_plots.plot_sensitivity(tables["sensitivity"], tmp / "sensitivity.png")
        if not tables["attribution"].empty:
            tables["attribution"].to_csv(tmp / "attribution.csv", index=False)
        (tmp / "report.md").write_text(markdown(results, tables, threshold), encoding="utf-8")
    log.info("wrote %s", out)
    return out
