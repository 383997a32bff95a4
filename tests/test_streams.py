import numpy as np

from raaderum.sim.streams import RandomStreams


def test_counter_draws_do_not_depend_on_who_else_is_drawn():
    s = RandomStreams(7)
    ids = np.arange(1000)
    all_draws = s.uniform("job_finding", 12, ids)
    subset = np.array([3, 500, 999])
    np.testing.assert_array_equal(s.uniform("job_finding", 12, subset), all_draws[subset])


def test_draws_differ_by_purpose_week_draw_and_seed():
    ids = np.arange(5000)
    s = RandomStreams(7)
    a = s.uniform("job_finding", 1, ids)
    assert not np.array_equal(a, s.uniform("relapse", 1, ids))
    assert not np.array_equal(a, s.uniform("job_finding", 2, ids))
    assert not np.array_equal(a, s.uniform("job_finding", 1, ids, draw=1))
    assert not np.array_equal(a, RandomStreams(8).uniform("job_finding", 1, ids))
    np.testing.assert_array_equal(a, RandomStreams(7).uniform("job_finding", 1, ids))


def test_counter_draws_look_uniform():
    u = RandomStreams(3).uniform("meeting", 5, np.arange(200_000))
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
