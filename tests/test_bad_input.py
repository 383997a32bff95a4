"""Bad input, misuse and faults: one line naming the field and the problem, a non-zero exit, no
traceback, and nothing written or deleted (issue 13: 246 bad inputs thrown at the CLI).

Each case of the table runs the command line in an empty working folder holding only the case's
files, and checks the whole folder tree before and after: byte for byte the same.
"""

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from raaderum.experiments.batch import run_batch
from raaderum.experiments.spec import load_spec
from raaderum.sim.cli import main

TINY = Path(__file__).parent / "data" / "tiny_experiment.toml"
#: A valid three-year scenario: the strategy ends with the horizon.
OK = 'name = "ok"\nend_year = 2017\n[strategy]\nname = "KIK"\nend_year = 2017\nextra_caseworkers = 14\n'
SPEC = TINY.read_text(encoding="utf-8")
FIFO = object()  # a file of the case that is a named pipe


def spec_text(**replace: str) -> str:
    """The tiny experiment with lines replaced (``old=new``) or appended (key ``append``)."""
    text = SPEC
    for old, new in replace.items():
        if old == "append":
            text += "\n" + new + "\n"
        else:
            assert old in text, old
            text = text.replace(old, new)
    return text


FACTOR = '[[uncertain]]\nname = "f{}"\nscales = ["market.hire_rate_weekly"]\nmin = 0.9\nmax = 1.1'
POSTERIOR_TEXT = "behaviour.relapse_weekly\n0.006\nlots\n"
DEEP_SCENARIO = "x = " + "[" * 1000 + "]" * 1000 + "\n"
DEEP_SPEC = "[overrides." + ".".join(["a"] * 1000) + "]\nb = 1\n"
HUGE = (
    "start_year = 1990\nend_year = 2100\n[population]\njob_ready = 0\neducation_ready = 0\nsickness = 0\n"
    "flex_job = 0\nactivity_ready = 6000000\nresource_course = 6000000\ndisability_pension = 6000000\n"
)

CASES = {
    # -- output folders: never delete what raaderum did not write -------------------------------
    "run --out a folder of the user's": (
        {"s.toml": OK, "mydata/thesis.tex": "thesis", "mydata/sub/data.csv": "1,2"},
        ["run", "s.toml", "--out", "mydata"],
        "--out: mydata exists and is not a raaderum run folder",
    ),
    "run --out the working folder": (
        {"s.toml": OK},
        ["run", "s.toml", "--out", "."],
        "is the working folder",
    ),
    "run --out a parent of it": ({"s.toml": OK}, ["run", "s.toml", "--out", ".."], "or contains it"),
    "run --out an existing file": (
        {"s.toml": OK, "notes.txt": "mine"},
        ["run", "s.toml", "--out", "notes.txt"],
        "notes.txt exists and is not a folder",
    ),
    "run --out /dev/null": ({"s.toml": OK}, ["run", "s.toml", "--out", "/dev/null"], "is not a folder"),
    "run --out under /proc": (
        {"s.toml": OK},
        ["run", "s.toml", "--out", "/proc/raaderum-test/out"],
        "--out: cannot write to /proc",
    ),
    "scenario name empty": ({"s.toml": 'name = ""\n'}, ["run", "s.toml"], "name: must not be empty"),
    "scenario name ..": ({"s.toml": 'name = ".."\n'}, ["run", "s.toml"], "name: names an output folder"),
    "scenario name /abs/path": ({"s.toml": 'name = "/abs/path"\n'}, ["run", "s.toml"], "must not contain /"),
    "scenario name ../x": ({"s.toml": 'name = "../x"\n'}, ["run", "s.toml"], "must not contain /"),
    "scenario name with NUL": (
        {"s.toml": 'name = "a\\u0000b"\n'},
        ["run", "s.toml"],
        "name: must be printable",
    ),
    "scenario name of 300 characters": (
        {"s.toml": f'name = "{"a" * 300}"\n'},
        ["run", "s.toml"],
        "name: must be at most 100 characters, got 300",
    ),
    "strategy label with NUL": (
        {"s.toml": '[strategy]\nname = "a\\u0000"\n'},
        ["run", "s.toml"],
        "strategy.name: must be printable",
    ),
    "batch --out a folder of the user's": (
        {"e.toml": SPEC, "mine/thesis.tex": "x"},
        ["batch", "e.toml", "--out", "mine"],
        "mine exists and is not a raaderum batch folder",
    ),
    "batch --out the working folder": (
        {"e.toml": SPEC},
        ["batch", "e.toml", "--out", "."],
        "is the working folder",
    ),
    "batch --out an existing file": (
        {"e.toml": SPEC, "notes.txt": "mine"},
        ["batch", "e.toml", "--out", "notes.txt"],
        "notes.txt exists and is not a folder",
    ),
    "experiment name ../x": (
        {"e.toml": spec_text(**{'name = "tiny"': 'name = "../x"'})},
        ["batch", "e.toml"],
        "name: names an output folder and must not contain /",
    ),
    "calibrate --out a folder of the user's": (
        {"mine/thesis.tex": "x"},
        ["calibrate", "--out", "mine", "--budget", "4"],
        "mine exists and is not a raaderum calibration folder",
    ),
    # -- input accepted that gave misleading numbers --------------------------------------------
    "strategy past the horizon": (
        {"s.toml": "[strategy]\nstart_year = 2021\nend_year = 2025\nextra_caseworkers = 3\n"},
        ["run", "s.toml"],
        "strategy.end_year: the strategy runs to 2025, past the horizon's end 2022",
    ),
    "experiment whose strategy outlives the horizon": (
        {"e.toml": spec_text(**{"end_year = 2017   #": "end_year = 2018   #"})},
        ["batch", "e.toml"],
        "overrides.strategy.end_year: the strategy runs to 2018",
    ),
    "saving horizon of 50 years": (
        {"e.toml": spec_text(**{"horizons_years = [1, 2]": "horizons_years = [50]"})},
        ["batch", "e.toml"],
        "outcomes.horizons_years: 50 years after the investment starts (2016) is past the horizon's end 2017",
    ),
    "threshold nan in the spec": (
        {
            "e.toml": spec_text(
                **{"horizons_years = [1, 2]": "horizons_years = [1, 2]\nthreshold_npv_dkk = nan"}
            )
        },
        ["batch", "e.toml"],
        "outcomes.threshold_npv_dkk: must be a finite number, got nan",
    ),
    "labour force of 1": (
        {"s.toml": "[population]\nlabour_force = 1\n"},
        ["run", "s.toml"],
        "population.labour_force: must be at least the stocks counted in the labour force",
    ),
    # -- validation gaps that crashed -----------------------------------------------------------
    "empty refund bands": (
        {"s.toml": "[budget]\nrefund_band_first_weeks = []\nrefund_rates = []\n"},
        ["run", "s.toml"],
        "budget.refund_band_first_weeks: must have at least one value",
    ),
    "empty refund rates": (
        {"s.toml": "[budget]\nrefund_rates = []\n"},
        ["run", "s.toml"],
        "budget.refund_rates: must have at least one value",
    ),
    "empty rate years": (
        {"s.toml": "[budget]\nrate_years = []\n"},
        ["run", "s.toml"],
        "budget.rate_years: must have at least one value",
    ),
    "empty benefit rates": (
        {"s.toml": "[budget]\ncash_benefit_children_monthly = []\n"},
        ["run", "s.toml"],
        "budget.cash_benefit_children_monthly: must have at least one value",
    ),
    "a value nested 1000 levels deep": ({"s.toml": DEEP_SCENARIO}, ["run", "s.toml"], "nested too deeply"),
    "overrides nested 1000 levels deep": (
        {"e.toml": DEEP_SPEC},
        ["batch", "e.toml"],
        "overrides.a.a: is a table, but a section holds parameter values",
    ),
    "min = nan": (
        {"e.toml": spec_text(**{"min = 0.5": "min = nan"})},
        ["batch", "e.toml"],
        "uncertain[0].min: must be a finite number, got nan",
    ),
    "mean = nan": (
        {
            "e.toml": spec_text(
                append='[[uncertain]]\nname = "market.hire_rate_weekly"\ndistribution = "normal"\n'
                "mean = nan\nsd = 0.001"
            )
        },
        ["batch", "e.toml"],
        "uncertain[2].mean: must be a finite number, got nan",
    ),
    "max = inf": (
        {"e.toml": spec_text(**{"max = 1.5": "max = inf"})},
        ["batch", "e.toml"],
        "uncertain[0].max: must be a finite number, got inf",
    ),
    "text in a posterior file": (
        {
            "post.csv": POSTERIOR_TEXT,
            "e.toml": spec_text(append='[[uncertain]]\nname = "calibrated"\nposterior = "post.csv"'),
        },
        ["batch", "e.toml"],
        "uncertain[2].posterior.behaviour.relapse_weekly: must hold numbers",
    ),
    "a FIFO as the scenario": ({"s.toml": FIFO}, ["run", "s.toml"], "s.toml is not a regular file"),
    "a FIFO as the experiment": ({"e.toml": FIFO}, ["batch", "e.toml"], "e.toml is not a regular file"),
    # -- sizes without bounds -------------------------------------------------------------------
    "a trillion citizens": (
        {"s.toml": "[population]\nactivity_ready = 1_000_000_000_000\n"},
        ["run", "s.toml"],
        "population.activity_ready: must be <= 6,000,000, got 1000000000000",
    ),
    "2**63-1 citizens": (
        {"s.toml": f"[population]\nflex_job = {2**63 - 1}\n"},
        ["run", "s.toml"],
        "population.flex_job: must be <= 6,000,000",
    ),
    "employers = 1e9": ({"s.toml": "[market]\nemployers = 1e9\n"}, ["run", "s.toml"], "must be an integer"),
    "a billion employers": (
        {"s.toml": "[market]\nemployers = 1_000_000_000\n"},
        ["run", "s.toml"],
        "market.employers: must be <= 1,000,000",
    ),
    "extra_caseworkers = 1e12": (
        {"s.toml": "[strategy]\nextra_caseworkers = 1_000_000_000_000\n"},
        ["run", "s.toml"],
        "strategy.extra_caseworkers: must be <= 100,000",
    ),
    "mean_firm_size = 1e300": (
        {"s.toml": "[market]\nmean_firm_size = 1e300\n"},
        ["run", "s.toml"],
        "market.mean_firm_size: must be <= 6,000,000",
    ),
    "target_caseload = 1e-6": (
        {"s.toml": "[strategy]\ntarget_caseload = 1e-6\n"},
        ["run", "s.toml"],
        "strategy.target_caseload: must be 0 (off) or at least 1 case",
    ),
    "a run too large for memory": (
        {"s.toml": HUGE},
        ["run", "s.toml"],
        "population: too large for this machine",
    ),
    "a batch too large for memory": (
        {"e.toml": SPEC},
        ["batch", "e.toml", "--jobs", "10000000"],
        "too large for this machine",
    ),
    "replications = 10**12": (
        {"e.toml": spec_text(**{"replications = 2": "replications = 1_000_000_000_000"})},
        ["batch", "e.toml"],
        "replications: the batch would have 6,000,000,000,000 tasks",
    ),
    "points = 10**9": (
        {"e.toml": spec_text(**{"points = 3": "points = 1_000_000_000"})},
        ["batch", "e.toml"],
        "design.points: the design table would hold 2,000,000,000 values",
    ),
    "a factorial of 100 levels on 3 factors": (
        {
            "e.toml": spec_text(
                **{'method = "lhs"': 'method = "factorial"', "points = 3": "points = 100"},
                append='[[uncertain]]\nname = "market.hire_rate_weekly"\nmin = 0.005\nmax = 0.007',
            )
        },
        ["batch", "e.toml"],
        "design.points: the batch would have 4,000,000 tasks (1,000,000 design points",
    ),
    "a design table of 150 million values": (
        {
            "e.toml": spec_text(
                **{"points = 3": "points = 1_000_000"},
                append="\n".join(FACTOR.format(i) for i in range(148)),
            )
        },
        ["batch", "e.toml"],
        "design.points: the design table would hold 150,000,000 values (1,000,000 points × 150 factors)",
    ),
    # -- flags ----------------------------------------------------------------------------------
    "report --threshold nan": (
        {},
        ["report", "nowhere", "--threshold", "nan"],
        "--threshold: must be a finite",
    ),
    "report --threshold inf": (
        {},
        ["report", "nowhere", "--threshold", "inf"],
        "--threshold: must be a finite",
    ),
    "run --seed -1": ({"s.toml": OK}, ["run", "s.toml", "--seed", "-1"], "--seed: must be >= 0"),
}


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its content (None for folders and pipes)."""
    out: dict[str, bytes | None] = {}
    for p in sorted(root.rglob("*")):
        out[str(p.relative_to(root))] = p.read_bytes() if p.is_file() else None
    return out


def make(root: Path, files: dict) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is FIFO:
            os.mkfifo(path)
        else:
            path.write_text(content, encoding="utf-8")


def one_line_error(capsys, code: int, fragment: str) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code != 0
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("raaderum: error: ") and fragment in lines[0], lines[0]
    assert "Traceback" not in captured.err + captured.out
    return lines[0]


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_gets_one_line_and_changes_nothing(case, tmp_path, monkeypatch, capsys):
    files, argv, fragment = CASES[case]
    work = tmp_path / "work"
    work.mkdir()
    make(work, files)
    monkeypatch.chdir(work)
    before, outside = tree(work), tree(tmp_path)
    code = main(argv)
    one_line_error(capsys, code, fragment)
    assert code == 2
    assert tree(work) == before, "a refused command wrote or deleted something"
    assert tree(tmp_path) == outside


# -- output folders: what may be replaced, and what never is ---------------------------------------


def test_a_run_output_is_replaced_by_the_next_run_and_only_its_own_files(paired, tmp_path, monkeypatch):
    from raaderum.sim.errors import OutputFolderError
    from raaderum.sim.files import MARKER
    from raaderum.sim.output import FILES, write_outputs

    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    out.mkdir()  # an empty folder may be used
    write_outputs(paired, out)
    first = tree(out)
    assert set(first) == {*FILES, MARKER}
    write_outputs(paired, out)
    assert tree(out) == first
    (out / "my_notes.txt").write_text("mine")
    with pytest.raises(OutputFolderError, match="holds files raaderum did not write \\(my_notes.txt\\)"):
        write_outputs(paired, out)
    assert (out / "my_notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder left


def test_an_output_of_another_kind_is_not_replaced(paired, tmp_path, monkeypatch):
    from raaderum.sim.errors import OutputFolderError
    from raaderum.sim.files import atomic_folder
    from raaderum.sim.output import write_outputs

    monkeypatch.chdir(tmp_path)
    with atomic_folder(tmp_path / "rep", "report") as tmp:
        (tmp / "report.md").write_text("# report")
    with pytest.raises(OutputFolderError, match="holds a raaderum report output, not a run"):
        write_outputs(paired, tmp_path / "rep")
    assert (tmp_path / "rep" / "report.md").read_text() == "# report"


def test_a_failed_write_leaves_nothing_and_the_old_output_in_place(paired, tmp_path, monkeypatch):
    from raaderum.sim.files import atomic_folder

    monkeypatch.chdir(tmp_path)
    with atomic_folder(tmp_path / "out", "run") as tmp:
        (tmp / "summary.json").write_text("{}")
    old = tree(tmp_path)
    with pytest.raises(RuntimeError), atomic_folder(tmp_path / "out", "run") as tmp:
        (tmp / "summary.json").write_text('{"new": 1}')
        raise RuntimeError("interrupted")
    assert tree(tmp_path) == old


# -- batches: a report on damaged or unfinished results ----------------------------------------------


@pytest.fixture(scope="module")
def finished_batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "tiny"
    assert run_batch(load_spec(TINY), out).ok
    return out


@pytest.fixture
def batch_copy(finished_batch, tmp_path):
    out = tmp_path / "tiny"
    shutil.copytree(finished_batch, out)
    return out


def _truncate_manifest(out: Path) -> None:
    text = (out / "manifest.json").read_text()
    (out / "manifest.json").write_text(text[: len(text) // 2])


def _corrupt_chunk(out: Path) -> None:
    (out / "runs" / "part-000000.parquet").write_bytes(b"PAR1 this is not a parquet file")


@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        (_truncate_manifest, "manifest.json is damaged (not valid JSON"),
        (_corrupt_chunk, "part-000000.parquet is damaged"),
        (lambda out: (out / "design.parquet").unlink(), "design.parquet is missing"),
    ],
    ids=["truncated manifest", "corrupt chunk", "missing design"],
)
def test_report_on_a_damaged_store_gets_one_line(batch_copy, damage, fragment, capsys):
    damage(batch_copy)
    before = tree(batch_copy)
    one_line_error(capsys, main(["report", str(batch_copy)]), fragment)
    assert tree(batch_copy) == before


def test_report_out_may_not_be_the_batch_folder_or_a_users_folder(batch_copy, tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("x")
    before = tree(tmp_path)
    one_line_error(
        capsys, main(["report", str(batch_copy), "--out", str(batch_copy)]), "not a raaderum report"
    )
    one_line_error(capsys, main(["report", str(batch_copy), "--out", str(mine)]), "not a raaderum report")
    assert tree(tmp_path) == before


def test_report_on_an_unfinished_batch_says_how_much_is_missing(batch_copy, capsys):
    for folder in ("runs", "weekly"):
        part = batch_copy / folder / "part-000000.parquet"
        frame = pd.read_parquet(part)
        frame[frame["task"] < 5].to_parquet(part, index=False)
    assert main(["report", str(batch_copy)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "raaderum: warning: the batch is incomplete: 5 of 12 tasks done (42%), 7 pending, 0 failed; "
        "the report covers only those done"
    ]
    text = (batch_copy / "report" / "report.md").read_text()
    assert "**Warning: the batch is incomplete: 5 of 12 tasks done (42%), 7 pending, 0 failed.**" in text


def test_a_second_batch_on_the_same_folder_is_refused_with_the_holders_pid(finished_batch, tmp_path, capsys):
    from raaderum.experiments.store import ResultStore, base_manifest

    spec = load_spec(TINY)
    out = tmp_path / "out"
    manifest = base_manifest(spec)
    holder = ResultStore.create_or_resume(out, manifest["spec_hash"], manifest)  # a batch still running
    try:
        before = tree(out)
        line = one_line_error(
            capsys, main(["batch", str(TINY), "--out", str(out)]), "is in use by another batch"
        )
        assert f"pid {os.getpid()}" in line
        assert tree(out) == before
    finally:
        holder.close()
    assert main(["batch", str(TINY), "--out", str(out)]) == 0  # free once the holder is gone


def test_a_large_design_is_announced_before_it_is_checked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    big = tmp_path / "big.toml"
    # 5,000 points whose first one already breaks a rule: the announcement, then the error.
    big.write_text(
        spec_text(**{"points = 3": "points = 5000", "min = 0.5": "min = 2.1", "max = 1.5": "max = 3.0"})
    )
    assert main(["batch", str(big)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == "checking 5,000 design points ..."
    assert len(err) == 2 and "gives an invalid scenario" in err[1]
    assert list(tmp_path.iterdir()) == [big]
