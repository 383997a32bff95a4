"""The engine against the Mesa reference implementation (benchmarks/mesa_reference.py).

The reference runs the same weekly rules with one Mesa agent per citizen, caseworker and employer
and its own random numbers, so the two agree only in distribution. Both are run on a small
municipality (tests/data/reference_scenario.toml, 2015-2019, KIK strategy) over many seeds,
independent between the two, and key outcomes are compared:

* stocks of job-ready, activity-ready, self-supporting and everyone on benefit at weeks 52 and 208,
  baseline and strategy (16 outcomes);
* exits from activity-ready over the run by destination (self-supporting, job-ready, resource
  course, flex job, and all clarifications: flex job + resource course + disability pension;
  disability pension alone is too rare here to test on its own), baseline and strategy (10);
* the strategy's NPV and payback week (2): with the scenario's target caseload (45, as KIK) the
  extra caseworkers leave as the cases fall, so the NPV compares the staffing rule too.

Statistical test. Each outcome is compared with a two-sided two-sample test: Welch's t-test
(unequal variances; the reference's paired differences are noisier, as its baseline and strategy
share only the initial population, not every draw as the engine's do) for stocks, exits and NPV,
and the Mann-Whitney U test for the payback week (a skewed, integer-valued outcome; no payback in
the horizon counts as the latest possible week). The 28 p-values form one family; the Holm
step-down correction keeps the family-wise error rate at ``ALPHA`` = 1 % under any dependence
between outcomes (they are strongly correlated: the same stock at two weeks, baseline and strategy).
The engine and reference agree if no outcome is rejected. The seeds are fixed, so the test is
deterministic; 1 % makes a spurious failure after an unrelated change (which re-draws every seed's
luck) unlikely.

Negative control. The same comparison against reference runs with ``behaviour.relapse_weekly``
doubled must be flagged (at least one outcome rejected, among them the number self-supporting at
week 208 of the strategy run, which must be lower): this shows the test has the power to see a rule that
differs materially.

All runs are made once per session (module-scoped fixtures).
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import with_section
from scipy import stats

from raaderum.experiments import run_paired
from raaderum.sim.results import CLARIFIED
from raaderum.sim.scenario import load_scenario
from raaderum.sim.states import BENEFIT_STATES, STATE_NAMES, State

pytestmark = pytest.mark.slow  # whole runs or processes: `pytest -m "not slow"` skips them

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = Path(__file__).with_name("data") / "reference_scenario.toml"
ENGINE_SEEDS = range(1, 31)
REFERENCE_SEEDS = range(101, 119)
CONTROL_SEEDS = range(201, 219)  # as many as the reference's: 8 lost the power at the 2026-12-06 fit
ALPHA = 0.01
WEEKS = (52, 208)
STOCKS = ("job_ready", "activity_ready", "self_supporting")
EXIT_DESTINATIONS = (State.SELF_SUPPORTING, State.JOB_READY, State.RESOURCE_COURSE, State.FLEX_JOB)


def _load_reference():
    """Import benchmarks/mesa_reference.py (benchmarks/ is not a package)."""
    name = "mesa_reference"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "mesa_reference.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


reference = _load_reference()


def outcomes(paired):
    """The compared outcomes of one paired run, by name."""
    out = {}
    for label, run in (("baseline", paired.baseline), ("strategy", paired.strategy)):
        w = run.weekly
        for week in WEEKS:
            for name in STOCKS:
                out[f"{label} stock {name} w{week}"] = w.at[week, f"stock_{name}"]
            on_benefit = sum(w.at[week, f"stock_{s.name.lower()}"] for s in BENEFIT_STATES)
            out[f"{label} stock on_benefit w{week}"] = on_benefit
        exits = run.flows[:, State.ACTIVITY_READY].sum(axis=0)
        for dest in EXIT_DESTINATIONS:
            out[f"{label} exits activity_ready->{STATE_NAMES[dest]}"] = exits[dest]
        out[f"{label} exits activity_ready->clarified"] = sum(exits[s] for s in CLARIFIED)
    out["npv_mio_dkk"] = paired.npv_dkk / 1e6
    week = paired.payback_week
    out["payback_week"] = paired.scenario.n_weeks if week is None else week
    return out


def holm(p):
    """Holm step-down adjusted p-values."""
    p = np.asarray(p, dtype=float)
    order = np.argsort(p)
    m = p.size
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def compare(engine_runs, reference_runs):
    """Two-sample tests of every outcome, Holm-corrected; one row per outcome."""
    a = pd.DataFrame([outcomes(r) for r in engine_runs], dtype=float)
    b = pd.DataFrame([outcomes(r) for r in reference_runs], dtype=float)
    rows = []
    for name in a.columns:
        x, y = a[name].to_numpy(), b[name].to_numpy()
        se = np.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
        if name == "payback_week":
            test, p = "mann-whitney", stats.mannwhitneyu(x, y, alternative="two-sided").pvalue
        elif se == 0:
            test, p = "welch", 1.0 if x.mean() == y.mean() else 0.0
        else:
            test, p = "welch", stats.ttest_ind(x, y, equal_var=False).pvalue
        z = (y.mean() - x.mean()) / se if se > 0 else 0.0
        rows.append((name, x.mean(), y.mean(), z, test, p))
    df = pd.DataFrame(rows, columns=["outcome", "engine", "reference", "z", "test", "p"])
    df["p_holm"] = holm(df["p"])
    df["rejected"] = df["p_holm"] < ALPHA
    return df.set_index("outcome")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIO)


@pytest.fixture(scope="module")
def engine_runs(scenario):
    return [run_paired(scenario, seed) for seed in ENGINE_SEEDS]


@pytest.fixture(scope="module")
def reference_runs(scenario):
    return [reference.run_reference_paired(scenario, seed) for seed in REFERENCE_SEEDS]


@pytest.fixture(scope="module")
def control_runs(scenario):
    doubled = with_section(scenario, "behaviour", relapse_weekly=2 * scenario.behaviour.relapse_weekly)
    return [reference.run_reference_paired(doubled, seed) for seed in CONTROL_SEEDS]


def test_scenario_has_the_compared_weeks(scenario, engine_runs):
    assert scenario.n_weeks > max(WEEKS)
    assert scenario.strategy.levers_moved()
    assert all(r.payback_week is not None for r in engine_runs)


def test_reference_output_has_the_engine_columns(engine_runs, reference_runs):
    eng, ref = engine_runs[0].strategy.weekly, reference_runs[0].strategy.weekly
    assert list(ref.columns) == list(eng.columns)
    assert len(ref) == len(eng)
    # every citizen is in one state; the reference's stocks include those gone
    totals = ref.filter(like="stock_").sum(axis=1).to_numpy()
    assert np.all(np.diff(totals) >= 0)
    assert reference.agent_steps(reference_runs[0].baseline) > 0


def _table(result):
    with pd.option_context("display.width", 200, "display.max_rows", 100):
        return result.to_string(float_format=lambda v: f"{v:.4g}")


def test_reference_agrees_with_engine(engine_runs, reference_runs):
    result = compare(engine_runs, reference_runs)
    print(f"engine ({len(engine_runs)} seeds) vs reference ({len(reference_runs)} seeds):")
    print(_table(result))
    assert len(result) == 28
    assert not result["rejected"].any(), f"outcomes differ (Holm, alpha {ALPHA}):\n{_table(result)}"


def test_negative_control_is_flagged(engine_runs, control_runs):
    result = compare(engine_runs, control_runs)
    print(f"engine ({len(engine_runs)} seeds) vs reference with relapse doubled ({len(control_runs)} seeds):")
    print(_table(result))
    assert result["rejected"].any(), _table(result)
    # more relapse: fewer self-supporting at the end, more people back on benefit, most of them
    # job-ready (since issue 15 every relapse hazard fades with time, so the whole benefit stock moves
    # less than the job-ready one)
    assert result.at["strategy stock self_supporting w208", "rejected"], _table(result)
    assert result.at["strategy stock self_supporting w208", "z"] < 0
    assert result.at["strategy stock job_ready w208", "z"] > 0
    assert result.at["strategy stock on_benefit w208", "z"] > 0
