"""The result store of a batch: a folder that survives being killed at any moment.

Layout of the folder::

    manifest.json            spec, spec hash, package version, root seed, status of every task
    design.parquet           the design points (values of the uncertain factors)
    runs/part-000000.parquet one row per run, written in chunks
    weekly/part-000000.parquet weekly series per run (when the spec stores them)
    pending/                 finished tasks not yet gathered into a chunk (one file per task)
    failed/                  one JSON record per failed task: parameters, error and traceback

The folder is made whole or not at all: its skeleton (the subfolders and the manifest) is built
in a temporary folder beside it and renamed into place, so a batch that fails at its first write
(a full disk) leaves nothing, and a folder that exists can always be resumed. A running batch
holds a lock on ``.lock`` (``flock``; released when the process ends, however it ends), so a
second batch on the same folder is refused with the first one's process id.

Every file is written under a temporary name starting with ``.`` and renamed into place, so a
file is either whole or absent. A task counts as finished once its runs file exists (in a chunk
or in ``pending/``); its weekly file is written first. Gathering pending files into a chunk
writes the chunk, then deletes the pending files; a task found in both is kept once. So a batch
killed at any moment loses only the tasks in flight, and nothing is duplicated.
"""

import fcntl
import json
import logging
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..sim import __version__
from ..sim.errors import ScenarioError, ScenarioFileError, WriteFailedError
from ..sim.files import refuse_working_folder
from .outcomes import TaskResult

if TYPE_CHECKING:
    from .spec import ExperimentSpec

log = logging.getLogger(__name__)

PART = re.compile(r"^part-(\d{6})\.parquet$")
PENDING = re.compile(r"^task-(\d+)\.runs\.parquet$")
#: Temporary files of :func:`atomic_write`: ``.<name>.<pid>.tmp``.
TMP_GLOB = ".*.tmp"
TMP = re.compile(r"^\..+\.\d+\.tmp$")
LOCK = ".lock"
SUBFOLDERS = ("runs", "weekly", "pending", "failed")


class StoreMismatchError(ScenarioError):
    """The output folder holds something else than this experiment's results."""


class StoreLockedError(ScenarioError):
    """Another batch is running on the same folder."""


class StoreDamagedError(ScenarioFileError):
    """A file of the result store cannot be read."""


def read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Read one of the store's Parquet files, or raise one line naming it.

    Raises:
        StoreDamagedError: The file is missing or cannot be read.
    """
    try:
        return pd.read_parquet(path, columns=columns)
    except FileNotFoundError:
        raise StoreDamagedError("", f"{path} is missing") from None
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many kinds for a damaged file
        raise StoreDamagedError(
            "", f"{path} is damaged: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        ) from None


def read_manifest(path: Path) -> dict[str, Any]:
    """Read a store's ``manifest.json``, or raise one line naming it.

    Raises:
        StoreDamagedError: Unreadable, not JSON, or not a manifest.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StoreDamagedError("", f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise StoreDamagedError("", f"{path} is damaged (not valid JSON: {exc})") from None
    if not isinstance(data, dict) or "spec_hash" not in data:
        raise StoreDamagedError("", f"{path} is damaged (no spec hash): not a raaderum batch manifest")
    return data


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
        self._lock_fd: int | None = None

    @classmethod
    def create_or_resume(cls, root: str | Path, digest: str, manifest: dict[str, Any]) -> "ResultStore":
        """Open the folder for a batch with spec hash ``digest``, and lock it; make it if it does not exist.

        Raises:
            StoreMismatchError: The folder holds another experiment's results, or other files.
            StoreLockedError: Another batch holds the folder's lock.
            StoreDamagedError: The folder's manifest cannot be read.
            WriteFailedError: The folder cannot be made (a full disk, no permission).
        """
        store = cls(root)
        refuse_working_folder(store.root)
        if not (store.root / "manifest.json").exists() and not _is_nonempty_folder(store.root):
            store._create(manifest)
        path = store.root / "manifest.json"
        if not path.exists():
            raise StoreMismatchError("--out", f"{store.root} exists and is not a raaderum batch folder")
        store._lock()
        try:
            old = read_manifest(path)
            if old.get("spec_hash") != digest:
                raise StoreMismatchError(
                    "--out",
                    f"{store.root} holds results of another experiment (spec hash "
                    f"{str(old.get('spec_hash'))[:12]}, this one {digest[:12]}); choose another folder",
                )
            for folder in (store.runs_dir, store.weekly_dir, store.pending_dir, store.failed_dir):
                folder.mkdir(exist_ok=True)
            store.compact()
        except BaseException:
            store.close()
            raise
        return store

    def _create(self, manifest: dict[str, Any]) -> None:
        """Build the folder's skeleton beside it and rename it into place (all or nothing)."""
        if self.root.exists() and not self.root.is_dir():
            raise StoreMismatchError("--out", f"{self.root} exists and is not a folder; choose a new folder")
        parent = self.root.absolute().parent
        tmp = None
        try:
            parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{self.root.name}.", dir=parent))
            for name in SUBFOLDERS:
                (tmp / name).mkdir()
            (tmp / LOCK).touch()
            _write_json(tmp / "manifest.json", manifest)
            os.replace(tmp, self.root)  # onto an empty folder too; a non-empty one raises
            tmp = None
        except OSError as exc:
            if tmp is not None and self.root.exists() and (self.root / "manifest.json").exists():
                shutil.rmtree(tmp, ignore_errors=True)  # another batch made it first: ours was a copy
                return
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)  # our own skeleton, nothing else
            raise WriteFailedError("--out", f"cannot make {self.root}: {exc.strerror or exc}") from None

    def _lock(self) -> None:
        """Take the folder's lock, or say who holds it."""
        path = self.root / LOCK
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise StoreLockedError(
                "--out",
                f"{self.root} is in use by another batch ({holder}); wait for it to end, "
                "or choose another folder",
            ) from None
        self._lock_fd = fd
        try:  # who holds the lock, for the message above; the lock holds without it (a full disk)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}, since {_now()}".encode(), 0)
        except OSError:
            pass

    def close(self) -> None:
        """Release the folder's lock (also released when the process ends)."""
        fd = getattr(self, "_lock_fd", None)
        if fd is not None:
            self._lock_fd = None
            try:
                os.ftruncate(fd, 0)
            finally:
                os.close(fd)

    # -- what is there -------------------------------------------------------------------------

    def _chunk_tasks(self) -> set[int]:
        tasks: set[int] = set()
        for part in _read_parts(self.runs_dir):
            tasks.update(read_parquet(part, columns=["task"])["task"].tolist())
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
        records = []
        for p in sorted(self.failed_dir.glob("task-*.json")):
            try:
                records.append(json.loads(p.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                log.warning("skipped damaged failure record %s", p)
        return [r for r in records if isinstance(r, dict) and r.get("task") not in done]

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
        for tmp in self.root.rglob(TMP_GLOB):
            if TMP.match(tmp.name) and tmp.is_file():
                tmp.unlink(missing_ok=True)
        pending = self._pending()
        if not pending:
            return
        in_chunks = self._chunk_tasks()
        fresh = {t: p for t, p in sorted(pending.items()) if t not in in_chunks}
        if fresh:
            parts = _read_parts(self.runs_dir)
            last = PART.match(parts[-1].name) if parts else None
            index = int(last.group(1)) + 1 if last else 0
            weekly_files = [self._weekly_file(p) for p in fresh.values()]
            weekly = [read_parquet(w) for w in weekly_files if w.exists()]
            name = f"part-{index:06d}.parquet"
            if weekly:
                _write_parquet(self.weekly_dir / name, pd.concat(weekly, ignore_index=True))
            runs = pd.concat([read_parquet(p) for p in fresh.values()], ignore_index=True)
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
        return read_manifest(self.root / "manifest.json")

    # -- reading -------------------------------------------------------------------------------

    def read_runs(self) -> pd.DataFrame:
        """Every stored run, one row each, sorted by task and strategy order."""
        frames = [read_parquet(p) for p in _read_parts(self.runs_dir)]
        frames += [read_parquet(p) for _, p in sorted(self._pending().items())]
        if not frames:
            return pd.DataFrame()
        runs = pd.concat(frames, ignore_index=True).drop_duplicates(["task", "strategy"], keep="first")
        return runs.sort_values("task", kind="stable").reset_index(drop=True)

    def read_weekly(self) -> pd.DataFrame:
        """Weekly series of every stored run (empty when the batch did not store them)."""
        done = self.finished()
        frames = [read_parquet(p) for p in _read_parts(self.weekly_dir)]
        frames += [
            read_parquet(self._weekly_file(p))
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
        return read_parquet(self.root / "design.parquet")

    def write_design(self, design: pd.DataFrame) -> None:
        """Store the design table (once)."""
        path = self.root / "design.parquet"
        if not path.exists():
            _write_parquet(path, design.reset_index())


def _is_nonempty_folder(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


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
        "n_tasks": spec.n_tasks,
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
