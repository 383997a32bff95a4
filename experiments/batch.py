"""Run a batch experiment in parallel with joblib, on this machine (loky) or a dask cluster.

Seeds are spawned before dispatch (:mod:`raaderum.experiments.design`), so the results do not depend on
the backend, the number of workers or the order in which tasks finish. Results go to a
:class:`~raaderum.experiments.store.ResultStore` as each task finishes; running the same batch again
skips the finished tasks and retries the failed ones.
"""

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joblib import Parallel, delayed, parallel_config
from tqdm.auto import tqdm

from ..sim.errors import ScenarioError
from ..sim.resources import check_fits
from ..sim.scenario import Scenario
from .design import Task, design_table, tasks
from .outcomes import TaskResult, run_task
from .spec import ExperimentSpec, Outcomes
from .store import ResultStore, base_manifest

log = logging.getLogger(__name__)

BACKENDS = ("loky", "dask")
#: Seconds to wait for a dask scheduler before giving up.
CONNECT_TIMEOUT_S = 10
#: How often a worker checks that the batch that started it is still alive.
WATCH_INTERVAL_S = 0.5
_watching = threading.Event()


class BackendError(ScenarioError):
    """The parallel backend cannot be used (a dask scheduler that does not answer)."""


def watch_parent(supervisor: int) -> None:
    """In a worker process started by the batch process ``supervisor``: exit when it is gone.

    A batch killed with SIGKILL cannot stop its workers, and idle loky workers would otherwise
    live on for minutes, holding the terminal or the pipe the batch printed to. Each worker
    that is a direct child of the batch watches its parent from a daemon thread and exits as
    soon as it has been re-parented. Does nothing in the batch process itself or in a worker
    of a remote cluster (whose parent is not the batch).
    """
    if os.getpid() == supervisor or os.getppid() != supervisor or _watching.is_set():
        return
    _watching.set()

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(WATCH_INTERVAL_S)
        os._exit(1)

    threading.Thread(target=watch, name="raaderum-watch-parent", daemon=True).start()


def _run_in_worker(
    supervisor: int, task: Task, scenarios: dict[str, Scenario], outcomes: Outcomes
) -> TaskResult:
    """:func:`~raaderum.experiments.outcomes.run_task` in a worker that ends with its batch."""
    watch_parent(supervisor)
    return run_task(task, scenarios, outcomes)


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
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            raise BackendError(
                "--scheduler",
                f"no dask scheduler answers at {scheduler} within {CONNECT_TIMEOUT_S} s ({exc})",
            ) from None
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
        ResourceLimitError: ``jobs`` runs at once would not fit in this machine's memory.
        BackendError: The dask scheduler does not answer (nothing is written then).
        StoreMismatchError: ``out`` holds another experiment's results, or other files.
        StoreLockedError: Another batch is running on ``out``.
        WriteFailedError: ``out`` cannot be made (nothing is left then).
        OSError: Writing a result failed (a full disk); finished tasks are kept and a rerun resumes.
    """
    for scenario in (spec.base, *spec.strategies.values()):
        check_fits(scenario, runs_at_once=jobs)
    manifest = base_manifest(spec)
    table = design_table(spec)
    everything = tasks(spec, table)
    keys = [
        {"task": t.task, "point": t.point, "cycle": t.cycle, "replication": t.replication} for t in everything
    ]
    # The backend first: a scheduler that does not answer is reported before anything is written.
    with _parallel(backend, jobs, scheduler) as parallel:
        store = ResultStore.create_or_resume(out, manifest["spec_hash"], manifest)
        try:
            manifest["created"] = store.manifest().get("created", manifest["created"])
            store.write_design(table)
            done = store.finished()
            todo = [t for t in everything if t.task not in done]
            log.info(
                "%s: %d tasks, %d already finished, %d to run",
                spec.name,
                len(everything),
                len(done),
                len(todo),
            )
            store.write_manifest(manifest, len(everything), keys)

            def gathered() -> None:
                store.write_manifest(manifest, len(everything), keys)

            finished = _run_tasks(spec, todo, store, parallel, progress, chunk_size, gathered)
            failures = store.failures()
        finally:
            store.close()
    return BatchSummary(
        out=store.root,
        n_tasks=len(everything),
        skipped=len(everything) - len(todo),
        finished=finished,
        failures=failures,
    )


def _run_tasks(
    spec: ExperimentSpec,
    todo: list[Task],
    store: ResultStore,
    parallel: Parallel,
    progress: bool | None,
    chunk_size: int,
    gathered: Callable[[], None],
) -> int:
    """Run ``todo`` in parallel, storing each result as it arrives; returns the number finished.

    ``gathered`` is called whenever pending results have been gathered into a chunk, and at the
    end, however the loop ends (the manifest is rewritten then).
    """
    if not todo:
        return 0
    supervisor = os.getpid()
    calls = (
        delayed(_run_in_worker)(supervisor, t, spec.scenarios_at(t.values, t.cycle), spec.outcomes)
        for t in todo
    )
    bar = tqdm(
        total=len(todo), unit="task", desc=spec.name, disable=None if progress is None else not progress
    )
    finished = 0
    try:
        for result in parallel(calls):
            store.add(result)
            bar.update()
            if result.ok:
                finished += 1
            else:
                log.warning("task %d failed: %s", result.task.task, result.error)
            if store.pending_count() >= chunk_size:
                store.compact()
                gathered()
    finally:
        bar.close()
        store.compact()
        gathered()
    return finished
