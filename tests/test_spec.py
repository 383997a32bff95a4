import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from raaderum.experiments.design import design_table, tasks, unit_design
from raaderum.experiments.spec import load_spec, spec_from_dict
from raaderum.sim.errors import (
    FieldTypeError,
    FieldValueError,
    ScenarioError,
    ScenarioFileError,
    UnknownFieldError,
)

TINY = Path(__file__).parent / "data" / "tiny_experiment.toml"


def tiny_data():
    return tomllib.loads(TINY.read_text())


def spec_with(**changes):
    data = tiny_data()
    data.update(changes)
    return spec_from_dict(data, TINY.parent)


def test_tiny_spec_loads_with_overrides_and_the_scenarios_strategy():
    spec = load_spec(TINY)
    assert spec.base.end_year == 2017 and spec.base.population.activity_ready == 250
    assert list(spec.strategies) == ["KIK"] and spec.strategies["KIK"].strategy.extra_caseworkers == 4
    assert spec.cycles == ("historical", "recession")


def test_lhs_design_stays_in_the_ranges_and_fills_each_stratum():
    spec = spec_with(design={"method": "lhs", "points": 10})
    table = design_table(spec)
    eff = table["caseworker_effectiveness"]
    assert len(table) == 10 and eff.between(0.5, 1.5).all()
    # Latin hypercube: one point in each tenth of the range.
    assert sorted(np.floor((eff - 0.5) * 10).astype(int)) == list(range(10))
    relapse = table["behaviour.relapse_weekly"]
    assert relapse.between(0.005, 0.014).all()


def test_sobol_design_has_saltelli_shape_and_factorial_every_combination():
    sobol = design_table(spec_with(design={"method": "sobol", "points": 8}))
    assert len(sobol) == 8 * (2 + 2)
    factorial = design_table(spec_with(design={"method": "factorial", "points": 3}))
    assert len(factorial) == 9
    assert factorial.drop_duplicates().shape[0] == 9
    assert sorted(factorial["caseworker_effectiveness"].unique()) == pytest.approx([2 / 3, 1.0, 4 / 3])


def test_normal_factor_is_truncated_to_its_bounds():
    data = tiny_data()
    data["uncertain"] = [
        {
            "name": "demand",
            "scales": ["market.hire_rate_weekly"],
            "distribution": "normal",
            "mean": 1.0,
            "sd": 0.5,
            "min": 0.8,
            "max": 1.2,
        }
    ]
    data["design"] = {"method": "lhs", "points": 40}
    values = design_table(spec_from_dict(data, TINY.parent))["demand"]
    assert values.between(0.8, 1.2).all() and values.std() > 0.05


def test_design_is_reproducible_from_the_root_seed():
    a = design_table(load_spec(TINY))
    b = design_table(load_spec(TINY))
    pd.testing.assert_frame_equal(a, b)
    c = design_table(spec_with(root_seed=8))
    assert not np.allclose(a.to_numpy(), c.to_numpy())


def test_tasks_share_a_seed_across_cycles_and_differ_across_points_and_replications():
    spec = load_spec(TINY)
    ts = tasks(spec)
    assert len(ts) == 3 * 2 * 2 and [t.task for t in ts] == list(range(12))
    key = {(t.point, t.cycle, t.replication): t.seed for t in ts}
    same = key[(1, "historical", 0)], key[(1, "recession", 0)]
    assert same[0].spawn_key == same[1].spawn_key
    assert len({t.seed.spawn_key for t in ts}) == 3 * 2


def test_scaled_factor_multiplies_the_scenario_values_and_strategy_levers_skip_the_baseline():
    spec = load_spec(TINY)
    base = spec.base
    scen = spec.scenarios_at({"caseworker_effectiveness": 1.2, "behaviour.relapse_weekly": 0.01}, "recession")
    for s in scen.values():
        assert s.behaviour.meeting_effort_boost == pytest.approx(1.2 * base.behaviour.meeting_effort_boost)
        assert s.behaviour.relapse_weekly == 0.01 and s.cycle.scenario == "recession"
    assert not scen["baseline"].strategy.levers_moved()
    assert scen["KIK"].strategy.extra_caseworkers == 4


def test_posterior_factor_takes_whole_rows(tmp_path):
    draws = pd.DataFrame(
        {
            "behaviour.relapse_weekly": [0.004, 0.008, 0.012, 0.016],
            "market.hire_rate_weekly": [0.004, 0.005, 0.006, 0.007],
            "weight": [1, 1, 1, 1],
        }
    )
    draws.to_csv(tmp_path / "posterior.csv", index=False)
    data = tiny_data()
    data["scenario"] = "aabenraa_2016"
    data["uncertain"] = [{"posterior": str(tmp_path / "posterior.csv")}]
    data["design"] = {"method": "lhs", "points": 8}
    spec = spec_from_dict(data, TINY.parent)
    table = design_table(spec)
    assert set(table["posterior"]) <= {0, 1, 2, 3}
    for row in table["posterior"]:
        s = spec.scenarios_at({"posterior": row}, "historical")["KIK"]
        i = draws.index[draws["behaviour.relapse_weekly"] == s.behaviour.relapse_weekly][0]
        assert s.market.hire_rate_weekly == draws.at[i, "market.hire_rate_weekly"]


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"replicatons": 2}, UnknownFieldError, "replicatons"),
        ({"replications": 0}, FieldValueError, "replications"),
        ({"replications": "two"}, FieldTypeError, "replications"),
        ({"cycles": ["historical", "depression"]}, FieldValueError, "cycles[1]"),
        ({"design": {"method": "sobol", "points": 6}}, FieldValueError, "design.points"),
        ({"design": {"method": "montecarlo"}}, FieldValueError, "design.method"),
        ({"scenario": "odense"}, FieldValueError, "scenario"),
        (
            {"overrides": {"population": {"activity_ready": -1}}},
            FieldValueError,
            "overrides.population.activity_ready",
        ),
        ({"strategies": [{"name": "nothing", "from": "none"}]}, FieldValueError, "strategies[0]"),
        ({"strategies": [{"name": "baseline"}]}, FieldValueError, "strategies[0].name"),
        (
            {"strategies": [{"name": "x", "extra_caseworkrs": 3}]},
            UnknownFieldError,
            "strategies[0].extra_caseworkrs",
        ),
        ({"outcomes": {"stock_years": [2030]}}, FieldValueError, "outcomes.stock_years"),
        (
            {"uncertain": [{"name": "behaviour.relapse_weekly", "min": 0.02, "max": 0.01}]},
            FieldValueError,
            "uncertain[0].max",
        ),
        (
            {"uncertain": [{"name": "behaviour.relaps", "min": 0.0, "max": 0.01}]},
            UnknownFieldError,
            "uncertain[0].name",
        ),
        (
            {"uncertain": [{"name": "strategy.team", "min": 0.0, "max": 1.0}]},
            FieldTypeError,
            "uncertain[0].name",
        ),
        (
            {
                "uncertain": [
                    {"name": "behaviour.relapse_weekly", "distribution": "beta", "min": 0.0, "max": 1.0}
                ]
            },
            FieldValueError,
            "uncertain[0].distribution",
        ),
        (
            {
                "uncertain": [
                    {"name": "behaviour.relapse_weekly", "distribution": "triangular", "min": 0.0, "max": 0.1}
                ]
            },
            FieldValueError,
            "uncertain[0].mode",
        ),
        (
            {"uncertain": [{"name": "x", "posterior": "missing.csv"}]},
            ScenarioFileError,
            "uncertain[0].posterior",
        ),
        # Sampled values that break a parameter's rule: a share above 1.
        (
            {
                "uncertain": [
                    {"name": "eff", "scales": ["behaviour.meeting_effort_boost"], "min": 1.0, "max": 3.0}
                ]
            },
            FieldValueError,
            "uncertain",
        ),
    ],
)
def test_bad_specs_name_the_field(change, error, field):
    with pytest.raises(error) as info:
        spec_with(**change)
    assert info.value.field == field
    assert "\n" not in str(info.value)


def test_missing_or_invalid_spec_file(tmp_path):
    with pytest.raises(ScenarioFileError, match="not found"):
        load_spec(tmp_path / "none.toml")
    (tmp_path / "bad.toml").write_text("name = [")
    with pytest.raises(ScenarioFileError, match="not valid TOML"):
        load_spec(tmp_path / "bad.toml")


def test_unit_design_without_factors_is_one_point():
    spec = spec_with(uncertain=[])
    assert unit_design(spec).shape == (1, 0)
    assert len(tasks(spec)) == 2 * 2


def test_invalid_design_point_message_says_which_point_and_value():
    with pytest.raises(ScenarioError, match=r"design point \d+ \(eff="):
        spec_with(
            uncertain=[{"name": "eff", "scales": ["behaviour.meeting_effort_boost"], "min": 1.0, "max": 3.0}]
        )
