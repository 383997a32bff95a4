import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from raaderum.experiments import outcomes
from raaderum.experiments.batch import run_batch
from raaderum.experiments.design import tasks
from raaderum.experiments.outcomes import run_task
from raaderum.experiments.spec import load_spec
from raaderum.experiments.store import ResultStore, StoreMismatchError
from raaderum.sim.cli import main

TINY = Path(__file__).parent / "data" / "tiny_experiment.toml"
N_TASKS = 12  # 3 points x 2 cycles x 2 replications


@pytest.fixture(scope="module")
def spec():
    return load_spec(TINY)


@pytest.fixture(scope="module")
def reference(spec, tmp_path_factory):
    """The tiny batch run in one process, uninterrupted."""
    out = tmp_path_factory.mktemp("ref") / "out"
    summary = run_batch(spec, out, jobs=1)
    assert summary.ok and summary.finished == N_TASKS
    store = ResultStore(out)
    return store.read_runs(), store.read_weekly(), out


def test_one_row_per_run_with_design_values_seed_and_outcomes(reference, spec):
    runs, weekly, _ = reference
    assert len(runs) == N_TASKS * 2
    assert not runs.duplicated(["task", "strategy"]).any()
    for col in (
        "point",
        "cycle",
        "replication",
        "seed_index",
        "strategy",
        "caseworker_effectiveness",
        "behaviour.relapse_weekly",
        "npv_dkk",
        "payback_week",
        "saving_1y_dkk",
        "saving_2y_dkk",
        "activity_ready_2017",
        "relapse_rate",
        "mean_weeks_on_benefit",
        "contacts_per_citizen",
    ):
        assert col in runs.columns, col
    baseline = runs[runs["strategy"] == "baseline"]
    assert (baseline["npv_dkk"] == 0).all() and not baseline["pays_back"].any()
    kik = runs[runs["strategy"] == "KIK"]
    assert (kik["contacts_per_citizen"].to_numpy() > baseline["contacts_per_citizen"].to_numpy()).all()
    # NPV is the difference of the two runs' present values, by construction of a paired run.
    pv = runs.pivot(index="task", columns="strategy", values="pv_net_cost_dkk")
    assert kik.set_index("task")["npv_dkk"].to_numpy() == pytest.approx(
        (pv["baseline"] - pv["KIK"]).to_numpy()
    )
    # Weekly series: both runs of every task, every week.
    assert len(weekly) == N_TASKS * 2 * spec.base.n_weeks


def test_a_row_matches_a_task_run_directly(reference, spec):
    runs, _, _ = reference
    task = tasks(spec)[5]
    direct = run_task(task, spec.scenarios_at(task.values, task.cycle), spec.outcomes)
    stored = runs[runs["task"] == 5].reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, pd.DataFrame(direct.rows), check_dtype=False)


@pytest.mark.slow
def test_results_are_identical_for_two_jobs_and_dask(reference, spec, tmp_path):
    runs, weekly, _ = reference
    run_batch(spec, tmp_path / "loky2", jobs=2, chunk_size=5)
    store = ResultStore(tmp_path / "loky2")
    pd.testing.assert_frame_equal(store.read_runs(), runs)
    pd.testing.assert_frame_equal(store.read_weekly(), weekly)
    assert len(list(store.runs_dir.glob("part-*.parquet"))) == 3  # chunks of 5, 5 and 2 tasks
    run_batch(spec, tmp_path / "dask", jobs=2, backend="dask")  # a LocalCluster of 2 workers
    store = ResultStore(tmp_path / "dask")
    pd.testing.assert_frame_equal(store.read_runs(), runs)
    pd.testing.assert_frame_equal(store.read_weekly(), weekly)


@pytest.mark.slow
def test_dask_backend_on_a_running_cluster(reference, spec, tmp_path):
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        run_batch(spec, tmp_path / "out", backend="dask", scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(ResultStore(tmp_path / "out").read_runs(), reference[0])


def test_running_again_skips_finished_tasks(reference, spec, tmp_path):
    out = tmp_path / "out"
    run_batch(spec, out)
    again = run_batch(spec, out)
    assert again.skipped == N_TASKS and again.finished == 0 and again.ok
    pd.testing.assert_frame_equal(ResultStore(out).read_runs(), reference[0])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"done": N_TASKS, "failed": 0, "pending": 0}
    assert manifest["root_seed"] == 7 and len(manifest["spec_hash"]) == 64
    assert [t["status"] for t in manifest["tasks"]] == ["done"] * N_TASKS


def test_another_spec_cannot_write_into_the_folder(spec, tmp_path):
    out = tmp_path / "out"
    run_batch(spec, out)
    other = dataclasses.replace(spec, root_seed=8)
    with pytest.raises(StoreMismatchError, match="another experiment"):
        run_batch(other, out)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(StoreMismatchError, match="not a raaderum batch folder"):
        run_batch(spec, tmp_path / "busy")


def test_a_failing_task_is_recorded_the_batch_goes_on_and_a_rerun_retries_it(
    reference, spec, tmp_path, monkeypatch, capsys
):
    real = outcomes.run_single

    def flaky(scenario, seed):
        if scenario.cycle.scenario == "recession" and scenario.behaviour.relapse_weekly > 0.0:
            raise RuntimeError("simulated failure")
        return real(scenario, seed)

    monkeypatch.setattr(outcomes, "run_single", flaky)
    out = tmp_path / "out"
    assert main(["batch", str(TINY), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "RuntimeError: simulated failure" in err and "recession" in err
    store = ResultStore(out)
    failures = store.failures()
    assert len(failures) == N_TASKS // 2
    assert {f["cycle"] for f in failures} == {"recession"} and "Traceback" in failures[0]["traceback"]
    assert "caseworker_effectiveness" in failures[0]["values"]
    assert json.loads((out / "manifest.json").read_text())["counts"]["failed"] == N_TASKS // 2
    assert len(store.read_runs()) == N_TASKS  # the historical half, both runs each
    monkeypatch.setattr(outcomes, "run_single", real)
    assert main(["batch", str(TINY), "--out", str(out)]) == 0
    assert store.failures() == []
    pd.testing.assert_frame_equal(store.read_runs(), reference[0])


def test_bad_spec_gets_one_line_exit_2_and_nothing_written(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(TINY.read_text().replace("replications = 2", "replications = -1"))
    out = tmp_path / "out"
    assert main(["batch", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "raaderum: error: replications: must be >= 1, got -1"
    assert not out.exists()


def test_store_recovers_from_a_kill_between_its_writes(reference, spec, tmp_path):
    """Every state a kill can leave: temp files, a chunk whose pending files were not deleted, a
    weekly chunk without its runs chunk. Reading never duplicates; resuming completes the batch."""
    out = tmp_path / "out"
    run_batch(spec, out, chunk_size=100)
    store = ResultStore(out)
    runs_part = store.runs_dir / "part-000000.parquet"
    weekly_part = store.weekly_dir / "part-000000.parquet"
    rows, weekly = pd.read_parquet(runs_part), pd.read_parquet(weekly_part)
    # Killed after writing the chunk, before deleting the pending files: tasks 0-3 are in both.
    for t in range(4):
        rows[rows["task"] == t].to_parquet(store.pending_dir / f"task-{t:06d}.runs.parquet", index=False)
        weekly[weekly["task"] == t].to_parquet(
            store.pending_dir / f"task-{t:06d}.weekly.parquet", index=False
        )
    # Killed while writing a file: a temporary file.
    (store.pending_dir / ".task-000009.runs.parquet.123.tmp").write_bytes(b"PAR1 half")
    # Killed between the weekly and the runs chunk of the next gathering: an orphan weekly chunk.
    weekly[weekly["task"] == 4].to_parquet(store.weekly_dir / "part-000001.parquet", index=False)
    pd.testing.assert_frame_equal(store.read_runs(), reference[0])
    pd.testing.assert_frame_equal(store.read_weekly(), reference[1])
    again = run_batch(spec, out)
    assert again.finished == 0 and again.skipped == N_TASKS
    assert not list(store.pending_dir.iterdir())
    pd.testing.assert_frame_equal(store.read_runs(), reference[0])
    pd.testing.assert_frame_equal(store.read_weekly(), reference[1])


def _start(out: Path, jobs: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "raaderum", "batch", str(TINY), "--out", str(out), "--jobs", str(jobs)]
    env = dict(os.environ)
    return subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True
    )


def _finished(out: Path) -> int:
    return len(ResultStore(out).finished()) if (out / "manifest.json").exists() else 0


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [1, 5])
def test_a_batch_killed_with_sigkill_resumes_without_loss_or_duplication(reference, tmp_path, kill_after):
    out = tmp_path / "out"
    proc = _start(out, jobs=2)
    deadline = time.monotonic() + 120
    while _finished(out) < kill_after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers
    proc.wait()
    before = ResultStore(out).read_runs()
    assert 0 < before["task"].nunique() < N_TASKS  # killed part-way
    assert not before.duplicated(["task", "strategy"]).any()
    kept = set(before["task"])
    proc = _start(out, jobs=1)
    assert proc.wait(timeout=300) == 0
    store = ResultStore(out)
    pd.testing.assert_frame_equal(store.read_runs(), reference[0])
    pd.testing.assert_frame_equal(store.read_weekly(), reference[1])
    assert kept <= set(store.read_runs()["task"])


def test_report_from_the_command_line(reference, tmp_path, capsys):
    _, _, out = reference
    report = tmp_path / "report"
    assert main(["report", str(out), "--out", str(report), "--threshold", "1e6"]) == 0
    files = {p.name for p in report.iterdir()}
    assert {
        "report.md",
        "robustness.csv",
        "pairing.csv",
        "npv.png",
        "payback.png",
        "activity_ready_fan.png",
    } <= files
    text = (report / "report.md").read_text()
    assert "## The answer" in text and "**KIK** pays back by the end of 2017 in" in text
    assert "Satisficing: NPV at least 1 mio. DKK" in text
    table = pd.read_csv(report / "robustness.csv")
    assert set(table["cycle"]) == {"historical", "recession", "all cycles"}
    assert main(["report", str(tmp_path / "nothing")]) == 2
    assert "not a raaderum batch folder" in capsys.readouterr().err


@pytest.mark.slow
def test_a_batch_records_the_attribution_of_every_strategy_run(spec, tmp_path):
    """With ``[outcomes] attribution = true`` each strategy row carries its NPV by channel (the
    numbers of :func:`attribute` on the same run), baseline rows carry nulls, and the report
    summarises the channels over the batch."""
    from raaderum.experiments.attribution import ALL_CONTACT, attribute
    from raaderum.experiments.outcomes import attribution_column

    small = dataclasses.replace(
        spec,
        cycles=("historical",),
        replications=1,
        outcomes=dataclasses.replace(spec.outcomes, attribution=True),
    )
    out = tmp_path / "out"
    assert run_batch(small, out, jobs=1).ok
    runs = ResultStore(out).read_runs()
    column = attribution_column(ALL_CONTACT)
    assert column == "attribution_all_contact_channels_dkk"
    base, kik = runs[runs["strategy"] == "baseline"], runs[runs["strategy"] != "baseline"]
    assert base[column].isna().all() and kik[column].notna().all()
    task = tasks(small)[0]
    scenario = small.scenarios_at(task.values, task.cycle)["KIK"]
    table = attribute(scenario, task.seed).table
    row = kik[kik["task"] == task.task].iloc[0]
    for channel in ("meeting_effort", "meeting_barriers", ALL_CONTACT):
        assert row[attribution_column(channel)] == pytest.approx(table.at[channel, "contribution_dkk"])
    report = tmp_path / "report"
    assert main(["report", str(out), "--out", str(report)]) == 0
    assert "## Why it pays back: the NPV by channel" in (report / "report.md").read_text()
    channels = pd.read_csv(report / "attribution.csv")
    assert set(channels["channel"]) >= {"meeting_effort", "all_contact_channels", "interaction"}
    assert (channels["runs"] == len(kik)).all()
