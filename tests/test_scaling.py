"""Scaling a municipality, and the national scenario."""

import dataclasses

import numpy as np
import pytest

from raaderum.sim.cli import main
from raaderum.sim.model import Municipality
from raaderum.sim.scaling import SCALED_COUNTS, initial_citizens, scale_scenario, scale_to_citizens
from raaderum.sim.scenario import builtin_scenarios, default_scenario, resolve_scenario


def test_counts_scale_and_rates_do_not():
    base = default_scenario()
    big = scale_scenario(base, 10)
    for path in SCALED_COUNTS:
        assert big.get(path) == pytest.approx(base.get(path) * 10)
    for path in ("behaviour.relapse_weekly", "staff.recommended_caseload", "budget.refund_rates"):
        assert big.get(path) == base.get(path)
    assert big.name == "aabenraa-2016-x10"


def test_small_scales_keep_a_team_and_a_market():
    tiny = scale_scenario(default_scenario(), 0.001)
    assert tiny.staff.caseworkers_job_ready == 1 and tiny.market.employers == 1
    assert initial_citizens(scale_to_citizens(default_scenario(), 1000)) == pytest.approx(1000, abs=3)
    with pytest.raises(ValueError, match="positive"):
        scale_scenario(default_scenario(), 0)


def test_a_scaled_municipality_has_proportional_stocks():
    """Three times the municipality: three times the benefit stocks after half a year.

    The total within 3 %, each state within 12 % (the smallest stock, education-ready, is about
    160 in the small run, so its Poisson noise alone is about 8 %).
    """
    # From the drawn start: after a burn-in the stocks are the steady state of each run's own firms,
    # whose total size varies much from draw to draw (Pareto shape 1.6 has no finite variance), so
    # one run per size cannot show proportionality within these bounds.
    base = default_scenario().baseline().replace(end_year=2015).with_values({"population.burn_in_years": 0})
    stocks = []
    for sc in (base, scale_scenario(base, 3)):
        model = Municipality(sc, agent_views=False)
        for _ in range(26):
            model.step()
        stocks.append(model.records.stocks[25].astype(float))
    ratio = stocks[1][:7] / stocks[0][:7]  # the benefit states
    assert np.all(np.abs(ratio / 3 - 1) < 0.12), ratio
    assert stocks[1][:7].sum() / stocks[0][:7].sum() == pytest.approx(3, rel=0.03)


def test_national_scenario_is_the_default_scaled_by_95():
    national = resolve_scenario("denmark_national")
    scaled = scale_scenario(default_scenario(), 95, name=national.name)
    scaled = scaled.replace(strategy=dataclasses.replace(scaled.strategy, name=national.strategy.name))
    # the documented exceptions (the scenario file's header): no burn-in, the disability-pension
    # stock of the benchmarks and no disability-pension inflow
    exceptions = {
        "population.burn_in_years": 0,
        "population.disability_pension": 247_000,
        "inflow.disability_pension": 0.0,
    }
    assert national == scaled.with_values(exceptions)
    assert initial_citizens(national) == 551_000
    assert "denmark_national" in builtin_scenarios()


def test_run_takes_a_builtin_name_and_refuses_an_unknown_one(tmp_path, capsys):
    assert main(["run", "isu_taarnby", "--out", str(tmp_path / "out"), "--no-attribution"]) == 0  # shortest
    assert (tmp_path / "out" / "summary.json").exists()
    capsys.readouterr()
    assert main(["run", "aarhus", "--out", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "raaderum: error: no scenario file or built-in scenario 'aarhus' "
        "(built-in: aabenraa_2016, aabenraa_kik, denmark_national, hjorring_2015, isu_fureso, isu_taarnby, "
        "skanderborg_2014)"
    )
    assert not (tmp_path / "none").exists()


def test_a_large_finished_model_is_freed_before_the_next_run(monkeypatch):
    """run_single collects a large model at once (its agents refer back to it, a reference cycle)."""
    import weakref

    from raaderum.experiments import paired

    made = []

    class Recorded(Municipality):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(weakref.ref(self))

    monkeypatch.setattr(paired, "Municipality", Recorded)
    monkeypatch.setattr(paired, "LARGE_MODEL_CITIZENS", 0)
    paired.run_single(
        scale_scenario(default_scenario(), 0.05).with_values({"end_year": 2016, "strategy.end_year": 2016})
    )
    assert len(made) == 1 and made[0]() is None
