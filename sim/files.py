"""Reading input files and writing output folders: clear errors in, all-or-nothing out."""

import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sim.errors import ScenarioFileError


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """Read a TOML file, or raise one clear error.

    Args:
        path: The file.
        what: What the file is, for the message (e.g. ``scenario``).

    Raises:
        ScenarioFileError: Missing or unreadable file, or invalid TOML.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioFileError("", f"{what} file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioFileError("", f"cannot read {what} file {path}: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioFileError("", f"{path} is not valid TOML: {exc}") from None


@contextmanager
def atomic_folder(out_dir: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``out_dir`` that replaces ``out_dir`` on success.

    If the block raises (or the process is interrupted), the temporary folder is removed and
    ``out_dir`` is left as it was, so no half-written output is ever in place.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        yield tmp
        if out_dir.exists():
            shutil.rmtree(out_dir)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
