"""``raaderum calibrate``: point estimate, posterior sample, fit report and leave-one-case-out.

Every stage is seeded from one root seed and its results do not depend on the number of jobs.
A killed calibration resumes: every finished simulation is kept in a journal beside the output
(:mod:`raaderum.calibration.journal`) and the same command reads them back instead of running
them again, writing what an uninterrupted run would have written.
"""

import json
import logging
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from ..sim.files import atomic_folder
from .abc import AbcResult, abc_smc
from .cases import CASES, CaseRun, run_case
from .identify import distance_slices, identifiability, identifiability_text
from .journal import Journal, code_fingerprint, journal_folder
from .objective import abc_distance, case_seeds, measure_targets, replication_seeds
from .refine import Refinement, refine_case_parameters, refinement_table
from .report import markdown_table, plot_case, target_table
from .smm import SmmResult, evaluate, fit_smm, mean_moments
from .space import ParameterSpace, load_space
from .targets import Targets, distance, load_targets

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    """How hard each stage works. The defaults made the shipped parameters.

    Attributes:
        seed: Root seed of every stage.
        trials: SMM parameter sets (``--budget``).
        replications: Common seeds per SMM parameter set.
        batch: SMM parameter sets proposed together (fixed, so results do not depend on jobs).
        abc_population: Particles per ABC generation.
        abc_generations: ABC generations at most.
        abc_max_simulations: Simulations ABC may use in all (each runs every case once).
        posterior_draws: Rows of the saved posterior sample.
        report_replications: Seeds for the fit report at the fitted values; as many seeds, from
            a stream of their own, for the refit after the SMM (:mod:`raaderum.calibration.refine`).
        loo_trials: SMM trials of each leave-one-case-out fit.
        identify_points: Grid points of each parameter's distance slice at the fitted values, on
            the SMM's seeds (:mod:`raaderum.calibration.identify`); 0 skips the slices.
    """

    seed: int = 2026
    trials: int = 160
    replications: int = 2
    batch: int = 8
    abc_population: int = 48
    abc_generations: int = 4
    abc_max_simulations: int = 480
    posterior_draws: int = 200
    report_replications: int = 8
    loo_trials: int = 48
    identify_points: int = 5

    def with_budget(self, budget: int) -> "Settings":
        """Settings scaled to ``budget`` SMM trials (ABC, leave-one-out and slices in proportion)."""
        f = budget / self.trials
        return replace(
            self,
            trials=budget,
            abc_population=max(8, round(self.abc_population * f)),
            abc_max_simulations=max(16, round(self.abc_max_simulations * f)),
            loo_trials=max(4, round(self.loo_trials * f)),
            identify_points=max(2, round(self.identify_points * f)) if self.identify_points else 0,
        )


def shipped_fit_path() -> Path:
    """Path of the shipped fitted parameters, ``calibration/fitted.toml``."""
    return Path(str(resources.files("raaderum.calibration") / "fitted.toml"))


def load_fitted(path: str | Path | None = None) -> dict[str, float]:
    """Fitted parameter values ``{path: value}`` from a ``fitted.toml``."""
    with open(path or shipped_fit_path(), "rb") as f:
        return dict(tomllib.load(f)["parameters"])


def smm_stage(
    space: ParameterSpace,
    targets: Targets,
    settings: Settings,
    seed: int | np.random.SeedSequence,
    jobs: int,
    journal: Journal | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    trials: int | None = None,
    replications: int | None = None,
) -> SmmResult:
    """The SMM as every calibration runs it: from the space's start, ``settings``' trials and batch."""
    return fit_smm(
        space,
        targets,
        trials=settings.trials if trials is None else trials,
        replications=settings.replications if replications is None else replications,
        seed=seed,
        jobs=jobs,
        batch=settings.batch,
        start=space.start(),
        progress=progress,
        journal=journal,
    )


def abc_stage(
    space: ParameterSpace,
    targets: Targets,
    settings: Settings,
    seed: int | np.random.SeedSequence,
    jobs: int,
    journal: Journal | None = None,
    progress: Callable[[str], None] | None = None,
) -> AbcResult:
    """The ABC-SMC as every calibration runs it, with ``settings``' population and budget."""
    return abc_smc(
        partial(abc_distance, space=space, targets=targets),
        space,
        population=settings.abc_population,
        generations=settings.abc_generations,
        seed=seed,
        jobs=jobs,
        max_simulations=settings.abc_max_simulations,
        progress=progress,
        journal=journal,
    )


def report_runs(
    values: Mapping[str, float],
    targets: Targets,
    space: ParameterSpace,
    seeds: Sequence[np.random.SeedSequence],
    jobs: int,
) -> tuple[list[dict[str, float]], dict[str, list[CaseRun]]]:
    """Run each case at ``values`` once per seed; returns the simulated targets per seed and the runs."""
    tasks = [(case, i, s) for case in targets.cases for i, s in enumerate(seeds)]

    def one(case: str, seed: np.random.SeedSequence) -> CaseRun:
        return run_case(CASES[case], values, case_seeds(seed)[case], space)

    runs = (
        Parallel(n_jobs=jobs)(delayed(one)(c, s) for c, _, s in tasks)
        if jobs > 1
        else [one(c, s) for c, _, s in tasks]
    )
    by_case: dict[str, list[CaseRun]] = {}
    per_seed: list[dict[str, float]] = [{} for _ in seeds]
    for (case, i, _), cr in zip(tasks, runs, strict=True):
        by_case.setdefault(case, []).append(cr)
        per_seed[i].update(measure_targets(cr, targets))
        per_seed[i].update(measure_targets(cr, targets.checks_only()))
    return per_seed, by_case


def leave_one_out(
    space: ParameterSpace,
    targets: Targets,
    settings: Settings,
    jobs: int,
    progress: Callable[[str], None] | None,
    journal: Journal | None = None,
) -> pd.DataFrame:
    """For each case: fit on the others, predict the held-out case's targets; one row per target."""
    rows = []
    seeds = replication_seeds(settings.seed + 1, settings.report_replications)
    for held in targets.cases:
        others = targets.for_cases([c for c in targets.cases if c != held])
        fit = smm_stage(
            space,
            others,
            settings,
            settings.seed,
            jobs,
            journal,
            progress,
            trials=settings.loo_trials,
            replications=1,
        )
        held_targets = targets.for_cases([held])
        runs = [mean_moments([r]) for r in evaluate([fit.best], held_targets, space, seeds, jobs, journal)[0]]
        table = target_table(held_targets, runs)
        table.insert(0, "held_out", held)
        table["distance_held_out"] = distance(held_targets, mean_moments(runs))
        rows.append(table)
        if progress:
            progress(f"leave-one-out: {held} held out, distance {table['distance_held_out'].iloc[0]:.2f}")
    return pd.concat(rows, ignore_index=True)


def calibrate(
    out_dir: str | Path,
    *,
    cases: Sequence[str] | None = None,
    settings: Settings = Settings(),
    jobs: int = 1,
    loo: bool = False,
    posterior: bool = True,
    progress: Callable[[str], None] | None = None,
    resumable: bool = True,
) -> dict[str, Any]:
    """Run the calibration and write its outputs to ``out_dir`` (all or nothing).

    With ``resumable`` (the default), every finished simulation is appended to a journal beside
    ``out_dir`` (:func:`~raaderum.calibration.journal.journal_folder`); if the run is killed, the
    same call reads them back and gives the same outputs as an uninterrupted run. The journal is
    deleted once the outputs are in place.

    The point estimate is the SMM's, with each parameter that moves only some cases' runs
    (case-limited, acting in some cases only, or a case's own value) then refitted to those
    cases' targets alone (:mod:`raaderum.calibration.refine`).

    Writes ``fitted.toml``, ``posterior.parquet`` (columns = parameter paths, usable as an
    experiment's ``[[uncertain]] posterior``), ``smm_trials.csv``, ``refine_trials.csv``,
    ``abc_particles.csv``, ``identify_slices.csv``, ``identifiability.csv``, ``fit_targets.csv``,
    ``fit_report.md``, one ``fit_<case>.png`` per case
    and, with ``loo``,
    ``loo_targets.csv`` and ``loo_report.md``.

    Returns:
        A summary: fitted values, distance, targets within tolerance, and ``resumed``, the
        simulations read from a journal instead of run.

    Raises:
        JournalMismatchError: The journal beside ``out_dir`` is another calibration's (other code).
    """
    space, targets = load_space(), load_targets()
    if cases:
        unknown = [c for c in cases if c not in CASES]
        if unknown:
            raise ValueError(f"unknown case(s) {', '.join(unknown)}; valid: {', '.join(CASES)}")
        targets = targets.for_cases(cases)
    with atomic_folder(out_dir, "calibration") as tmp:
        journal = Journal(journal_folder(out_dir), {"code": code_fingerprint()}) if resumable else Journal()
        fit = smm_stage(space, targets, settings, settings.seed, jobs, journal, progress)
        fit.trials.to_csv(tmp / "smm_trials.csv", index=False)
        best, refinements = refine_case_parameters(
            fit.best,
            space,
            targets,
            replication_seeds(settings.seed + 2, settings.report_replications),
            jobs,
            progress,
            journal=journal,
        )
        refinement_table(refinements).to_csv(tmp / "refine_trials.csv", index=False)
        best_distance = fit.best_distance
        smm_seeds = replication_seeds(settings.seed, settings.replications)
        if best != fit.best:  # the SMM's distance, on its own seeds, at the refined values
            runs = evaluate([best], targets, space, smm_seeds, jobs, journal)[0]
            best_distance = distance(targets, mean_moments(runs))
        slices = None
        if settings.identify_points:
            slices = distance_slices(best, space, targets, smm_seeds, jobs, settings.identify_points, journal)
            slices.to_csv(tmp / "identify_slices.csv", index=False)
            msg = f"distance slices: {len(slices)} points on {settings.replications} seeds"
            log.info(msg)
            if progress:
                progress(msg)
        abc_summary = None
        particles, weights = None, None
        if posterior:
            result = abc_stage(space, targets, settings, settings.seed, jobs, journal, progress)
            result.table().to_csv(tmp / "abc_particles.csv", index=False)
            result.posterior_sample(settings.posterior_draws, settings.seed).to_parquet(
                tmp / "posterior.parquet", index=False
            )
            abc_summary = result.summary()
            abc_summary.to_csv(tmp / "posterior_summary.csv")
            particles, weights = result.table()[space.names], result.weights
        identified = None
        if slices is not None:
            identified = identifiability(slices, space, targets, particles, weights)
            identified.to_csv(tmp / "identifiability.csv", index=False)
        seeds = replication_seeds(settings.seed + 1, settings.report_replications)
        per_seed, by_case = report_runs(best, targets, space, seeds, jobs)
        table = target_table(targets, per_seed)
        table.to_csv(tmp / "fit_targets.csv", index=False)
        checks = target_table(targets.checks_only(), per_seed) if targets.checks else None
        if checks is not None:
            checks.to_csv(tmp / "fit_checks.csv", index=False)
        for case, case_runs in by_case.items():
            plot_case(case, case_runs, tmp / f"fit_{case}.png")
        loo_table = None
        if loo:
            loo_table = leave_one_out(space, targets, settings, jobs, progress, journal)
            loo_table.to_csv(tmp / "loo_targets.csv", index=False)
        _write_fitted(tmp / "fitted.toml", best, best_distance, settings, targets)
        (tmp / "fit_report.md").write_text(
            _report_text(
                space,
                targets,
                best,
                best_distance,
                table,
                abc_summary,
                settings,
                refinements,
                checks,
                identified,
            ),
            encoding="utf-8",
        )
        if loo_table is not None:
            (tmp / "loo_report.md").write_text(_loo_text(loo_table, table), encoding="utf-8")
    journal.discard()  # the outputs are in place
    return {
        "fitted": best,
        "distance": best_distance,
        "targets": len(table),
        "within": int(table["within"].sum()),
        "resumed": journal.resumed,
    }


def shipped_posterior_path() -> Path:
    """Path of the shipped posterior sample, ``calibration/posterior.parquet``."""
    return Path(str(resources.files("raaderum.calibration") / "posterior.parquet"))


def identify_shipped(
    out_dir: str | Path,
    *,
    cases: Sequence[str] | None = None,
    settings: Settings = Settings(),
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
    resumable: bool = True,
) -> pd.DataFrame:
    """Which parameters the targets pin down, at the shipped fit and posterior (``--identify``).

    Runs the distance slices of :mod:`raaderum.calibration.identify` at ``calibration/fitted.toml``
    on the SMM's seeds of ``settings`` and judges them with ``calibration/posterior.parquet``;
    writes ``identify_slices.csv``, ``identifiability.csv`` and ``identifiability.md`` to
    ``out_dir`` (all or nothing; resumable like :func:`calibrate`).

    Returns:
        The identifiability table.
    """
    space, targets = load_space(), load_targets()
    if cases:
        targets = targets.for_cases(cases)
    points = settings.identify_points or Settings().identify_points
    with atomic_folder(out_dir, "calibration") as tmp:
        journal = Journal(journal_folder(out_dir), {"code": code_fingerprint()}) if resumable else Journal()
        seeds = replication_seeds(settings.seed, settings.replications)
        slices = distance_slices(load_fitted(), space, targets, seeds, jobs, points, journal)
        slices.to_csv(tmp / "identify_slices.csv", index=False)
        posterior = pd.read_parquet(shipped_posterior_path())
        identified = identifiability(slices, space, targets, posterior)
        identified.to_csv(tmp / "identifiability.csv", index=False)
        lines = [
            "# Identifiability at the shipped fit",
            "",
            "`raaderum calibrate --identify` at `calibration/fitted.toml`, cases "
            f"{', '.join(targets.cases)}, {points} points per parameter on {settings.replications} "
            f"seeds (root seed {settings.seed}), "
            "judged with the shipped posterior sample (`calibration/posterior.parquet`).",
            "",
            *identifiability_text(identified),
        ]
        (tmp / "identifiability.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        if progress:
            progress(f"distance slices: {len(slices)} points on {settings.replications} seeds")
    journal.discard()
    return identified


def _write_fitted(
    path: Path, best: Mapping[str, float], d: float, settings: Settings, targets: Targets
) -> None:
    lines = [
        "# Fitted parameters: the SMM point estimate of `raaderum calibrate` (calibration/calibrate.py).",
        f"# Settings: {json.dumps(asdict(settings))}",
        f"# Cases: {', '.join(targets.cases)}",
        f"distance = {d!r}",
        "",
        "[parameters]",
    ]
    lines += [f'"{k}" = {v!r}' for k, v in best.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _report_text(
    space: ParameterSpace,
    targets: Targets,
    best: Mapping[str, float],
    d: float,
    table: pd.DataFrame,
    abc_summary: pd.DataFrame | None,
    settings: Settings,
    refinements: Sequence[Refinement] = (),
    checks: pd.DataFrame | None = None,
    identified: pd.DataFrame | None = None,
) -> str:
    out = [
        "# Calibration fit report",
        "",
        f"Cases: {', '.join(targets.cases)}. Settings: `{json.dumps(asdict(settings))}`.",
        f"SMM distance at the fitted values: {d:.3f} "
        "(0 = every target hit exactly; 1 = one tolerance off on average).",
        "",
    ]
    own_keys = {p.key for p in space.own_values}
    acting = {p.path for p in space.parameters if p.acts_in}
    for r in refinements:
        if r.path in own_keys:
            what = (
                f"`{r.path}` is {', '.join(r.cases)}'s own value of a shared parameter (same prior; "
                "it starts at the shared value) and was fitted to that case's targets"
            )
        elif r.path in acting:
            what = (
                f"`{r.path}` acts only in {', '.join(r.cases)} (its lever is on in no other case) "
                "and was refitted to those cases' targets"
            )
        else:
            what = f"`{r.path}` is limited to {', '.join(r.cases)} and was refitted to those targets"
        out += [
            f"{what} alone after the SMM, on {settings.report_replications} seeds of its own "
            f"(`raaderum.calibration.refine`, `refine_trials.csv`): {r.before:.4g} -> {r.after:.4g}, "
            f"distance of those targets {r.distance_before:.3f} -> {r.distance_after:.3f}.",
            "",
        ]
    out += [
        f"**{int(table['within'].sum())} of {len(table)} targets within tolerance** "
        f"(simulated mean over {settings.report_replications} replications at the fitted values; "
        "the 90 % interval is over those replications).",
        "",
        markdown_table(table),
        "",
        "## Fitted parameters",
        "",
        "| parameter | fitted | bounds | prior | posterior mean | posterior 90 % | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in space.parameters:
        post = ""
        if abc_summary is not None and p.path in abc_summary.index:
            s = abc_summary.loc[p.path]
            post = f"{s['mean']:.4g} | {s['q05']:.4g} – {s['q95']:.4g}"
        else:
            post = " | "
        out.append(
            f"| {p.path} | {best[p.path]:.4g} | {p.low:g} – {p.high:g} | {p.prior} | {post} | {p.meaning} |"
        )
    for p in space.own_values:
        if p.key in best:  # fitted only where its case has targets
            out.append(
                f"| {p.key} | {best[p.key]:.4g} | {p.low:g} – {p.high:g} | {p.prior} (shared) | | | "
                f"{p.meaning} |"
            )
    unmet = table[~table["within"]]
    if len(unmet):
        out += ["", "## Targets not met", ""]
        for r in unmet.itertuples():
            out.append(f"- **{r.target}** ({r.description}): {r.unmet_reason or 'no reason recorded yet'}")
    if checks is not None and len(checks):
        out += [
            "",
            "## Checks: published figures outside the fit",
            "",
            f"Measured on the same {settings.report_replications} replications, never in the distance "
            "(`[[check]]` in `calibration/targets.toml`). "
            f"**{int(checks['within'].sum())} of {len(checks)} within tolerance.**",
            "",
            markdown_table(checks),
            "",
        ]
        out += [
            f"- **{r.target}**: {c.note or 'no note'}"
            for r, c in zip(checks.itertuples(), targets.checks, strict=True)
        ]
    if identified is not None:
        out += ["", *identifiability_text(identified)]
    out += ["", "## Figures the model does not produce", ""]
    out += [f"- {n.figure}: {n.reason}" for n in targets.not_modelled]
    out += ["", "Plots: " + ", ".join(f"`fit_{c}.png`" for c in targets.cases), ""]
    return "\n".join(out)


def _loo_text(loo: pd.DataFrame, full: pd.DataFrame) -> str:
    merged = loo.merge(full[["target", "error_tolerances"]], on="target", suffixes=("", "_in_sample"))
    out = [
        "# Leave-one-case-out report",
        "",
        "Each case is held out in turn: the parameters are fitted to the other cases only, then the held-out "
        "case's targets are predicted. The error is in tolerances (simulated − reported) / tolerance, beside "
        "the in-sample error of the fit to all cases.",
        "",
        "| held out | target | reported | predicted | error (tol.) | in-sample error | within |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in merged.itertuples():
        out.append(
            f"| {r.held_out} | {r.target} | {r.reported:g} | {r.simulated_mean:.4g} | "
            f"{r.error_tolerances:+.2f} | {r.error_tolerances_in_sample:+.2f} | "
            f"{'yes' if r.within else 'no'} |"
        )
    summary = merged.groupby("held_out").agg(
        within=("within", "sum"),
        targets=("within", "size"),
        mean_abs_error=("error_tolerances", lambda e: e.abs().mean()),
    )
    out += ["", "| held out | within / targets | mean abs. error (tol.) |", "|---|---|---|"]
    out += [
        f"| {c} | {int(r.within)} / {int(r.targets)} | {r.mean_abs_error:.2f} |"
        for c, r in summary.iterrows()
    ]
    return "\n".join(out) + "\n"
