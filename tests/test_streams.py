import numpy as np
import pytest

from raaderum.sim.streams import DECISIONS, PURPOSES, RandomStreams


def test_counter_draws_do_not_depend_on_who_else_is_drawn():
    s = RandomStreams(7)
    ids = np.arange(1000)
    all_draws = s.uniform("job_offer", 12, ids)
    subset = np.array([3, 500, 999])
    np.testing.assert_array_equal(s.uniform("job_offer", 12, subset), all_draws[subset])


def test_draws_differ_by_purpose_week_draw_and_seed():
    ids = np.arange(5000)
    s = RandomStreams(7)
    a = s.keyed_uniform("job_finding", 1, ids)
    assert not np.array_equal(a, s.keyed_uniform("relapse", 1, ids))
    assert not np.array_equal(a, s.keyed_uniform("job_finding", 2, ids))
    assert not np.array_equal(a, s.keyed_uniform("job_finding", 1, ids, draw=1))
    assert not np.array_equal(a, RandomStreams(8).keyed_uniform("job_finding", 1, ids))
    np.testing.assert_array_equal(a, RandomStreams(7).keyed_uniform("job_finding", 1, ids))


def test_counter_draws_look_uniform():
    u = RandomStreams(3).keyed_uniform("meeting", 5, np.arange(200_000))
    assert u.min() >= 0 and u.max() < 1
    hist, _ = np.histogram(u, bins=20, range=(0, 1))
    expected = len(u) / 20
    chi2 = ((hist - expected) ** 2 / expected).sum()
    assert chi2 < 45  # 19 degrees of freedom, p ~ 0.001
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01


def test_a_seed_sequence_gives_the_same_streams_every_time_it_is_used():
    seed = np.random.SeedSequence(42).spawn(3)[2]
    first = RandomStreams(seed).generator("inflow").random(5)
    again = RandomStreams(seed).generator("inflow").random(5)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, RandomStreams(np.random.SeedSequence(42)).generator("inflow").random(5))


def test_every_decision_has_a_key_of_its_own():
    keys = [(d.purpose, d.draw) for d in DECISIONS.values()]
    assert len(set(keys)) == len(keys), "two decisions would draw the same (key, week, agent) numbers"
    assert all(d.purpose in PURPOSES and 0 <= d.draw < 256 and d.doc for d in DECISIONS.values())
    s = RandomStreams(7)
    ids = np.arange(3000)
    draws = {name: s.uniform(name, 9, ids) for name in DECISIONS}
    for a in DECISIONS:
        for b in DECISIONS:
            if a < b:
                assert not np.array_equal(draws[a], draws[b]), (a, b)
    with pytest.raises(KeyError, match="undeclared random decision"):
        s.uniform("employer_choice", 1, ids)


def test_the_rules_make_every_declared_decision_and_no_other(monkeypatch):
    """A whole run with every lever on and a burn-in: the decisions drawn are exactly the declared ones."""
    import dataclasses

    from raaderum.sim.model import Municipality
    from raaderum.sim.scenario import default_scenario

    used: set[str] = set()
    real = RandomStreams.uniform

    def recording(self, decision, week, ids):
        used.add(decision)
        return real(self, decision, week, ids)

    monkeypatch.setattr(RandomStreams, "uniform", recording)
    sc = default_scenario().with_values(
        {"end_year": 2017, "strategy.end_year": 2017, "population.burn_in_years": 2}
    )
    sc = sc.replace(
        strategy=dataclasses.replace(
            sc.strategy, screening_triage=True, enterprise_oriented=True, relapse_followup=True
        )
    )
    Municipality(sc, agent_views=False).run()
    assert used == set(DECISIONS)
