"""Run a batch experiment in parallel with joblib, on this machine (loky) or a dask cluster.

Seeds are spawned before dispatch (:mod:`experiments.design`), so the results do not depend on
the backend, the number of workers or the order in which tasks finish. Results go to a
:class:`~experiments.store.ResultStore` as each task finishes; running the same batch again
skips the finished tasks and retries the failed ones.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joblib import Parallel, delayed, parallel_config
from tqdm.auto import tqdm

from experiments.design import design_table, tasks
from experiments.outcomes import run_task
from experiments.spec import ExperimentSpec
from experiments.store import ResultStore, base_manifest

log = logging.getLogger(__name__)

BACKENDS = ("loky", "dask")


@dataclass
class BatchSummary:
    """What a batch did.

    Attributes:
        out: The result folder.
        n_tasks: Tasks in the batch.
        skipped: Tasks already finished by an earlier call.
        finished: Tasks finished by this call.
        failures: Failure records (task, design values, error) of tasks that did not finish.
    """

    out: Path
    n_tasks: int
    skipped: int
    finished: int
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every task has finished."""
        return not self.failures


@contextmanager
def _parallel(backend: str, jobs: int, scheduler: str | None) -> Iterator[Parallel]:
    """A joblib ``Parallel`` on the chosen backend, yielding results as tasks finish."""
    if backend == "loky":
        yield Parallel(n_jobs=jobs, backend="loky", return_as="generator_unordered", batch_size=1)
        return
    if backend != "dask":
        raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    from dask.distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler)
        cluster = None
    else:
        cluster = LocalCluster(
            n_workers=jobs,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
    log.info("dask cluster: %s", client)
    try:
        with parallel_config(backend="dask"):
            yield Parallel(n_jobs=-1, return_as="generator_unordered", batch_size=1)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_batch(
    spec: ExperimentSpec,
    out: str | Path,
    *,
    jobs: int = 1,
    backend: str = "loky",
    scheduler: str | None = None,
    progress: bool | None = None,
    chunk_size: int = 64,
) -> BatchSummary:
    """Run every unfinished task of the experiment and store the results in ``out``.

    Args:
        spec: The validated experiment.
        out: Result folder; made if missing, resumed if it holds this experiment.
        jobs: Worker processes (loky), or workers of the local dask cluster.
        backend: ``loky`` (this machine) or ``dask`` (dask.distributed).
        scheduler: Address of a running dask scheduler; without it a local cluster is started.
        progress: Show a progress bar; None shows it only on a terminal.
        chunk_size: Finished tasks gathered into one Parquet chunk.

    Raises:
        StoreMismatchError: ``out`` holds another experiment's results.
    """
    manifest = base_manifest(spec)
    store = ResultStore.create_or_resume(out, manifest["spec_hash"], manifest)
    manifest["created"] = store.manifest().get("created", manifest["created"])
    table = design_table(spec)
    store.write_design(table)
    everything = tasks(spec, table)
    keys = [
        {"task": t.task, "point": t.point, "cycle": t.cycle, "replication": t.replication} for t in everything
    ]
    done = store.finished()
    todo = [t for t in everything if t.task not in done]
    log.info("%s: %d tasks, %d already finished, %d to run", spec.name, len(everything), len(done), len(todo))
    store.write_manifest(manifest, len(everything), keys)
    finished = 0
    if todo:
        calls = (delayed(run_task)(t, spec.scenarios_at(t.values, t.cycle), spec.outcomes) for t in todo)
        bar = tqdm(
            total=len(todo), unit="task", desc=spec.name, disable=None if progress is None else not progress
        )
        try:
            with _parallel(backend, jobs, scheduler) as parallel:
                for result in parallel(calls):
                    store.add(result)
                    bar.update()
                    if result.ok:
                        finished += 1
                    else:
                        log.warning("task %d failed: %s", result.task.task, result.error)
                    if store.pending_count() >= chunk_size:
                        store.compact()
                        store.write_manifest(manifest, len(everything), keys)
        finally:
            bar.close()
            store.compact()
            store.write_manifest(manifest, len(everything), keys)
    return BatchSummary(
        out=store.root,
        n_tasks=len(everything),
        skipped=len(everything) - len(todo),
        finished=finished,
        failures=store.failures(),
    )
