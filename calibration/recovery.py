"""Parameter recovery: calibrate against targets simulated at known parameter values.

Can the calibration find the parameters when they are known? For each of ``truths`` parameter
sets drawn from the prior, every target is simulated at the truth (its mean over
``report_replications`` seeds of the truth's own), the reported figures are replaced by those
simulated ones (same tolerances, kinds and weights; a target the truth cannot produce, NaN, is
left out), and the calibration is run against them exactly as against the cases: the SMM from
the space's start, the refit of case-limited parameters and own values, and, with
``posterior``, the ABC-SMC. Reported per truth and parameter: the estimate's error on the prior's
unit scale (0 = the truth, 1 = the whole prior range) and whether the posterior's 90 % interval
holds the truth.

Seeds: truth ``t`` uses ``SeedSequence(settings.seed, spawn_key=(RECOVERY_STREAM, t))``, a key no
calibration stage uses, whose five children draw the truth, simulate the data, seed the SMM, the
refit and the ABC. So a recovery study is reproducible and
its data seeds are never the fit's.
"""

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..sim.files import atomic_folder
from .abc import weighted_quantile
from .calibrate import Settings, abc_stage, smm_stage
from .journal import Journal, code_fingerprint, journal_folder
from .refine import refine_case_parameters
from .smm import evaluate, mean_moments
from .space import ParameterSpace, load_space
from .targets import Targets, load_targets

log = logging.getLogger(__name__)

#: First spawn key of every recovery seed (calibration stages use 0 and 1).
RECOVERY_STREAM = 1000


def synthetic_targets(targets: Targets, simulated: dict[str, float]) -> Targets:
    """``targets`` with each reported value replaced by ``simulated``; NaN ones are left out."""
    kept = tuple(
        replace(t, value=float(simulated[t.id]), unmet="")
        for t in targets
        if np.isfinite(simulated.get(t.id, np.nan))
    )
    return Targets(kept, targets.not_modelled)


def recover(
    space: ParameterSpace,
    targets: Targets,
    *,
    truths: int,
    settings: Settings,
    posterior: bool = True,
    jobs: int = 1,
    journal: Journal | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Draw ``truths`` parameter sets from the prior and calibrate against their simulated targets.

    Args:
        space: The parameters and their priors.
        targets: The targets whose figures are replaced by simulated ones.
        truths: Parameter sets to recover.
        settings: The calibration's settings: its root seed (see the module docstring), the SMM's
            trials, replications and batch, the ABC's population, generations and budget; the
            synthetic figures are averaged over ``report_replications`` seeds, as many as the refit uses.
        posterior: Also run the ABC-SMC and check its 90 % interval.
        jobs: Parallel workers (results do not depend on it).
        journal: Simulations already run and where to record new ones.
        progress: Called with a line per finished truth.

    Returns:
        One row per truth and parameter: ``truth_index``, ``parameter``, ``truth``, ``estimate``,
        ``truth_unit``, ``estimate_unit``, ``error_unit`` (estimate - truth on the unit scale),
        ``posterior_q05``, ``posterior_q95``, ``covered`` (NaN without a posterior),
        ``targets_used`` and ``fit_distance``.
    """
    rows = []
    for t in range(truths):
        truth_seed = np.random.SeedSequence(settings.seed, spawn_key=(RECOVERY_STREAM, t))
        draw, data, fit_seed, refine_seed, abc_seed = truth_seed.spawn(5)
        u_true = np.random.default_rng(draw).random(len(space))
        truth = space.as_dict(space.from_unit(u_true)[0])
        runs = evaluate([truth], targets, space, data.spawn(settings.report_replications), jobs, journal)[0]
        synth = synthetic_targets(targets, mean_moments(runs))
        fit = smm_stage(space, synth, settings, fit_seed, jobs, journal)
        refine_seeds = refine_seed.spawn(settings.report_replications)
        best, _ = refine_case_parameters(fit.best, space, synth, refine_seeds, jobs, journal=journal)
        q05 = q95 = None
        if posterior:
            result = abc_stage(space, synth, settings, abc_seed, jobs, journal)
            q05 = [weighted_quantile(result.particles[:, j], result.weights, 0.05) for j in range(len(space))]
            q95 = [weighted_quantile(result.particles[:, j], result.weights, 0.95) for j in range(len(space))]
        estimate = np.array([[best[p.path] for p in space.parameters]])
        u_est = space.to_unit(estimate)[0]
        for j, p in enumerate(space.parameters):
            lo = float(q05[j]) if q05 is not None else float("nan")
            hi = float(q95[j]) if q95 is not None else float("nan")
            rows.append(
                {
                    "truth_index": t,
                    "parameter": p.path,
                    "truth": float(truth[p.path]),
                    "estimate": float(best[p.path]),
                    "truth_unit": float(u_true[j]),
                    "estimate_unit": float(u_est[j]),
                    "error_unit": float(u_est[j] - u_true[j]),
                    "posterior_q05": lo,
                    "posterior_q95": hi,
                    "covered": (lo <= truth[p.path] <= hi) if q05 is not None else float("nan"),
                    "targets_used": len(synth),
                    "fit_distance": fit.best_distance,
                }
            )
        error = float(np.mean(np.abs(u_est - u_true)))
        msg = (
            f"recovery {t + 1}/{truths}: mean |error| {error:.3f} of the prior range, "
            f"SMM distance {fit.best_distance:.3f} on {len(synth)} targets"
        )
        log.info(msg)
        if progress:
            progress(msg)
    return pd.DataFrame(rows)


def recovery_summary(table: pd.DataFrame, close: float = 0.1) -> pd.DataFrame:
    """Per parameter: mean absolute error on the unit scale, truths within ``close`` of it, coverage.

    Returns:
        Columns ``parameter``, ``truths``, ``mean_abs_error_unit``, ``within_close``,
        ``coverage`` (share of truths inside the posterior's 90 % interval; NaN without one).
    """
    out = table.groupby("parameter", sort=False).agg(
        truths=("truth_index", "size"),
        mean_abs_error_unit=("error_unit", lambda e: float(np.abs(e).mean())),
        within_close=("error_unit", lambda e: int((np.abs(e) <= close).sum())),
        coverage=("covered", lambda c: float(pd.to_numeric(c, errors="coerce").mean())),
    )
    return out.reset_index()


def recovery_text(table: pd.DataFrame, settings_line: str, close: float = 0.1) -> str:
    """``recovery_report.md``: what was run, and per parameter how well the truth was found."""
    summary = recovery_summary(table, close)
    truths = int(table["truth_index"].nunique())
    covered = pd.to_numeric(table["covered"], errors="coerce")
    close_n = int((table["error_unit"].abs() <= close).sum())
    if covered.notna().any():
        coverage = (
            f" The posterior's 90 % interval holds the truth in {int(covered.sum())} of "
            f"{int(covered.notna().sum())} cases (a calibrated posterior: about 90 %)."
        )
    else:
        coverage = " No posterior was run."
    lines = [
        "# Parameter recovery",
        "",
        f"{truths} parameter sets drawn from the prior; at each, every target simulated and the "
        f"calibration run against those figures exactly as against the cases. {settings_line}",
        "",
        "Error on the prior's unit scale (0 = the truth, 1 = the whole prior range; a guess from "
        f"the prior's middle errs by 0.25 on average). **{close_n} of {len(table)} estimates within "
        f"{close} of the truth**; mean absolute error {table['error_unit'].abs().mean():.3f}.{coverage}",
        "",
        f"| parameter | truths | mean abs. error (prior range) | within {close} | 90 % coverage |",
        "|---|---|---|---|---|",
    ]
    for r in summary.itertuples():
        cov = "–" if np.isnan(r.coverage) else f"{r.coverage:.2f}"
        lines.append(
            f"| {r.parameter} | {r.truths} | {r.mean_abs_error_unit:.3f} | {r.within_close} | {cov} |"
        )
    return "\n".join(lines) + "\n"


def plot_recovery(table: pd.DataFrame, space: ParameterSpace, path: str) -> None:
    """Truth against estimate per parameter, on the unit scale, with the posterior's 90 % interval."""
    names: Sequence[str] = space.names
    cols = 6
    rows = -(-len(names) // cols)
    fig = Figure(figsize=(2.2 * cols, 2.2 * rows))
    for k, name in enumerate(names):
        ax = fig.add_subplot(rows, cols, k + 1)
        sub = table[table["parameter"] == name]
        p = next(q for q in space.parameters if q.path == name)
        if sub["posterior_q05"].notna().any():
            lo = p.to_unit(sub["posterior_q05"].to_numpy(dtype=float))
            hi = p.to_unit(sub["posterior_q95"].to_numpy(dtype=float))
            ax.vlines(sub["truth_unit"], lo, hi, color="tab:gray", lw=1)
        ax.plot([0, 1], [0, 1], color="black", lw=0.5)
        ax.scatter(sub["truth_unit"], sub["estimate_unit"], s=12, color="tab:blue", zorder=3)
        ax.set(xlim=(0, 1), ylim=(0, 1), xticks=[0, 1], yticks=[0, 1])
        ax.set_title(name.split(".", 1)[1], fontsize=7)
    fig.supxlabel("truth (prior's unit scale)")
    fig.supylabel("estimate")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def recovery_study(
    out_dir: str | Path,
    *,
    truths: int,
    cases: Sequence[str] | None = None,
    settings: Settings | None = None,
    posterior: bool = True,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
    resumable: bool = True,
) -> pd.DataFrame:
    """Run :func:`recover` on the shipped space and targets and write its outputs (``--recovery``).

    Writes ``recovery.csv`` (one row per truth and parameter), ``recovery_summary.csv``,
    ``recovery_report.md`` and ``recovery.png`` to ``out_dir``, all or nothing; killed, it resumes
    from its journal like :func:`~raaderum.calibration.calibrate.calibrate`.

    Args:
        out_dir: The output folder.
        truths: Parameter sets to recover.
        cases: Only these cases' targets (default: all).
        settings: The calibration's settings (default: ``Settings()``).
        posterior: Also run the ABC-SMC and check its 90 % interval.
        jobs: Parallel workers (results do not depend on it).
        progress: Called with a line per finished truth.
        resumable: Keep a journal beside ``out_dir``.

    Returns:
        The per-parameter summary.
    """
    settings = settings or Settings()
    space, targets = load_space(), load_targets()
    if cases:
        targets = targets.for_cases(cases)
    with atomic_folder(out_dir, "calibration") as tmp:
        journal = Journal(journal_folder(out_dir), {"code": code_fingerprint()}) if resumable else Journal()
        table = recover(
            space,
            targets,
            truths=truths,
            settings=settings,
            posterior=posterior,
            jobs=jobs,
            journal=journal,
            progress=progress,
        )
        table.to_csv(tmp / "recovery.csv", index=False)
        summary = recovery_summary(table)
        summary.to_csv(tmp / "recovery_summary.csv", index=False)
        line = (
            f"Cases: {', '.join(targets.cases)}. Settings: `{json.dumps(asdict(settings))}`"
            f"{'' if posterior else ', no posterior'}."
        )
        (tmp / "recovery_report.md").write_text(recovery_text(table, line), encoding="utf-8")
        plot_recovery(table, space, str(tmp / "recovery.png"))
    journal.discard()
    return summary
