"""The calibration's journal: every finished simulation kept on disk, so a killed run resumes.

A calibration runs a few thousand simulations over an hour or more. Each result (a replication's
simulated targets, or an ABC proposal's distance) is appended to the journal as soon as it is
back from its worker, under a key that names exactly what was simulated: the parameter values
(``repr`` of each float, so equal keys mean bit-equal inputs), the seed (entropy, spawn key and
pool size of its ``SeedSequence``) and the targets measured.

A resumed run executes the same code from the start; every simulation found in the journal is
read instead of run. The stages are deterministic functions of their seeds and of these results
(the SMM's sampler sees the same distances in the same order, the ABC the same accepted
proposals), so a resumed run writes what an uninterrupted one would have written.

The journal lives in a folder beside the output (``.<name>.calibrate-journal``) holding
``manifest.json`` and ``simulations.jsonl``. The manifest records a fingerprint of the package's
code and data files (model, scenarios, targets, priors); a journal whose manifest differs from
the present run is refused (:class:`JournalMismatchError`), so results of another model are
never mixed in. Other settings (budget, seed, cases) need no check: the keys say what each
result is, and a run with other settings reads only what it would have run itself. A line torn
by a kill is cut off. The folder is deleted when the calibration's output is in place.
"""

import hashlib
import json
import logging
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed

from ..sim.errors import OutputFolderError

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
SIMULATIONS = "simulations.jsonl"
#: Subpackages whose files make the fingerprint (with the package's top-level files).
MODEL_PACKAGES = ("sim", "agents", "calibration", "experiments")


_MISSING = object()


class JournalMismatchError(OutputFolderError):
    """The journal beside the output was written by another calibration (other code or data)."""


def journal_folder(out_dir: str | Path) -> Path:
    """The journal folder of the calibration written to ``out_dir``: a hidden sibling."""
    out = Path(out_dir).absolute()
    return out.parent / f".{out.name}.calibrate-journal"


def code_fingerprint(root: Path | None = None) -> str:
    """SHA-256 over the package's Python, TOML and Parquet files (tests, docs and notebooks excluded).

    Any change to the model, the scenarios, the targets or the priors changes it.

    Args:
        root: The package folder (default: the installed ``raaderum``).
    """
    root = root or Path(str(resources.files("raaderum")))
    digest = hashlib.sha256()
    files = sorted(p for suffix in ("*.py", "*.toml", "*.parquet") for p in root.glob(suffix))
    for sub in MODEL_PACKAGES:
        files += sorted(
            p
            for suffix in ("*.py", "*.toml", "*.parquet")
            for p in (root / sub).rglob(suffix)
            if "__pycache__" not in p.parts
        )
    for p in files:
        digest.update(p.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(p.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _canonical(x: Any) -> Any:
    """A JSON-able form of ``x`` in which equal inputs, and only they, give equal text."""
    if isinstance(x, np.random.SeedSequence):
        return {
            "entropy": np.asarray(x.entropy, dtype=object).tolist(),  # an int or a list of ints
            "spawn_key": [int(k) for k in x.spawn_key],
            "pool_size": int(x.pool_size),
        }
    if isinstance(x, np.ndarray):
        return [_canonical(v) for v in x.tolist()]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return repr(float(x))  # exact: repr round-trips every float, NaN and infinities included
    if isinstance(x, str):
        return x
    if isinstance(x, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(x.items(), key=lambda kv: str(kv[0]))}
    if isinstance(x, (list, tuple)):
        return [_canonical(v) for v in x]
    raise TypeError(f"cannot key a journal entry on {type(x).__name__}")


def task_key(kind: str, *parts: Any) -> str:
    """The journal key of one simulation: a hash of what it computes and from what."""
    text = json.dumps([kind, *(_canonical(p) for p in parts)], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _encode(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else repr(v)  # 'nan', 'inf', '-inf'
    if isinstance(value, np.integer):
        return int(value)
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, str) and value in ("nan", "inf", "-inf"):
        return float(value)
    return value


class Journal:
    """Results of finished simulations by key; on disk when given a folder, else in memory only.

    Args:
        folder: The journal folder (see :func:`journal_folder`), or None for a run that cannot
            be resumed (nothing is written).
        manifest: What the run is (settings, cases, code fingerprint). A folder whose manifest
            differs is refused; a new folder gets this one.

    Raises:
        JournalMismatchError: ``folder`` holds a journal of another calibration.
    """

    def __init__(self, folder: Path | None = None, manifest: Mapping[str, Any] | None = None) -> None:
        self.folder = folder
        self._results: dict[str, Any] = {}
        self._on_disk: set[str] = set()  # keys found in the journal when it was opened
        self.resumed = 0  # simulations read from the journal instead of run
        if folder is None:
            return
        wanted = json.loads(json.dumps(dict(manifest or {})))
        path = folder / MANIFEST
        if path.exists():
            try:
                found = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                found = None
            if found != wanted:
                raise JournalMismatchError(
                    "--out",
                    f"{folder} holds an unfinished calibration of other code or data (the model, "
                    "scenarios, targets or priors changed since it ran); pass --restart to discard it",
                )
            self._load(folder / SIMULATIONS)
        else:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{MANIFEST}.tmp"
            tmp.write_text(json.dumps(wanted, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(tmp, path)
        if self._results:
            log.info("journal %s: %d finished simulations to reuse", folder, len(self._results))

    def _load(self, path: Path) -> None:
        if not path.exists():
            return
        data = path.read_bytes()
        whole = data[: data.rfind(b"\n") + 1]
        if len(whole) < len(data):  # a line torn by a kill: cut it, so appends start on a new line
            log.warning("journal %s: dropped a line torn by an interruption", path)
            with open(path, "r+b") as f:
                f.truncate(len(whole))
        for line in whole.decode("utf-8").splitlines():
            try:
                entry = json.loads(line)
                self._results[entry["key"]] = _decode(entry["value"])
                self._on_disk.add(entry["key"])
            except (ValueError, KeyError, TypeError):
                log.warning("journal %s: ignored an unreadable line", path)

    def __len__(self) -> int:
        return len(self._results)

    def map(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple[Any, ...]],
        keys: Sequence[str],
        parallel: Parallel | None = None,
    ) -> list[Any]:
        """``[fn(*call) for call in calls]``, reading each call whose key is journaled.

        The others run (through ``parallel`` when given, which must return results in order as a
        generator), each key once however often it is asked for, and each is appended to the
        journal as it comes back.
        """
        out: list[Any] = [_MISSING] * len(calls)
        first: dict[str, int] = {}  # a key not yet known -> the first call that asks for it
        for i, key in enumerate(keys):
            if key in self._results:
                out[i] = self._results[key]
                self.resumed += key in self._on_disk
            else:
                first.setdefault(key, i)
        todo = list(first.values())
        if not todo:
            return out
        if parallel is None:
            results: Iterable[Any] = (fn(*calls[i]) for i in todo)
        else:
            results = parallel(delayed(fn)(*calls[i]) for i in todo)
        with open(self.folder / SIMULATIONS, "a", encoding="utf-8") if self.folder else nullcontext() as sink:
            for i, value in zip(todo, results, strict=True):
                out[i] = value
                self._results[keys[i]] = value
                if sink is not None:
                    sink.write(json.dumps({"key": keys[i], "value": _encode(value)}) + "\n")
                    sink.flush()  # in the kernel's hands: a killed process loses nothing written
            if sink is not None:
                os.fsync(sink.fileno())
        for i, key in enumerate(keys):
            if out[i] is _MISSING:  # asked for again in the same call
                out[i] = self._results[key]
        return out

    def discard(self) -> None:
        """Delete the journal folder (its own files, then the folder if that empties it)."""
        if self.folder is not None and not _remove_own_files(self.folder):
            log.warning("left %s in place: it holds files the journal did not write", self.folder)


def _remove_own_files(folder: Path) -> bool:
    """Delete the files a journal writes in ``folder``, then ``folder`` if empty; False if it is not."""
    if not folder.is_dir():
        return True
    for name in (SIMULATIONS, MANIFEST, f".{MANIFEST}.tmp"):
        (folder / name).unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        return False
    return True


def discard_journal(out_dir: str | Path) -> None:
    """Delete the journal of the calibration written to ``out_dir``, if there is one (``--restart``)."""
    folder = journal_folder(out_dir)
    if not _remove_own_files(folder):
        raise JournalMismatchError("--restart", f"{folder} holds files the journal did not write")
