"""The package: one import name, a public API, and nothing a user's files can shadow (issue 14)."""

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import raaderum as rd
from raaderum.sim.scenario import builtin_scenario_path

ROOT = Path(__file__).parents[1]
SHORT = {"name": "short", "end_year": 2016, "strategy": {"end_year": 2016, "extra_caseworkers": 5}}


def test_the_wheel_installs_exactly_one_top_level_name(tmp_path):
    import shutil

    # a copy of the sources, so that no build/ folder of an earlier build can slip into the wheel
    src = tmp_path / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__", ".venv", "raaderum-out"),
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(src)],
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        pytest.fail(f"pip wheel failed:\n{proc.stderr[-2000:]}")
    (wheel,) = tmp_path.glob("raaderum-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"raaderum"}
    for sub in ("sim", "agents", "experiments", "calibration", "sim/scenarios", "sim/dashboard"):
        assert f"raaderum/{sub}/__init__.py" in names
    assert "raaderum/sim/scenarios/aabenraa_2016.toml" in names
    assert "raaderum/calibration/posterior.parquet" in names
    assert "raaderum/py.typed" in names  # type checkers read the installed package


def test_a_users_folders_named_like_ours_do_not_shadow_the_package(tmp_path):
    for name in ("experiments", "calibration"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("raise ImportError('the user\\'s own package')\n")
    (tmp_path / "agents.py").write_text("raise ImportError('a Mesa-style agents.py of the user')\n")
    (tmp_path / "sim.py").write_text("raise ImportError('the user\\'s sim.py')\n")
    code = (
        "import raaderum as rd\n"
        f"result = rd.run_paired({SHORT!r})\n"
        "from raaderum.sim.model import Municipality\n"
        "from raaderum.experiments import run_paired\n"
        "from raaderum.calibration.space import load_space\n"
        "load_space()\n"
        "print(type(result).__name__, result.investment_dkk > 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["PairedResult", "True"]


def test_the_public_api_is_listed_and_lazy():
    text = rd.__doc__
    for name in (
        "Scenario",
        "load_scenario",
        "Municipality",
        "run_paired",
        "run_batch",
        "load_batch",
        "calibrate",
    ):
        assert name in rd.__all__ and name in text
        assert getattr(rd, name) is not None
    assert rd.run is rd.run_single
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        rd.nothing  # noqa: B018
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, raaderum; print('raaderum.sim.model' in sys.modules)"],
        capture_output=True,
        text=True,
    )
    assert proc.stdout.strip() == "False"  # importing the package builds nothing


@pytest.mark.parametrize("ref", ["isu_taarnby", "path", "dict", "scenario"])
def test_run_paired_takes_a_name_a_path_a_dict_or_a_scenario(ref, tmp_path):
    scenario = rd.as_scenario("isu_taarnby").with_values({"end_year": 2017, "strategy.end_year": 2017})
    given = {
        "isu_taarnby": None,
        "path": rd.save_scenario(scenario, tmp_path / "s.toml"),
        "dict": tomllib.loads(rd.scenario_to_toml(scenario)),
        "scenario": scenario,
    }[ref]
    if given is None:
        assert rd.as_scenario("isu_taarnby") == rd.load_scenario(builtin_scenario_path("isu_taarnby"))
        return
    assert rd.as_scenario(given) == scenario
    with pytest.raises(rd.ScenarioError):
        rd.as_scenario(42)


def test_a_scenario_written_to_toml_reads_back_equal(tmp_path):
    for name in rd.builtin_scenarios():
        scenario = rd.as_scenario(name)
        assert rd.load_scenario(rd.save_scenario(scenario, tmp_path / f"{name}.toml")) == scenario
        full = tmp_path / f"{name}-full.toml"
        assert rd.load_scenario(rd.save_scenario(scenario, full, only_changes=False)) == scenario


def test_a_paired_result_says_its_payback_in_years_and_has_a_short_repr(paired):
    assert paired.payback_years == (paired.payback_week - paired.start_week) / 52
    text = repr(paired)
    assert len(text) < 200 and "NPV" in text and "payback" in text


def test_every_engine_module_is_in_the_layer_contract():
    """A new module of raaderum.sim must be placed in a layer, or import-linter would not see it."""
    import pkgutil

    import raaderum.sim

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    engine = set(contracts[0]["source_modules"])
    apps = set(contracts[0]["forbidden_modules"]) - {"raaderum.experiments", "raaderum.calibration"}
    modules = {f"raaderum.sim.{m.name}" for m in pkgutil.iter_modules(raaderum.sim.__path__)}
    assert modules == (engine | apps) - {"raaderum.agents"}
    assert not engine & apps
