import pytest

from raaderum.sim.errors import FieldTypeError, FieldValueError, ScenarioFileError, UnknownFieldError
from raaderum.sim.parameters import Population, Strategy
from raaderum.sim.scenario import (
    builtin_scenario_path,
    default_scenario,
    load_scenario,
    parameter_type,
    scenario_from_dict,
)


def test_default_scenario_is_aabenraa_kik():
    sc = default_scenario()
    assert sc.population.activity_ready == 1000
    assert sc.strategy.extra_caseworkers == 14
    assert sc.strategy.budget_dkk == 68_000_000
    assert (sc.start_year, sc.end_year) == (2015, 2022)
    assert sc.n_weeks == 8 * 52


def test_baseline_has_no_levers():
    base = default_scenario().baseline()
    assert base.strategy == Strategy(name="baseline")
    assert base.population == default_scenario().population


@pytest.mark.parametrize(
    ("data", "error", "field", "words"),
    [
        ({"bogus": 1}, UnknownFieldError, "bogus", "valid keys: name, seed"),
        ({"population": {"citizens": 3}}, UnknownFieldError, "population.citizens", "activity_ready"),
        ({"population": {"activity_ready": "many"}}, FieldTypeError, "population.activity_ready", "integer"),
        ({"population": {"activity_ready": 1.5}}, FieldTypeError, "population.activity_ready", "integer"),
        ({"population": {"activity_ready": -5}}, FieldValueError, "population.activity_ready", ">= 0"),
        ({"staff": {"caseworkers_sickness": 0}}, FieldValueError, "staff.caseworkers_sickness", "> 0"),
        ({"staff": {"admin_share": 1.2}}, FieldValueError, "staff.admin_share", "[0, 1]"),
        ({"start_year": 2020, "end_year": 2018}, FieldValueError, "end_year", "before it starts"),
        (
            {"strategy": {"start_year": 2019, "end_year": 2017}},
            FieldValueError,
            "strategy.end_year",
            "before",
        ),
        ({"cycle": {"scenario": "roaring"}}, FieldValueError, "cycle.scenario", "historical"),
        ({"strategy": {"team": "cleaners"}}, FieldValueError, "strategy.team", "activity_ready"),
        ({"strategy": {"integrated_casework": 1}}, FieldTypeError, "strategy.integrated_casework", "true"),
        ({"budget": {"refund_rates": [0.8, 0.4]}}, FieldValueError, "budget.refund_rates", "4 values"),
        (
            {"budget": {"refund_rates": [0.8, 0.4, 0.3, 2.0]}},
            FieldValueError,
            "budget.refund_rates[3]",
            "[0, 1]",
        ),
        ({"population": 5}, FieldTypeError, "population", "table"),
        ({"discount_rate": float("nan")}, FieldValueError, "discount_rate", "finite"),
    ],
)
def test_bad_fields_name_the_field(data, error, field, words):
    with pytest.raises(error) as info:
        scenario_from_dict(data)
    assert info.value.field == field
    assert words in str(info.value)
    assert "\n" not in str(info.value)


def test_python_objects_are_validated_too():
    with pytest.raises(FieldValueError, match="population.sickness"):
        Population(sickness=-1)


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ScenarioFileError, match="not found"):
        load_scenario(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[strategy\n")
    with pytest.raises(ScenarioFileError, match="not valid TOML"):
        load_scenario(bad)


def test_builtin_file_loads():
    assert load_scenario(builtin_scenario_path()) == default_scenario()


def test_every_parameter_source_names_a_published_document_or_says_what_it_is():
    """No internal labels (seed numbers, issue numbers, files outside the repository)."""
    import dataclasses

    from raaderum.sim.fields import describe
    from raaderum.sim.scenario import Scenario
    from raaderum.sim.sources import SOURCES

    sections = [Scenario] + [f.type for f in dataclasses.fields(Scenario) if dataclasses.is_dataclass(f.type)]
    for cls in sections:
        for row in describe(cls):
            source = row["source"]
            for label in ("seed 0", "seeds 0", "CASES.md", "issue "):
                assert label not in source, f"{row['name']}: {source}"
            own = source == "-" or source.startswith(("assumption", "calibrated"))
            named = [name for name in SOURCES if name in source]
            assert own or named, f"{row['name']}: {source!r} names no document of raaderum.sim.sources"
            if source.startswith("calibrated"):
                assert "calibration/fitted.toml" in source


def test_the_sources_have_titles_authors_and_dates_and_the_case_digest_cites_them():
    from pathlib import Path

    from raaderum.sim.sources import SOURCES, cite

    digest = (Path(__file__).parents[1] / "docs" / "CASES.md").read_text(encoding="utf-8")
    for name, source in SOURCES.items():
        assert source.name == name and source.title and source.author and source.date
        assert source.url == "" or source.url.startswith(("http://", "https://"))
        assert f"**{name}**" in digest, f"docs/CASES.md does not digest {name}"
    assert cite("STAR rates", "2016") == "STAR rates: 2016"
    with pytest.raises(KeyError, match="no source"):
        cite("seed 001")


def test_one_element_of_a_sequence_parameter_is_named_by_its_index():
    sc = default_scenario()
    factors = sc.behaviour.job_search_factor
    assert parameter_type("behaviour.job_search_factor[1]") is float
    assert sc.get("behaviour.job_search_factor[1]") == factors[1]
    changed = sc.with_values({"behaviour.job_search_factor[1]": 0.2, "behaviour.job_search_factor[4]": 0.1})
    assert changed.behaviour.job_search_factor == (factors[0], 0.2, *factors[2:4], 0.1)
    with pytest.raises(FieldValueError, match=r"behaviour.job_search_factor\[1\]"):
        sc.with_values({"behaviour.job_search_factor[1]": -1.0})


@pytest.mark.parametrize(
    "path, words",
    [
        ("behaviour.job_search_factor[5]", "no element 5"),
        ("behaviour.relapse_weekly[0]", "not a sequence"),
        ("behaviour.job_search_factor[one]", "non-negative integer"),
    ],
)
def test_a_bad_element_index_names_the_path(path, words):
    with pytest.raises(UnknownFieldError, match=words) as info:
        parameter_type(path)
    assert "\n" not in str(info.value)
