"""Posterior by approximate Bayesian computation, sequential Monte Carlo (ABC-SMC).

Population Monte Carlo ABC (Beaumont, Cornuet, Marin & Robert 2009, "Adaptive approximate
Bayesian computation", Biometrika 96(4)) with an adaptive tolerance: the threshold of each
generation is a quantile of the previous generation's accepted distances (Del Moral, Doucet &
Jasra 2012; Drovandi & Pettitt 2011).

* Generation 0 draws from the prior and accepts every finite distance (epsilon = inf).
* Generation t >= 1 uses epsilon_t = the *weighted* ``quantile`` of generation t-1's distances
  (weighted by the importance weights, so it estimates the quantile under the previous
  approximate posterior; interpolated at cumulative weight midpoints). Since those distances are
  all <= epsilon_{t-1}, the thresholds never increase. A proposal is accepted when its distance
  is <= epsilon_t.
* Proposals are an ancestor drawn by weight and moved by a Gaussian kernel with covariance
  2 x the weighted covariance of the previous particles (Beaumont 2009), all in the unit cube of
  :meth:`ParameterSpace.to_unit`. A proposal outside [0, 1]^k is rejected *without simulating*
  and re-drawn (ancestor and move), and counted apart from the simulations. Because the
  ancestor is re-drawn too, the density of the proposals is the kernel mixture restricted to
  the cube times a constant, so the usual weight is exact:
  ``w_i ∝ prior(u_i) / sum_j w_j K(u_i | u_j)``. The prior is uniform on the unit cube (that is
  what ``to_unit`` does, for loguniform priors as well), so the numerator is a constant; the
  Jacobian of the map would multiply numerator and denominator alike, so the weights are the
  same as in parameter space.

Determinism: for generation ``t`` every proposal comes from
``default_rng(SeedSequence(seed, spawn_key=(0, t)))`` and proposal ``i`` of generation ``t`` is
simulated with ``SeedSequence(seed, spawn_key=(1, t, i))``. Proposals are drawn and simulated
in batches whose size does not depend on the number of jobs; after each batch, accepted
proposals are taken in proposal order until the population is full and the rest of the batch
is discarded (still counted as simulations). So the same seed gives the same posterior on 1 or
16 cores. This is why we do not use pyabc: its parallel samplers keep whichever particles
finish first, so results depend on the workers and timing (its docs name only the non-parallel
``SingleCoreSampler`` as deterministic).
"""

import contextlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel
from scipy.linalg import cholesky, solve_triangular
from scipy.spatial.distance import cdist
from scipy.special import logsumexp

from .journal import Journal, task_key
from .space import ParameterSpace

log = logging.getLogger(__name__)

Distance = Callable[[np.ndarray, np.random.SeedSequence], float]
"""``distance(theta, seed_sequence) -> float``: simulate at one parameter row and measure the
miss from the data (NaN counts as infinite). Must be picklable (a top-level function or a
``functools.partial`` of one) when ``jobs > 1``."""

_RIDGE = 1e-12  # added to the kernel covariance so a collapsed population still factorises
_MAX_REDRAW_ROUNDS = 10_000  # re-draw rounds for out-of-cube proposals before giving up


@dataclass
class AbcResult:
    """Outcome of ABC-SMC: the last complete generation and the history of the run.

    Attributes:
        names: Parameter names (the space's order).
        particles: Accepted parameter rows of the last complete generation, shape (n, k).
        weights: Normalised importance weights, shape (n,), sum 1.
        distances: Distance of each particle, shape (n,).
        epsilons: Threshold of each complete generation (generation 0: inf).
        simulations: Simulations run in each complete generation.
        acceptance: Accepted / simulated proposals in each complete generation.
    """

    names: list[str]
    particles: np.ndarray
    weights: np.ndarray
    distances: np.ndarray
    epsilons: list[float]
    simulations: list[int]
    acceptance: list[float]

    def table(self) -> pd.DataFrame:
        """One row per particle: parameter values, ``weight`` and ``distance``."""
        df = pd.DataFrame(self.particles, columns=self.names)
        df["weight"] = self.weights
        df["distance"] = self.distances
        return df

    def posterior_sample(self, n: int, seed: int | np.random.SeedSequence) -> pd.DataFrame:
        """``n`` rows resampled by weight (multinomial, with ``default_rng(seed)``).

        Args:
            n: Rows to draw.
            seed: Seed of the resampling.

        Returns:
            A frame with the parameter names as columns.
        """
        rng = np.random.default_rng(seed)
        idx = rng.choice(len(self.weights), size=n, replace=True, p=self.weights)
        return pd.DataFrame(self.particles[idx], columns=self.names)

    def summary(self) -> pd.DataFrame:
        """Per parameter (rows): weighted ``mean``, ``sd``, and quantiles ``q05``, ``q50``, ``q95``."""
        w = self.weights
        rows = {}
        for j, name in enumerate(self.names):
            x = self.particles[:, j]
            mean = float(np.sum(w * x))
            sd = math.sqrt(max(float(np.sum(w * (x - mean) ** 2)), 0.0))
            q05, q50, q95 = weighted_quantile(x, w, [0.05, 0.5, 0.95])
            rows[name] = {"mean": mean, "sd": sd, "q05": q05, "q50": q50, "q95": q95}
        return pd.DataFrame.from_dict(rows, orient="index")


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float | list[float]) -> np.ndarray:
    """Weighted quantiles, interpolated between cumulative-weight midpoints.

    With equal weights this is numpy's ``hazen`` method. The result lies within the range of
    ``values``.

    Args:
        values: Values, shape (n,).
        weights: Non-negative weights, shape (n,), not all zero.
        q: Quantile level(s) in [0, 1].

    Returns:
        The quantile(s), shaped like ``q``.
    """
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cum = (np.cumsum(w) - 0.5 * w) / np.sum(w)
    return np.interp(q, cum, v)


def _evaluate(distance: Distance, theta: np.ndarray, seed: np.random.SeedSequence) -> float:
    d = float(distance(theta, seed))
    return math.inf if math.isnan(d) else d


@dataclass
class _Generation:
    unit: np.ndarray  # (n, k) particles in the unit cube
    particles: np.ndarray  # (n, k) particles in parameter space
    weights: np.ndarray
    distances: np.ndarray
    epsilon: float
    simulations: int
    acceptance: float


class _Kernel:
    """Gaussian perturbation of the previous population in the unit cube (Beaumont 2009)."""

    def __init__(self, prev: _Generation) -> None:
        u, w = prev.unit, prev.weights
        k = u.shape[1]
        cov = 2.0 * np.atleast_2d(np.cov(u, rowvar=False, aweights=w, bias=True))
        self.chol = cholesky(cov + _RIDGE * np.eye(k), lower=True)
        self.unit = u
        self.log_w = np.log(w, where=w > 0, out=np.full_like(w, -np.inf))
        self.weights = w
        self.white = solve_triangular(self.chol, u.T, lower=True).T  # whitened particles

    def propose(self, rng: np.random.Generator, m: int) -> tuple[np.ndarray, int]:
        """``m`` proposals inside the unit cube and the number re-drawn for leaving it."""
        n, k = self.unit.shape
        out: list[np.ndarray] = []
        need, outside = m, 0
        for _ in range(_MAX_REDRAW_ROUNDS):
            if need == 0:
                return np.concatenate(out), outside
            ancestors = rng.choice(n, size=need, p=self.weights)
            cand = self.unit[ancestors] + rng.standard_normal((need, k)) @ self.chol.T
            ok = np.all((cand >= 0.0) & (cand <= 1.0), axis=1)
            out.append(cand[ok])
            outside += int(need - ok.sum())
            need -= int(ok.sum())
        raise RuntimeError("ABC-SMC: the perturbation kernel keeps leaving the unit cube")

    def weights_of(self, u: np.ndarray) -> np.ndarray:
        """Normalised importance weights of new particles ``u`` (uniform prior in the cube)."""
        y = solve_triangular(self.chol, u.T, lower=True).T
        d2 = cdist(y, self.white, "sqeuclidean")
        log_q = logsumexp(self.log_w[None, :] - 0.5 * d2, axis=1)  # kernel constants cancel
        log_w = -log_q
        w = np.exp(log_w - np.max(log_w))
        return w / np.sum(w)


class _StopError(Exception):
    """A generation cannot be completed; the message says why."""


def abc_smc(
    distance: Distance,
    space: ParameterSpace,
    *,
    population: int,
    generations: int,
    seed: int | np.random.SeedSequence,
    jobs: int = 1,
    batch: int | None = None,
    quantile: float = 0.5,
    max_simulations: int | None = None,
    min_acceptance: float = 0.02,
    progress: Callable[[str], None] | None = None,
    journal: Journal | None = None,
) -> AbcResult:
    """Approximate posterior of ``space`` given the data behind ``distance``, by ABC-SMC.

    The run stops after ``generations`` generations, or earlier:

    * when a generation's acceptance rate (accepted / simulated proposals) falls below
      ``min_acceptance``: a generation that completes with such a rate is kept and the run
      stops after it; a generation abandoned once its rate can no longer reach
      ``min_acceptance`` (``population`` not yet accepted after ``population / min_acceptance``
      simulations) is dropped. Generation 0 (the prior) is never stopped for a low rate once
      complete, but if too few prior draws give a finite distance to complete it, the run fails;
    * when the next batch would take the total of simulations above ``max_simulations``: the
      unfinished generation is dropped.

    In every case the last complete generation is returned and the reason is logged.

    Args:
        distance: ``distance(theta, seed_sequence) -> float``; picklable when ``jobs > 1``.
        space: The parameters and their priors.
        population: Accepted particles per generation.
        generations: Generations to run, including generation 0 (the prior).
        seed: Seeds every proposal and simulation: an int ``n`` stands for ``SeedSequence(n)``;
            the spawn keys below are appended to a SeedSequence's own.
        jobs: Parallel workers for joblib (1: a plain loop). Results do not depend on it.
        batch: Proposals simulated together (default ``population``). Results depend on it.
        quantile: Level of the weighted quantile of the previous distances used as threshold.
        max_simulations: Budget of simulations over all generations (None: no budget).
        min_acceptance: Stop when a generation's acceptance rate falls below this.
        progress: Called with one line after each complete generation.
        journal: Distances already simulated (a resumed calibration) and where to record new
            ones, keyed by the proposal and its seed.

    Returns:
        The last complete generation and the per-generation history.

    Raises:
        ValueError: Bad arguments.
        RuntimeError: Generation 0 could not be completed (budget, or too few finite distances).
    """
    batch = population if batch is None else batch
    if population < 2:
        raise ValueError("population must be at least 2")
    if generations < 1:
        raise ValueError("generations must be at least 1")
    if batch < 1:
        raise ValueError("batch must be at least 1")
    if not 0.0 < quantile <= 1.0:
        raise ValueError("quantile must be in (0, 1]")
    if not 0.0 <= min_acceptance < 1.0:
        raise ValueError("min_acceptance must be in [0, 1)")
    if len(space) < 1:
        raise ValueError("the parameter space is empty")

    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    journal = journal if journal is not None else Journal()

    def child(*key: int) -> np.random.SeedSequence:
        return np.random.SeedSequence(
            root.entropy, spawn_key=(*root.spawn_key, *key), pool_size=root.pool_size
        )

    low = np.array([p.low for p in space.parameters])
    high = np.array([p.high for p in space.parameters])
    total = 0
    history: list[_Generation] = []

    def simulate(theta: np.ndarray, t: int, first: int, parallel: Parallel | None) -> np.ndarray:
        seeds = [child(1, t, first + i) for i in range(len(theta))]
        keys = [task_key("abc_distance", row, s) for row, s in zip(theta, seeds, strict=True)]
        calls = [(distance, row, s) for row, s in zip(theta, seeds, strict=True)]
        return np.asarray(journal.map(_evaluate, calls, keys, parallel), dtype=float)

    def generation(t: int, parallel: Parallel | None) -> _Generation:
        nonlocal total
        rng = np.random.default_rng(child(0, t))
        prev = history[-1] if history else None
        if prev is None:
            kernel, epsilon = None, math.inf
        else:
            kernel = _Kernel(prev)
            epsilon = float(weighted_quantile(prev.distances, prev.weights, quantile))
        units, thetas, dists = [], [], []
        accepted = simulated = accepted_all = outside = 0
        while accepted < population:
            if max_simulations is not None and total + batch > max_simulations:
                raise _StopError(
                    f"generation {t} unfinished: the next batch of {batch} would exceed "
                    f"max_simulations={max_simulations} ({total} run)"
                )
            if min_acceptance > 0 and simulated * min_acceptance >= population:
                raise _StopError(
                    f"generation {t} (epsilon {epsilon:.4g}) abandoned: {accepted_all} of {simulated} "
                    f"accepted, acceptance can no longer reach min_acceptance={min_acceptance}"
                )
            if kernel is None:
                u = rng.random((batch, len(space)))
            else:
                u, out = kernel.propose(rng, batch)
                outside += out
            theta = np.clip(space.from_unit(u), low, high)
            d = simulate(theta, t, simulated, parallel)
            simulated += batch
            total += batch
            ok = np.isfinite(d) & (d <= epsilon)
            accepted_all += int(ok.sum())
            take = np.flatnonzero(ok)[: population - accepted]
            units.append(u[take])
            thetas.append(theta[take])
            dists.append(d[take])
            accepted += len(take)
        u = np.concatenate(units)
        weights = np.full(population, 1.0 / population) if kernel is None else kernel.weights_of(u)
        gen = _Generation(
            unit=u,
            particles=np.concatenate(thetas),
            weights=weights,
            distances=np.concatenate(dists),
            epsilon=epsilon,
            simulations=simulated,
            acceptance=accepted_all / simulated,
        )
        ess = 1.0 / float(np.sum(weights**2))
        msg = (
            f"ABC-SMC generation {t}: epsilon {epsilon:.4g}, {simulated} simulations, "
            f"acceptance {gen.acceptance:.3f}, {outside} out-of-bounds re-draws, ESS {ess:.0f}"
        )
        log.info(msg)
        if progress:
            progress(msg)
        return gen

    with Parallel(n_jobs=jobs, return_as="generator") if jobs != 1 else contextlib.nullcontext() as parallel:
        for t in range(generations):
            try:
                history.append(generation(t, parallel))
            except _StopError as stop:
                if not history:
                    raise RuntimeError(f"ABC-SMC could not complete generation 0: {stop}") from None
                log.warning("ABC-SMC stopped early, returning generation %d: %s", t - 1, stop)
                break
            if t > 0 and history[-1].acceptance < min_acceptance and t < generations - 1:
                log.warning(
                    "ABC-SMC stopped early after generation %d: acceptance %.4f below min_acceptance=%g",
                    t,
                    history[-1].acceptance,
                    min_acceptance,
                )
                break
        else:
            log.info("ABC-SMC finished %d generations, %d simulations", generations, total)

    last = history[-1]
    return AbcResult(
        names=list(space.names),
        particles=last.particles,
        weights=last.weights,
        distances=last.distances,
        epsilons=[g.epsilon for g in history],
        simulations=[g.simulations for g in history],
        acceptance=[g.acceptance for g in history],
    )
