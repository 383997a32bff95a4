"""Reading input files and writing output folders: clear errors in, all-or-nothing out.

**The output-folder rule.** A command writes its output folder whole or not at all, and never
deletes or overwrites anything it did not create. A folder that already exists is used only if
it is empty, or if it is a raaderum output of the same kind: it holds the marker file
:data:`MARKER` that raaderum wrote there, and nothing but the files that marker lists. Anything
else (a file, a folder holding other files, the working folder or one that contains it) is
refused with one line naming the folder, before any simulation runs.
"""

import json
import logging
import os
import stat
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import OutputFolderError, ScenarioFileError, WriteFailedError

log = logging.getLogger(__name__)

#: Name of the marker file in every output folder raaderum writes (a batch folder's marker is
#: its ``manifest.json``).
MARKER = ".raaderum-output.json"
#: Kinds of output folder, one per command that writes one.
OUTPUT_KINDS = ("run", "report", "calibration")


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """Read a TOML file, or raise one clear error.

    Only regular files are read: a folder, a FIFO or a device is refused before it is opened (a
    FIFO would block until something writes to it).

    Args:
        path: The file.
        what: What the file is, for the message (e.g. ``scenario``).

    Raises:
        ScenarioFileError: Missing, unreadable or not a regular file; invalid TOML; nested too deeply.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ScenarioFileError("", f"{what} file not found: {path}") from None
    except OSError as exc:
        raise ScenarioFileError("", f"cannot read {what} file {path}: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise ScenarioFileError("", f"{what} file {path} is not a regular file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioFileError("", f"cannot read {what} file {path}: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioFileError("", f"{path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioFileError("", f"{path}: values are nested too deeply") from None


def _describe(path: Path) -> str:
    if path.is_symlink() and not path.exists():
        return "is a broken symbolic link"
    if not path.is_dir():
        return "exists and is not a folder"
    return ""


def check_output_folder(out_dir: str | Path, kind: str) -> Path:
    """Check that ``out_dir`` may receive a ``kind`` output, before any work is done.

    Also checks that the folder's parent can be made and written to, so that an output under
    ``/proc`` or on a read-only disk is refused now and not after an hour of simulation.

    Args:
        out_dir: The output folder.
        kind: One of :data:`OUTPUT_KINDS`.

    Returns:
        ``out_dir`` as a path.

    Raises:
        OutputFolderError: The folder holds something raaderum did not write, or cannot be written.
    """
    out_dir = Path(out_dir)
    if "\0" in str(out_dir) or not str(out_dir):
        raise OutputFolderError("--out", f"{str(out_dir)!r} is not a usable folder name")
    _refuse_foreign(out_dir, kind)
    parent = out_dir.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent  # the folders up to the output are made when it is written
    try:
        if not parent.is_dir():
            raise NotADirectoryError(20, "not a folder")
        os.rmdir(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=parent))
    except OSError as exc:
        raise OutputFolderError("--out", f"cannot write to {parent}: {exc.strerror or exc}") from None
    return out_dir


def refuse_working_folder(out_dir: Path) -> None:
    """Refuse the working folder, or a folder that contains it, as an output folder.

    Raises:
        OutputFolderError: ``out_dir`` is the working folder or one of its parents.
    """
    here = Path.cwd().resolve()
    target = out_dir.resolve()
    if target == here or target in here.parents:
        raise OutputFolderError(
            "--out", f"{out_dir} is the working folder or contains it; choose a new folder"
        )


def _refuse_foreign(out_dir: Path, kind: str) -> None:
    """Raise unless ``out_dir`` is absent, empty, or a ``kind`` output with only its own files."""
    if kind not in OUTPUT_KINDS:
        raise ValueError(f"unknown output kind {kind!r}")
    refuse_working_folder(out_dir)
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    problem = _describe(out_dir)
    if problem:
        raise OutputFolderError("--out", f"{out_dir} {problem}; choose a new folder")
    try:
        content = {p.name for p in out_dir.iterdir()}
    except OSError as exc:
        raise OutputFolderError("--out", f"cannot read {out_dir}: {exc.strerror or exc}") from None
    if not content:
        return
    marker = _read_marker(out_dir)
    if marker is None:
        raise OutputFolderError(
            "--out", f"{out_dir} exists and is not a raaderum {kind} folder; choose a new folder"
        )
    if marker.get("kind") != kind:
        raise OutputFolderError(
            "--out",
            f"{out_dir} holds a raaderum {marker.get('kind')} output, not a {kind}; choose a new folder",
        )
    foreign = sorted(content - set(marker.get("files", [])) - {MARKER})
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise OutputFolderError(
            "--out", f"{out_dir} holds files raaderum did not write ({shown}); choose a new folder"
        )


def _read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files", []), list):
        return None
    return data


@contextmanager
def atomic_folder(out_dir: str | Path, kind: str) -> Iterator[Path]:
    """Yield a temporary folder beside ``out_dir`` that becomes ``out_dir`` on success.

    ``out_dir`` is checked by :func:`check_output_folder` on entry, and again before it is
    replaced. If the block raises (or the process is interrupted), the temporary folder is
    removed and ``out_dir`` is left as it was, so no half-written output is ever in place. A
    previous output of the same kind is replaced: its listed files are deleted, nothing else.

    Raises:
        OutputFolderError: ``out_dir`` may not be written (see the module docstring), or writing
            failed (a full disk, say); nothing is left behind.
    """
    out_dir = check_output_folder(out_dir, kind)
    out_dir.absolute().parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.absolute().parent))
    try:
        yield tmp
        files = sorted(p.name for p in tmp.iterdir())
        marker = {"kind": kind, "files": files}
        (tmp / MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")
        _refuse_foreign(out_dir, kind)
        _replace(tmp, out_dir)
    except OSError as exc:
        _remove_own(tmp)
        raise WriteFailedError("--out", f"cannot write {out_dir}: {exc.strerror or exc}") from None
    except BaseException:
        _remove_own(tmp)
        raise


def _replace(tmp: Path, out_dir: Path) -> None:
    """Put ``tmp`` at ``out_dir``; an old output there (already checked) is moved aside and deleted."""
    if out_dir.exists() and any(out_dir.iterdir()):
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.absolute().parent))
        os.replace(out_dir, old)  # onto the empty folder just made
        os.replace(tmp, out_dir)
        _remove_own(old)
    else:
        os.replace(tmp, out_dir)  # an empty folder is replaced, a non-empty one raises


def _remove_own(folder: Path) -> None:
    """Delete a folder this module made: the files its marker lists, or all of a temporary one."""
    marker = _read_marker(folder)
    names = [p.name for p in folder.iterdir()] if folder.exists() else []
    listed = set(marker.get("files", [])) | {MARKER} if marker else set(names)
    for name in names:
        path = folder / name
        if name in listed and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        log.warning("left %s in place: it holds files raaderum did not write", folder)
