"""A killed calibration resumes from its journal and writes what an uninterrupted run writes."""

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from raaderum.calibration.calibrate import Settings, calibrate
from raaderum.calibration.journal import (
    SIMULATIONS,
    Journal,
    JournalMismatchError,
    code_fingerprint,
    discard_journal,
    journal_folder,
    task_key,
)
from raaderum.sim.cli import main

#: Small enough for seconds: every stage runs (SMM, ABC, report), on one case with nothing to refine.
SMALL = Settings(
    trials=4,
    replications=1,
    batch=2,
    abc_population=4,
    abc_generations=2,
    abc_max_simulations=16,
    posterior_draws=10,
    report_replications=1,
    identify_points=2,
)
CASE = ["skanderborg"]
COMPARED = [
    "fitted.toml",
    "smm_trials.csv",
    "identify_slices.csv",
    "abc_particles.csv",
    "identifiability.csv",
    "fit_targets.csv",
    "fit_report.md",
]


class Counting:
    """A picklable function that counts its calls (in this process)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, x: float) -> dict[str, float]:
        self.calls += 1
        return {"square": x * x, "nan": math.nan, "inf": math.inf}


def test_a_journal_reads_back_what_it_recorded_and_runs_only_the_rest(tmp_path):
    folder = tmp_path / "journal"
    f = Counting()
    calls = [(float(x),) for x in range(5)]
    keys = [task_key("t", x) for (x,) in calls]
    first = Journal(folder, {"code": "a"})
    assert first.map(f, calls[:3], keys[:3]) == [f(x) for (x,) in calls[:3]]
    f.calls = 0
    again = Journal(folder, {"code": "a"})
    out = again.map(f, calls, keys)
    assert f.calls == 2 and again.resumed == 3  # only the two it had not run
    assert [r["square"] for r in out] == [x * x for (x,) in calls]
    assert math.isnan(out[0]["nan"]) and out[0]["inf"] == math.inf


def test_a_simulation_asked_for_twice_runs_once():
    f = Counting()
    out = Journal().map(f, [(2.0,), (3.0,), (2.0,)], ["a", "b", "a"])
    assert f.calls == 2 and [r["square"] for r in out] == [4.0, 9.0, 4.0]


def test_a_line_torn_by_a_kill_is_cut_and_the_journal_goes_on(tmp_path):
    folder = tmp_path / "journal"
    f = Counting()
    Journal(folder, {"code": "a"}).map(f, [(1.0,), (2.0,)], ["k1", "k2"])
    with open(folder / SIMULATIONS, "a", encoding="utf-8") as sink:
        sink.write('{"key": "k3", "val')  # killed mid-write
    j = Journal(folder, {"code": "a"})
    assert len(j) == 2
    j.map(f, [(3.0,)], ["k3"])
    assert len(Journal(folder, {"code": "a"})) == 3


def test_a_journal_of_other_code_is_refused_and_restart_discards_it(tmp_path):
    folder = tmp_path / "journal"
    Journal(folder, {"code": "a"}).map(Counting(), [(1.0,)], ["k1"])
    with pytest.raises(JournalMismatchError, match="--restart"):
        Journal(folder, {"code": "b"})
    out = tmp_path / "cal"
    folder = journal_folder(out)
    Journal(folder, {"code": "a"})
    discard_journal(out)
    assert not folder.exists()


def test_keys_name_exactly_the_values_and_the_seed():
    seed = np.random.SeedSequence(7)
    a = task_key("moments", {"x": 0.1, "y": 2.0}, seed.spawn(2)[0], ["t1"])
    assert a == task_key("moments", {"y": 2.0, "x": 0.1}, np.random.SeedSequence(7, spawn_key=(0,)), ["t1"])
    nearby = float(np.nextafter(0.1, 1.0))  # one float apart
    assert a != task_key(
        "moments", {"x": nearby, "y": 2.0}, np.random.SeedSequence(7, spawn_key=(0,)), ["t1"]
    )
    assert a != task_key("moments", {"x": 0.1, "y": 2.0}, np.random.SeedSequence(7, spawn_key=(1,)), ["t1"])
    assert a != task_key("moments", {"x": 0.1, "y": 2.0}, np.random.SeedSequence(7, spawn_key=(0,)), ["t2"])


def test_the_fingerprint_changes_with_the_model_and_the_targets_but_not_the_docs(tmp_path):
    fp = code_fingerprint()
    assert len(fp) == 64 and fp == code_fingerprint()
    root = tmp_path / "raaderum"
    for name in (
        "__init__.py",
        "sim/week.py",
        "calibration/targets.toml",
        "docs/notes.md",
        "tests/test_x.py",
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name, encoding="utf-8")
    before = code_fingerprint(root)
    (root / "tests/test_x.py").write_text("changed", encoding="utf-8")
    (root / "docs/notes.md").write_text("changed", encoding="utf-8")
    assert code_fingerprint(root) == before
    for name in ("sim/week.py", "calibration/targets.toml"):
        (root / name).write_text("changed " + name, encoding="utf-8")
        assert code_fingerprint(root) != before
        before = code_fingerprint(root)


# ------------------------------------------------------------------ a whole calibration
@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "cal"
    summary = calibrate(out, cases=CASE, settings=SMALL)
    assert summary["resumed"] == 0
    assert not journal_folder(out).exists()  # deleted once the outputs are in place
    return out


def _same_outputs(a: Path, b: Path) -> None:
    for name in COMPARED:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    pd.testing.assert_frame_equal(
        pd.read_parquet(a / "posterior.parquet"), pd.read_parquet(b / "posterior.parquet")
    )


class Stop(KeyboardInterrupt):
    """Ctrl-C at a chosen progress line."""


@pytest.mark.parametrize("stop_at", ["SMM 2/4", pytest.param("ABC-SMC generation 0", marks=pytest.mark.slow)])
def test_an_interrupted_calibration_resumes_to_the_same_outputs(uninterrupted, tmp_path, stop_at):
    out = tmp_path / "cal"

    def progress(line: str) -> None:
        if line.startswith(stop_at):
            raise Stop

    with pytest.raises(Stop):
        calibrate(out, cases=CASE, settings=SMALL, progress=progress)
    assert not out.exists()  # nothing half-written
    assert (journal_folder(out) / SIMULATIONS).stat().st_size > 0
    summary = calibrate(out, cases=CASE, settings=SMALL)
    assert summary["resumed"] >= 2  # the finished simulations were read, not run
    _same_outputs(out, uninterrupted)
    assert not journal_folder(out).exists()


def test_the_command_line_refuses_a_journal_of_other_code_in_one_line(tmp_path, capsys):
    out = tmp_path / "cal"
    Journal(journal_folder(out), {"code": "something else"})
    assert main(["calibrate", "--cases", *CASE, "--budget", "4", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--out" in err[0] and "--restart" in err[0]
    assert not out.exists()


def _journal_lines(out: Path) -> int:
    path = journal_folder(out) / SIMULATIONS
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.mark.slow
def test_a_calibration_killed_with_sigkill_resumes_to_the_same_outputs(tmp_path):
    args = ["calibrate", "--cases", *CASE, "--budget", "4", "--jobs", "2"]
    reference = tmp_path / "reference"
    assert main([*args, "--out", str(reference)]) == 0
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "raaderum", *args, "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while _journal_lines(out) < 6 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the calibration and its workers
    proc.wait()
    kept = _journal_lines(out)
    assert kept >= 6 and not out.exists()  # killed part-way, nothing half-written
    manifest = json.loads((journal_folder(out) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == {"code": code_fingerprint()}
    done = subprocess.run([*cmd[:-4], "--jobs", "1", "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Resumed:" in done.stdout
    _same_outputs(out, reference)
    assert not journal_folder(out).exists()


def test_the_fit_report_names_what_the_targets_do_not_pin_down(uninterrupted):
    """The employer willingness acts in ISU's cases only: on Skanderborg's targets its slice is flat."""
    table = pd.read_csv(uninterrupted / "identifiability.csv").set_index("parameter")
    assert table.loc["effects.enterprise_willingness", "verdict"] == "not identified"
    assert table.loc["effects.enterprise_willingness", "slice_rise"] == 0
    assert (table["verdict"] == "responds").any()  # four ABC particles are no posterior to judge by
    report = (uninterrupted / "fit_report.md").read_text(encoding="utf-8")
    assert "## Which parameters the targets pin down" in report
