import json
import subprocess
import sys

import pandas as pd
import pytest

from raaderum.sim import __version__
from raaderum.sim.cli import main

SHORT = 'name = "short"\nend_year = 2017\n[strategy]\nname = "KIK"\nend_year = 2017\nextra_caseworkers = 14\n'


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_run_writes_summary_series_and_plots(tmp_path, capsys):
    scen = tmp_path / "s.toml"
    scen.write_text(SHORT)
    out = tmp_path / "out"
    # the attribution (20 more runs) has its own test in test_attribution.py
    assert main(["run", str(scen), "--seed", "3", "--out", str(out), "--no-attribution"]) == 0
    text = capsys.readouterr().out
    assert "payback" in text and "NPV" in text and "Activity-ready" in text
    assert "Activity-ready stock and flows by year" in text
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 3
    assert {"payback_week", "npv_dkk", "weekly_activity_ready", "roi"} <= summary.keys()
    assert len(summary["weekly_activity_ready"]["strategy"]) == 3 * 52
    weekly = pd.read_parquet(out / "weekly.parquet")
    assert set(weekly["run"]) == {"baseline", "strategy"}
    assert len(pd.read_csv(out / "weekly.csv")) == 2 * 3 * 52
    for png in ("stocks.png", "net_saving.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("bogus = 1\n", "bogus: unknown key; valid keys:"),
        ("[population]\nactivity_ready = -5\n", "population.activity_ready: must be >= 0"),
        ("[staff]\nadmin_share = 1.5\n", "staff.admin_share: must be a share in [0, 1]"),
        ("[population]\njob_ready = 'x'\n", "population.job_ready: must be an integer"),
        ("start_year = 2020\nend_year = 2016\n", "end_year: horizon ends"),
        ("[strategy\n", "not valid TOML"),
    ],
)
def test_bad_input_one_line_exit_2_nothing_written(tmp_path, content, words):
    scen = tmp_path / "bad.toml"
    scen.write_text(content)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "raaderum", "run", str(scen), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0]
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_missing_file_and_negative_seed(tmp_path):
    for args in (["run", str(tmp_path / "nope.toml")], ["run", "--seed", "-1"]):
        proc = subprocess.run(
            [sys.executable, "-m", "raaderum", *args], capture_output=True, text=True, cwd=tmp_path
        )
        assert proc.returncode == 2
        assert len(proc.stderr.strip().splitlines()) == 1
        assert list(tmp_path.iterdir()) == []


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "run" in out and "params" in out


def test_parameter_reference_is_current(capsys):
    from pathlib import Path

    assert main(["params"]) == 0
    printed = capsys.readouterr().out
    committed = (Path(__file__).parents[1] / "docs" / "PARAMETERS.md").read_text(encoding="utf-8")
    assert printed == committed, "docs/PARAMETERS.md is stale: raaderum params > docs/PARAMETERS.md"
    assert "`refund_rates`" in printed and "refusion" in printed


def test_batch_argument_errors_get_one_line_and_exit_2(tmp_path, capsys):
    from pathlib import Path

    spec = Path(__file__).parent / "data" / "tiny_experiment.toml"
    out = tmp_path / "out"
    assert main(["batch", str(spec), "--jobs", "0", "--out", str(out)]) == 2
    assert main(["batch", str(spec), "--scheduler", "tcp://x:1", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "raaderum: error: --jobs: must be >= 1, got 0",
        "raaderum: error: --scheduler: needs --backend dask",
    ]
    assert not out.exists()
