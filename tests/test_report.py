import numpy as np
import pandas as pd
import pytest

from raaderum.experiments.robustness import ALL_CYCLES, pairing_gain, robustness_table, with_regret
from raaderum.experiments.sensitivity import describe_failures, failure_conditions, sensitivity_table


def synthetic_runs(n_points=40, reps=2, seed=0):
    """Runs of a made-up strategy 'A' whose NPV depends on factor x only, and fails in recessions
    when x is low; a second factor z does nothing."""
    rng = np.random.default_rng(seed)
    x, z = rng.random(n_points), rng.random(n_points)
    rows, task = [], 0
    for p in range(n_points):
        for cycle in ("historical", "recession"):
            for r in range(reps):
                noise = rng.normal(0, 1e6)
                pv_b = 1e9 + rng.normal(0, 5e7)  # large seed noise common to both runs
                npv = 100e6 * x[p] - (60e6 if cycle == "recession" else 0) + noise
                base = {"task": task, "point": p, "cycle": cycle, "replication": r, "x": x[p], "z": z[p]}
                rows.append(
                    {
                        **base,
                        "strategy": "baseline",
                        "npv_dkk": 0.0,
                        "pays_back": False,
                        "payback_years": np.nan,
                        "pv_net_cost_dkk": pv_b,
                    }
                )
                rows.append(
                    {
                        **base,
                        "strategy": "A",
                        "npv_dkk": npv,
                        "pays_back": npv > 0,
                        "payback_years": 1 + (1 - x[p]) if npv > 0 else np.nan,
                        "pv_net_cost_dkk": pv_b - npv,
                    }
                )
                task += 1
    return pd.DataFrame(rows), pd.DataFrame({"point": range(n_points), "x": x, "z": z})


def test_robustness_table_counts_and_quantiles():
    runs = pd.DataFrame(
        {
            "task": [0, 0, 1, 1, 2, 2, 3, 3],
            "cycle": ["h"] * 8,
            "strategy": ["baseline", "A"] * 4,
            "npv_dkk": [0, 10.0, 0, -5.0, 0, 20.0, 0, 30.0],
            "pays_back": [False, True, False, False, False, True, False, True],
            "payback_years": [np.nan, 1.0, np.nan, np.nan, np.nan, 2.0, np.nan, 3.0],
        }
    )
    table = robustness_table(runs, threshold_npv_dkk=15.0)
    a = table.loc[("A", "h")]
    assert a["runs"] == 4 and a["p_payback"] == 0.75 and a["p_npv_positive"] == 0.75
    assert a["npv_mean_dkk"] == pytest.approx(13.75) and a["npv_q50"] == pytest.approx(15.0)
    assert a["p_satisficing"] == 0.5
    # Regret: in task 1 not investing was best (0 - -5 = 5); elsewhere A was.
    assert a["regret_mean_dkk"] == pytest.approx(5 / 4) and a["regret_max_dkk"] == 5 and a["p_best"] == 0.75
    b = table.loc[("baseline", "h")]
    assert b["regret_mean_dkk"] == pytest.approx((10 + 0 + 20 + 30) / 4) and np.isnan(b["p_payback"])
    # Payback quantiles count the run that never pays back as infinitely late.
    assert a["payback_years_q50"] == 2.0 and a["payback_years_q95"] == np.inf
    assert (table.loc[("A", ALL_CYCLES)] == a).all()


def test_regret_is_zero_for_the_best_choice_in_each_task():
    runs, _ = synthetic_runs(5, 1)
    out = with_regret(runs)
    assert (out.groupby("task")["regret_dkk"].min() == 0).all()


def test_pairing_gain_shows_the_common_noise_cancelling():
    runs, _ = synthetic_runs()
    gain = pairing_gain(runs).loc[("A", ALL_CYCLES)]
    # Paired: only the 1e6 noise is left; independent: 2 x 5e7 seed noise.
    assert gain["var_paired"] == pytest.approx(1e12, rel=0.5)
    assert gain["var_independent"] == pytest.approx(2 * 25e14, rel=0.5)
    assert gain["variance_ratio"] > 1000
    assert pairing_gain(runs[runs["replication"] == 0]).empty


def test_sensitivity_ranks_the_factor_that_matters():
    runs, design = synthetic_runs(n_points=64)
    table = sensitivity_table(runs, design, "lhs", horizon_years=7)
    npv = table[(table["outcome"] == "npv_dkk") & (table["cycle"] == "historical")].set_index("factor")
    assert npv.loc["x", "S1"] > 0.8 and npv.loc["z", "S1"] < 0.2


def test_factorial_sensitivity_is_the_main_effect_share():
    levels = [0.25, 0.75]
    design = pd.DataFrame(
        [(p, a, b) for p, (a, b) in enumerate((a, b) for a in levels for b in levels)],
        columns=["point", "a", "b"],
    )
    rows = []
    for _, d in design.iterrows():
        for strategy, npv in (("baseline", 0.0), ("A", 3 * d["a"] + d["b"])):
            rows.append(
                {
                    "task": d["point"],
                    "point": d["point"],
                    "cycle": "h",
                    "replication": 0,
                    "strategy": strategy,
                    "npv_dkk": npv,
                    "payback_years": np.nan,
                    "pays_back": False,
                }
            )
    table = sensitivity_table(pd.DataFrame(rows), design, "factorial", horizon_years=7)
    s1 = table[table["outcome"] == "npv_dkk"].set_index("factor")["S1"]
    assert s1["a"] == pytest.approx(0.9) and s1["b"] == pytest.approx(0.1)


def test_failure_conditions_find_the_planted_rule_in_words():
    runs, _ = synthetic_runs(n_points=80)
    table = failure_conditions(runs, ["x", "z"])
    top = table.iloc[0]
    assert "the cycle is recession" in top["rule"] and "x is at most" in top["rule"]
    assert "z" not in top["rule"].replace("the cycle", "")
    assert top["failure_share"] > 0.9 and top["coverage"] > 0.8
    text = describe_failures(table, 2022)[0]
    assert text.startswith("A does not pay back by the end of 2022 in")


def test_failure_conditions_when_a_strategy_always_pays_back():
    runs, _ = synthetic_runs(n_points=10)
    runs.loc[runs["strategy"] == "A", "pays_back"] = True
    table = failure_conditions(runs, ["x", "z"])
    assert list(table["rule"]) == ["pays back in every run"]
