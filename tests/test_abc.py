"""ABC-SMC (calibration/abc.py) on toy problems with known answers."""

import functools
import math

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from raaderum.calibration.abc import _Generation, _Kernel, abc_smc, weighted_quantile
from raaderum.calibration.space import Parameter, ParameterSpace


def normal_mean(theta, seed, y_obs=1.0, sd=0.5):
    """One draw y ~ N(theta, sd); distance |y - y_obs|."""
    y = np.random.default_rng(seed).normal(theta[0], sd)
    return abs(y - y_obs)


def two_d(theta, seed):
    """a ~ uniform, b ~ loguniform; observed a = 0.3, log10 b = 0.5."""
    rng = np.random.default_rng(seed)
    y1 = rng.normal(theta[0], 0.05)
    y2 = rng.normal(math.log10(theta[1]), 0.1)
    return math.hypot(y1 - 0.3, y2 - 0.5)


def sometimes_nan(theta, seed):
    d = normal_mean(theta, seed)
    return float("nan") if theta[0] < -4.0 else d


NORMAL = ParameterSpace((Parameter("theta", -5.0, 5.0),))
TWO_D = ParameterSpace((Parameter("a", 0.0, 1.0), Parameter("b", 0.01, 100.0, prior="loguniform")))


def assert_same(r1, r2):
    np.testing.assert_array_equal(r1.particles, r2.particles)
    np.testing.assert_array_equal(r1.weights, r2.weights)
    np.testing.assert_array_equal(r1.distances, r2.distances)
    assert r1.epsilons == r2.epsilons
    assert r1.simulations == r2.simulations
    assert r1.acceptance == r2.acceptance


def test_known_posterior_of_a_normal_mean():
    lines = []
    res = abc_smc(normal_mean, NORMAL, population=300, generations=6, seed=1, progress=lines.append)
    assert len(lines) == 6
    assert res.particles.shape == (300, 1)
    assert res.weights.sum() == pytest.approx(1.0)
    mean = float(np.sum(res.weights * res.particles[:, 0]))
    sd = math.sqrt(float(np.sum(res.weights * (res.particles[:, 0] - mean) ** 2)))
    # prior uniform on [-5, 5] barely truncates N(1, 0.5^2)
    assert abs(mean - 1.0) < 0.15
    assert abs(sd - 0.5) < 0.3 * 0.5
    assert np.all(res.distances <= res.epsilons[-1])
    summary = res.summary()
    assert summary.loc["theta", "mean"] == pytest.approx(mean)
    assert summary.loc["theta", "q05"] < summary.loc["theta", "q50"] < summary.loc["theta", "q95"]
    assert summary.loc["theta", "q50"] == pytest.approx(1.0, abs=0.2)


def test_same_seed_same_result_whatever_the_jobs():
    kwargs = {"population": 20, "generations": 3, "seed": 7, "batch": 8}
    r1 = abc_smc(normal_mean, NORMAL, jobs=1, **kwargs)
    assert_same(r1, abc_smc(normal_mean, NORMAL, jobs=1, **kwargs))
    assert_same(r1, abc_smc(functools.partial(normal_mean, sd=0.5), NORMAL, jobs=2, **kwargs))
    assert len(r1.epsilons) == 3
    del kwargs["batch"]  # the default batch does not depend on jobs either
    assert_same(abc_smc(two_d, TWO_D, jobs=1, **kwargs), abc_smc(two_d, TWO_D, jobs=2, **kwargs))


def test_different_seeds_give_different_particles():
    r1 = abc_smc(normal_mean, NORMAL, population=20, generations=2, seed=1)
    r2 = abc_smc(normal_mean, NORMAL, population=20, generations=2, seed=2)
    assert not np.array_equal(r1.particles, r2.particles)


def test_batch_changes_nothing_but_the_discarded_tail_in_generation_0():
    # generation 0 accepts everything, so any batch gives the first `population` proposals
    r1 = abc_smc(normal_mean, NORMAL, population=12, generations=1, seed=3, batch=5)
    r2 = abc_smc(normal_mean, NORMAL, population=12, generations=1, seed=3, batch=12)
    np.testing.assert_array_equal(r1.particles, r2.particles)
    assert r1.simulations == [15] and r2.simulations == [12]


def test_two_d_with_loguniform_parameter_concentrates():
    res = abc_smc(two_d, TWO_D, population=200, generations=6, seed=5, quantile=0.3)
    assert np.all(TWO_D.inside(res.particles))
    unit = TWO_D.to_unit(res.particles)
    mean = res.weights @ unit
    sd = np.sqrt(res.weights @ (unit - mean) ** 2)
    prior_sd = 1 / math.sqrt(12)  # the prior is uniform on the unit cube
    assert np.all(sd < 0.3 * prior_sd)  # exact posterior: 0.17 and 0.09 of it
    s = res.summary()
    assert s.loc["a", "mean"] == pytest.approx(0.3, abs=0.05)
    assert math.log10(s.loc["b", "q50"]) == pytest.approx(0.5, abs=0.2)
    # the loguniform parameter concentrates in its own units too
    prior_b = TWO_D.sample(np.random.default_rng(0), 20_000)[:, 1]
    assert s.loc["b", "sd"] < 0.2 * prior_b.std()


def test_max_simulations_returns_last_complete_generation(caplog):
    with caplog.at_level("WARNING", logger="raaderum.calibration.abc"):
        full = abc_smc(
            normal_mean, NORMAL, population=30, generations=10, seed=11, batch=10, max_simulations=400
        )
    assert "max_simulations" in caplog.text
    assert 1 < len(full.epsilons) < 10
    assert sum(full.simulations) <= 400
    assert full.epsilons[0] == math.inf
    assert all(a >= b for a, b in zip(full.epsilons, full.epsilons[1:], strict=False))
    assert full.epsilons[1] > full.epsilons[-1]
    # the same as a run asked for exactly that many generations
    g = len(full.epsilons)
    assert_same(full, abc_smc(normal_mean, NORMAL, population=30, generations=g, seed=11, batch=10))


def test_min_acceptance_stops_early(caplog):
    with caplog.at_level("WARNING", logger="raaderum.calibration.abc"):
        res = abc_smc(normal_mean, NORMAL, population=30, generations=8, seed=2, min_acceptance=0.6)
    assert "min_acceptance" in caplog.text
    assert len(res.epsilons) <= 2
    assert res.particles.shape == (30, 1)


def test_generation_0_must_complete():
    with pytest.raises(RuntimeError, match="generation 0"):
        abc_smc(normal_mean, NORMAL, population=30, generations=3, seed=2, max_simulations=20)


def test_nan_distances_are_rejected():
    res = abc_smc(sometimes_nan, NORMAL, population=50, generations=2, seed=4)
    assert np.all(np.isfinite(res.distances))
    assert np.all(res.particles[:, 0] >= -4.0)
    assert res.acceptance[0] < 1.0


def test_bad_arguments():
    with pytest.raises(ValueError):
        abc_smc(normal_mean, NORMAL, population=1, generations=2, seed=0)
    with pytest.raises(ValueError):
        abc_smc(normal_mean, NORMAL, population=10, generations=2, seed=0, quantile=0.0)


def test_posterior_sample():
    res = abc_smc(two_d, TWO_D, population=40, generations=3, seed=9)
    sample = res.posterior_sample(500, seed=1)
    assert sample.shape == (500, 2)
    assert list(sample.columns) == TWO_D.names
    assert np.all(TWO_D.inside(sample.to_numpy()))
    assert sample.equals(res.posterior_sample(500, seed=1))
    assert not sample.equals(res.posterior_sample(500, seed=2))
    # rows are particles, drawn in proportion to weight
    table = res.table()
    assert list(table.columns) == ["a", "b", "weight", "distance"]
    assert set(map(tuple, sample.to_numpy())) <= set(map(tuple, res.particles))


def test_weighted_quantile():
    x = np.array([3.0, 1.0, 2.0, 4.0])
    assert weighted_quantile(x, np.ones(4), 0.5) == pytest.approx(np.quantile(x, 0.5, method="hazen"))
    assert weighted_quantile(x, np.array([0.0, 0.0, 0.0, 1.0]), 0.5) == pytest.approx(4.0)


def test_importance_weights_match_direct_formula():
    rng = np.random.default_rng(0)
    unit = rng.random((15, 2))
    w = rng.random(15)
    w /= w.sum()
    prev = _Generation(unit, unit, w, np.zeros(15), math.inf, 15, 1.0)
    kernel = _Kernel(prev)
    cov = 2 * np.cov(unit, rowvar=False, aweights=w, bias=True)
    new, outside = kernel.propose(rng, 10)
    assert new.shape == (10, 2) and np.all((new >= 0) & (new <= 1)) and outside >= 0
    q = np.array([sum(w[j] * multivariate_normal(unit[j], cov).pdf(x) for j in range(15)) for x in new])
    np.testing.assert_allclose(kernel.weights_of(new), (1 / q) / np.sum(1 / q), rtol=1e-8)
