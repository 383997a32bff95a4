"""The result store of a batch: a folder that survives being killed at any moment.

Layout of the folder::

    manifest.json            spec, spec hash, package version, root seed, status of every task
    design.parquet           the design points (values of the uncertain factors)
    runs/part-000000.parquet one row per run, written in chunks
    weekly/part-000000.parquet weekly series per run (when the spec stores them)
    pending/                 finished tasks not yet gathered into a chunk (one file per task)
    failed/                  one JSON record per failed task: parameters, error and traceback

Every file is written under a temporary name starting with ``.`` and renamed into place, so a
file is either whole or absent. A task counts as finished once its runs file exists (in a chunk
or in ``pending/``); its weekly file is written first. Gathering pending files into a chunk
writes the chunk, then deletes the pending files; a task found in both is kept once. So a batch
killed at any moment loses only the tasks in flight, and nothing is duplicated.
"""

import json
import logging
import os
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from experiments.outcomes import TaskResult
from sim import __version__
from sim.errors import ScenarioError

if TYPE_CHECKING:
    from experiments.spec import ExperimentSpec

log = logging.getLogger(__name__)

PART = re.compile(r"^part-(\d{6})\.parquet$")
PENDING = re.compile(r"^task-(\d+)\.runs\.parquet$")


class StoreMismatchError(ScenarioError):
    """The output folder holds something else than this experiment's results."""


def atomic_write(path: Path, write: Any) -> None:
    """Call ``write(tmp_path)`` and rename the temporary file to ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_json(path: Path, data: Any) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8"))


def _write_parquet(path: Path, frame: pd.DataFrame) -> None:
    atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def _read_parts(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("part-*.parquet") if PART.match(p.name))


class ResultStore:
    """A batch's output folder.

    Args:
        root: The folder.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / "runs"
        self.weekly_dir = self.root / "weekly"
        self.pending_dir = self.root / "pending"
        self.failed_dir = self.root / "failed"

    @classmethod
    def create_or_resume(cls, root: str | Path, digest: str, manifest: dict[str, Any]) -> "ResultStore":
        """Open the folder for a batch with spec hash ``digest``; make it if it does not exist.

        Raises:
            StoreMismatchError: The folder holds another experiment's results, or other files.
        """
        store = cls(root)
        path = store.root / "manifest.json"
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            if old.get("spec_hash") != digest:
                raise StoreMismatchError(
                    "--out",
                    f"{store.root} holds results of another experiment (spec hash "
                    f"{str(old.get('spec_hash'))[:12]}, this one {digest[:12]}); choose another folder",
                )
        elif store.root.exists() and any(store.root.iterdir()):
            raise StoreMismatchError("--out", f"{store.root} exists and is not a raaderum batch folder")
        for folder in (store.runs_dir, store.weekly_dir, store.pending_dir, store.failed_dir):
            folder.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _write_json(path, manifest)
        store.compact()
        return store

    # -- what is there -------------------------------------------------------------------------

    def _chunk_tasks(self) -> set[int]:
        tasks: set[int] = set()
        for part in _read_parts(self.runs_dir):
            tasks.update(pd.read_parquet(part, columns=["task"])["task"].tolist())
        return tasks

    def _pending(self) -> dict[int, Path]:
        out = {}
        for p in self.pending_dir.glob("task-*.runs.parquet"):
            m = PENDING.match(p.name)
            if m:
                out[int(m.group(1))] = p
        return out

    def finished(self) -> set[int]:
        """Tasks whose results are stored."""
        return self._chunk_tasks() | set(self._pending())

    def failures(self) -> list[dict[str, Any]]:
        """Failure records of tasks that have not since finished."""
        done = self.finished()
        records = [
            json.loads(p.read_text(encoding="utf-8")) for p in sorted(self.failed_dir.glob("task-*.json"))
        ]
        return [r for r in records if r["task"] not in done]

    # -- writing -------------------------------------------------------------------------------

    def add(self, result: TaskResult) -> None:
        """Store one task's result (or its failure) at once, atomically."""
        name = f"task-{result.task.task:06d}"
        if not result.ok:
            record = {
                "task": result.task.task,
                "point": result.task.point,
                "cycle": result.task.cycle,
                "replication": result.task.replication,
                "seed_index": result.task.seed_index,
                "values": result.task.values,
                "error": result.error,
                "traceback": result.traceback,
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            _write_json(self.failed_dir / f"{name}.json", record)
            return
        if result.weekly is not None:
            _write_parquet(self.pending_dir / f"{name}.weekly.parquet", result.weekly)
        _write_parquet(self.pending_dir / f"{name}.runs.parquet", pd.DataFrame(result.rows))
        (self.failed_dir / f"{name}.json").unlink(missing_ok=True)

    def pending_count(self) -> int:
        """Finished tasks not yet gathered into a chunk."""
        return len(self._pending())

    def compact(self) -> None:
        """Gather pending task files into the next chunk, then delete them.

        Safe to interrupt at any point: see the module docstring. Also removes temporary files
        left by a killed writer.
        """
        for tmp in self.root.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)
        pending = self._pending()
        if not pending:
            return
        in_chunks = self._chunk_tasks()
        fresh = {t: p for t, p in sorted(pending.items()) if t not in in_chunks}
        if fresh:
            parts = _read_parts(self.runs_dir)
            index = int(PART.match(parts[-1].name).group(1)) + 1 if parts else 0
            weekly_files = [self._weekly_file(p) for p in fresh.values()]
            weekly = [pd.read_parquet(w) for w in weekly_files if w.exists()]
            name = f"part-{index:06d}.parquet"
            if weekly:
                _write_parquet(self.weekly_dir / name, pd.concat(weekly, ignore_index=True))
            runs = pd.concat([pd.read_parquet(p) for p in fresh.values()], ignore_index=True)
            _write_parquet(self.runs_dir / name, runs)
            log.info("gathered %d tasks into %s", len(fresh), name)
        for path in pending.values():
            self._weekly_file(path).unlink(missing_ok=True)
            path.unlink(missing_ok=True)

    @staticmethod
    def _weekly_file(runs_file: Path) -> Path:
        return runs_file.with_name(runs_file.name.replace(".runs.", ".weekly."))

    def write_manifest(self, manifest: dict[str, Any], n_tasks: int, task_keys: Iterable[dict]) -> None:
        """Rewrite the manifest with the status of every task (done, failed or pending)."""
        done = self.finished()
        failed = {r["task"] for r in self.failures()}
        status = []
        for key in task_keys:
            t = key["task"]
            status.append({**key, "status": "done" if t in done else "failed" if t in failed else "pending"})
        counts = {s: sum(1 for r in status if r["status"] == s) for s in ("done", "failed", "pending")}
        _write_json(
            self.root / "manifest.json",
            {**manifest, "n_tasks": n_tasks, "counts": counts, "updated": _now(), "tasks": status},
        )

    def manifest(self) -> dict[str, Any]:
        """The manifest as last written."""
        return json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))

    # -- reading -------------------------------------------------------------------------------

    def read_runs(self) -> pd.DataFrame:
        """Every stored run, one row each, sorted by task and strategy order."""
        frames = [pd.read_parquet(p) for p in _read_parts(self.runs_dir)]
        frames += [pd.read_parquet(p) for _, p in sorted(self._pending().items())]
        if not frames:
            return pd.DataFrame()
        runs = pd.concat(frames, ignore_index=True).drop_duplicates(["task", "strategy"], keep="first")
        return runs.sort_values("task", kind="stable").reset_index(drop=True)

    def read_weekly(self) -> pd.DataFrame:
        """Weekly series of every stored run (empty when the batch did not store them)."""
        done = self.finished()
        frames = [pd.read_parquet(p) for p in _read_parts(self.weekly_dir)]
        frames += [
            pd.read_parquet(self._weekly_file(p))
            for _, p in sorted(self._pending().items())
            if self._weekly_file(p).exists()
        ]
        if not frames:
            return pd.DataFrame()
        weekly = pd.concat(frames, ignore_index=True)
        weekly = weekly[weekly["task"].isin(done)].drop_duplicates(["task", "strategy", "week"])
        return weekly.sort_values(["task", "week"], kind="stable").reset_index(drop=True)

    def read_design(self) -> pd.DataFrame:
        """The design table."""
        return pd.read_parquet(self.root / "design.parquet")

    def write_design(self, design: pd.DataFrame) -> None:
        """Store the design table (once)."""
        path = self.root / "design.parquet"
        if not path.exists():
            _write_parquet(path, design.reset_index())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def base_manifest(spec: "ExperimentSpec") -> dict[str, Any]:
    """The parts of the manifest that do not change while the batch runs.

    Besides the spec as written, it records what the report needs to read the results: the
    factors and their distributions, the design, the strategies, the cycles and the horizon.
    """
    base = spec.base
    return {
        "raaderum_version": __version__,
        "spec_hash": spec.digest(),
        "root_seed": spec.root_seed,
        "created": _now(),
        "experiment": {
            "name": spec.name,
            "scenario": base.name,
            "design": spec.design,
            "points": spec.points,
            "replications": spec.replications,
            "cycles": list(spec.cycles),
            "strategies": list(spec.strategies),
            "factors": [
                {k: v for k, v in vars(u).items() if k != "posterior" and v not in (None, ())}
                for u in spec.uncertain
            ],
            "horizon": {"start_year": base.start_year, "end_year": base.end_year},
            "investment_start_year": next(iter(spec.strategies.values())).strategy.start_year,
            "threshold_npv_dkk": spec.outcomes.threshold_npv_dkk,
            "horizons_years": list(spec.outcomes.horizons_years),
        },
        "spec": spec.source,
    }
