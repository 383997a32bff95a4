"""Point estimate by the simulated method of moments, minimised with optuna.

For a parameter set, every case is run with the same ``replications`` seeds (common random
numbers, so two parameter sets differ by their effect, not by luck of the draw); the simulated
targets are averaged over the replications, and the distance is the weighted mean squared miss
in tolerances (:func:`raaderum.calibration.targets.distance`).

optuna's TPE sampler proposes parameter sets in batches of fixed size (ask), joblib evaluates a
batch's runs in parallel, and the results are told back in order. The batch size does not
depend on the number of jobs, so the same seed gives the same trials on 1 or 2 or 16 cores.
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import optuna
import pandas as pd
from joblib import Parallel

from ..sim.streams import fresh_seed_sequence
from .journal import Journal, task_key
from .objective import replication_seeds, simulate
from .space import ParameterSpace
from .targets import Targets, distance

log = logging.getLogger(__name__)


@dataclass
class SmmResult:
    """Outcome of a simulated-method-of-moments fit.

    Attributes:
        best: Fitted parameter values ``{name: value}``.
        best_distance: Distance at the fitted values.
        trials: One row per trial: its number, parameter values and distance.
        simulated: Mean simulated value of every target at the fitted values.
    """

    best: dict[str, float]
    best_distance: float
    trials: pd.DataFrame
    simulated: dict[str, float]


def mean_moments(runs: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Mean of each target over replications (NaN replications left out; NaN if all are)."""
    out = {}
    for k in runs[0]:
        values = np.array([r[k] for r in runs], dtype=float)
        finite = values[~np.isnan(values)]
        out[k] = float(finite.mean()) if finite.size else float("nan")
    return out


def evaluate(
    rows: list[dict[str, float]],
    targets: Targets,
    space: ParameterSpace,
    seeds: list[np.random.SeedSequence],
    jobs: int,
    journal: Journal | None = None,
) -> list[list[dict[str, float]]]:
    """Simulated targets of each parameter row, one dict per replication seed (parallel over both).

    With a ``journal``, replications it holds are read, not run, and new ones are added to it.
    """
    calls = [(row, targets, s, space) for row in rows for s in seeds]
    keys = [moments_key(row, s, targets) for row, _, s, _ in calls]
    parallel = Parallel(n_jobs=jobs, return_as="generator") if jobs > 1 else None
    flat = (journal if journal is not None else Journal()).map(simulate, calls, keys, parallel)
    r = len(seeds)
    return [flat[i * r : (i + 1) * r] for i in range(len(rows))]


def moments_key(values: Mapping[str, float], seed: np.random.SeedSequence, targets: Targets) -> str:
    """Journal key of one replication: parameter values, seed and the targets measured."""
    return task_key("moments", values, seed, [t.id for t in targets])


def _suggest(trial: optuna.Trial, space: ParameterSpace) -> dict[str, float]:
    return {
        p.path: trial.suggest_float(p.path, p.low, p.high, log=p.prior == "loguniform")
        for p in space.parameters
    }


def fit_smm(
    space: ParameterSpace,
    targets: Targets,
    *,
    trials: int,
    replications: int,
    seed: int | np.random.SeedSequence,
    jobs: int = 1,
    batch: int = 8,
    start: Mapping[str, float] | None = None,
    progress: Callable[[str], None] | None = None,
    journal: Journal | None = None,
) -> SmmResult:
    """Minimise the SMM distance over ``space`` with optuna's TPE sampler.

    Args:
        space: The parameters to fit.
        targets: The targets (only their cases are run).
        trials: Parameter sets to evaluate.
        replications: Common seeds per parameter set.
        seed: Seeds the sampler and the replications. An int ``n`` gives the sampler seed ``n``
            and the replications ``SeedSequence(n).spawn(replications)``; a SeedSequence gives
            its first two children: the sampler's (its 32-bit state) and the replications' parent.
        jobs: Parallel workers (results do not depend on it).
        batch: Parameter sets proposed and evaluated together.
        start: Parameter values evaluated first (e.g. the current defaults).
        progress: Called with a line after each batch.
        journal: Replications already run (a resumed calibration) and where to record new ones.

    optuna logs every trial at INFO level on its own logger; the command line quiets it, this
    function leaves logging as it finds it.
    """
    if isinstance(seed, np.random.SeedSequence):
        sampler_seq, replication_seq = fresh_seed_sequence(seed).spawn(2)
        sampler_seed = int(sampler_seq.generate_state(1)[0])
        seeds = fresh_seed_sequence(replication_seq).spawn(replications)
    else:
        sampler_seed, seeds = seed, replication_seeds(seed, replications)
    sampler = optuna.samplers.TPESampler(
        seed=sampler_seed, multivariate=True, constant_liar=True, n_startup_trials=min(2 * batch, trials)
    )
    study = optuna.create_study(direction="minimize", sampler=sampler)
    if start:
        study.enqueue_trial({p.path: float(np.clip(start[p.path], p.low, p.high)) for p in space.parameters})
    records: list[dict[str, float]] = []
    moments: dict[int, dict[str, float]] = {}
    done = 0
    while done < trials:
        asked = [study.ask() for _ in range(min(batch, trials - done))]
        rows = [_suggest(t, space) for t in asked]
        for trial, row, runs in zip(
            asked, rows, evaluate(rows, targets, space, seeds, jobs, journal), strict=True
        ):
            means = mean_moments(runs)
            d = distance(targets, means)
            study.tell(trial, d)
            moments[trial.number] = means
            records.append({"trial": trial.number, **row, "distance": d})
        done += len(asked)
        msg = f"SMM {done}/{trials} trials, best distance {study.best_value:.3f}"
        log.info(msg)
        if progress:
            progress(msg)
    best = study.best_trial
    assert best.value is not None  # every trial is told its distance
    return SmmResult(
        best={p.path: float(best.params[p.path]) for p in space.parameters},
        best_distance=float(best.value),
        trials=pd.DataFrame(records),
        simulated=moments[best.number],
    )
