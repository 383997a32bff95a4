"""Faults a command meets while it works: a full disk, a closed pipe, a dead scheduler, signals.

Each ends in one line and a non-zero exit, leaves nothing half-written, and takes the command's
child processes down with it (issue 13). The process tests read ``/proc`` and run on Linux; the
full-disk tests mount a small tmpfs and need root (CI runs as root).
"""

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from processes import alive, descendants, wait_for

from raaderum.experiments.store import ResultStore
from raaderum.sim.cli import main

TINY = Path(__file__).parent / "data" / "tiny_experiment.toml"
ENV = dict(os.environ)
OK = 'name = "ok"\nend_year = 2017\n[strategy]\nname = "KIK"\nend_year = 2017\nextra_caseworkers = 14\n'

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "raaderum", *args]


# -- processes ----------------------------------------------------------------------------------------


def closed_within(pipe, seconds: float) -> bool:
    """True if ``pipe`` reaches end of file within ``seconds`` (nobody holds it open any more)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([pipe], [], [], 0.2)
        if ready and not os.read(pipe.fileno(), 65536):
            return True
    return False


@pytest.fixture
def long_spec(tmp_path) -> Path:
    """The tiny experiment with enough replications to be stopped while it runs."""
    spec = tmp_path / "long.toml"
    spec.write_text(TINY.read_text().replace("replications = 2", "replications = 40"))
    return spec


def _start_batch(spec: Path, out: Path) -> tuple[subprocess.Popen, set[int]]:
    """Start a two-job batch and wait until it has finished a task; return it and its workers."""
    proc = subprocess.Popen(
        cli("batch", str(spec), "--out", str(out), "--jobs", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        start_new_session=True,  # signals from the test only
    )
    wait_for(lambda: (out / "manifest.json").exists() and ResultStore(out).finished(), 120, "a finished task")
    workers = descendants(proc.pid)
    assert len(workers) >= 2
    return proc, workers


@linux_only
@pytest.mark.slow
def test_workers_end_when_the_batch_is_killed_with_sigkill(long_spec, tmp_path):
    out = tmp_path / "out"
    proc, workers = _start_batch(long_spec, out)
    os.kill(proc.pid, signal.SIGKILL)  # the batch alone, as `kill -9 PID` does
    proc.wait()
    wait_for(lambda: not alive(workers), 15, f"workers {alive(workers)} to end")
    assert closed_within(proc.stdout, 5), "a child still holds the batch's output pipe"
    assert len(ResultStore(out).finished()) > 0


@linux_only
@pytest.mark.slow
def test_sigterm_stops_the_batch_with_a_message_and_it_resumes(long_spec, tmp_path):
    out = tmp_path / "out"
    proc, workers = _start_batch(long_spec, out)
    os.kill(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143
    assert err.decode().strip().splitlines()[-1].startswith("terminated; finished tasks are kept in")
    wait_for(lambda: not alive(workers), 15, f"workers {alive(workers)} to end")
    done = ResultStore(out).finished()
    assert 0 < len(done) < 240
    assert main(["batch", str(long_spec), "--out", str(out), "--jobs", "2"]) == 0
    assert len(ResultStore(out).finished()) == 240


@pytest.mark.parametrize(
    "command", [["params"], ["run", "ok.toml", "--out", "out", "--no-attribution"]], ids=["params", "run"]
)
def test_a_closed_pipe_ends_the_command_quietly(command, tmp_path):
    (tmp_path / "ok.toml").write_text(OK)
    proc = subprocess.run(
        ["bash", "-c", " ".join(cli(*command)) + " | true; echo ${PIPESTATUS[0]} >&2"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=ENV,
    )
    assert proc.stderr.strip() == "141", proc.stderr  # as a tool killed by SIGPIPE, and nothing else


@pytest.mark.slow
def test_a_dead_dask_scheduler_is_one_line_and_nothing_is_written(tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    proc = subprocess.run(
        cli("batch", str(TINY), "--backend", "dask", "--scheduler", "tcp://127.0.0.1:9", "--out", str(out)),
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert proc.returncode == 2
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("raaderum: error: --scheduler: no dask scheduler answers")
    assert not out.exists()


@linux_only
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_the_dashboard_server_ends_with_the_command(stop, tmp_path):
    pytest.importorskip("solara")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        cli("dashboard", "--host", "127.0.0.1", "--port", str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
        start_new_session=True,
    )
    try:
        wait_for(lambda: descendants(proc.pid), 30, "the server process")
        server = descendants(proc.pid)
        os.kill(proc.pid, stop)
        proc.wait(timeout=30)
        wait_for(lambda: not alive(server), 15, f"the server {alive(server)} to end")
    finally:
        for pid in alive(descendants(proc.pid)):
            os.kill(pid, signal.SIGKILL)


# -- a full disk ----------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Callable[[str], Path]]:
    """Mount a tmpfs of a given size (``small_disk("64k")``); remount it larger with ``"grow"``."""
    if os.geteuid() != 0 or not sys.platform.startswith("linux"):
        pytest.skip("mounting a small disk needs root on Linux")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    mounted = []

    def mount(size: str) -> Path:
        opts = "remount,size=64m" if size == "grow" else f"size={size}"
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(mnt)], capture_output=True)
        if r.returncode:
            pytest.skip(f"cannot mount a tmpfs: {r.stderr.decode().strip()}")
        mounted.append(mnt)
        return mnt

    yield mount
    if mounted:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_during_run_leaves_nothing(small_disk, tmp_path, monkeypatch, capsys):
    disk = small_disk("120k")
    (tmp_path / "ok.toml").write_text(OK)
    monkeypatch.chdir(disk)
    assert main(["run", str(tmp_path / "ok.toml"), "--out", "out", "--no-attribution"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("raaderum: error: --out: cannot write out: ")
    assert "No space left on device" in err[0]
    assert list(disk.iterdir()) == []


@pytest.mark.parametrize("size", ["4k", "120k"], ids=["at the first write", "mid-batch"])
def test_a_full_disk_during_a_batch_leaves_a_folder_that_resumes(size, small_disk, monkeypatch, capsys):
    disk = small_disk(size)
    monkeypatch.chdir(disk)
    assert main(["batch", str(TINY), "--out", "b"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("raaderum: error: ") and "No space left on device" in err[0]
    assert not Path("b").exists() or Path("b/manifest.json").exists()
    small_disk("grow")
    assert main(["batch", str(TINY), "--out", "b"]) == 0
    assert len(ResultStore("b").finished()) == 12


def test_a_full_disk_during_a_report_leaves_nothing(small_disk, tmp_path, capsys):
    out = tmp_path / "batch"
    assert main(["batch", str(TINY), "--out", str(out)]) == 0
    capsys.readouterr()
    disk = small_disk("16k")
    assert main(["report", str(out), "--out", str(disk / "report")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1 and err[0].startswith("raaderum: error: --out: cannot write") and "No space" in err[0]
    )
    assert list(disk.iterdir()) == []
