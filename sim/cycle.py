"""The business cycle: a weekly path of the unemployment rate and the labour-demand index."""

import numpy as np

from .parameters import Cycle, Market
from .scenario import WEEKS_PER_YEAR

#: Danish unemployment rate, Labour Force Survey (AKU), per cent. Source: docs/CASES.md.
HISTORICAL_UNEMPLOYMENT: dict[int, float] = {
    2010: 7.75,
    2011: 7.77,
    2012: 7.80,
    2013: 7.38,
    2014: 6.93,
    2015: 6.28,
    2016: 5.99,
    2017: 5.83,
    2018: 5.13,
    2019: 5.02,
    2020: 5.64,
    2021: 5.07,
    2022: 4.43,
}


def historical_path(start_year: int, n_weeks: int) -> np.ndarray:
    """Annual rates placed at mid-year and interpolated by week; held flat outside 2010-2022."""
    years = np.array(sorted(HISTORICAL_UNEMPLOYMENT), dtype=float)
    rates = np.array([HISTORICAL_UNEMPLOYMENT[int(y)] for y in years])
    t = start_year + (np.arange(n_weeks) + 0.5) / WEEKS_PER_YEAR
    return np.interp(t, years + 0.5, rates)


def _shock_path(start_year: int, n_weeks: int, p: Cycle, target: float) -> np.ndarray:
    """Historical path until the shock starts, then a linear move to ``target``, then flat."""
    path = historical_path(start_year, n_weeks)
    t = start_year + np.arange(n_weeks) / WEEKS_PER_YEAR
    at_start = np.interp(p.shock_start_year, t, path)
    progress = np.clip((t - p.shock_start_year) / p.shock_years, 0.0, 1.0)
    shocked = at_start + (target - at_start) * progress
    return np.where(t < p.shock_start_year, path, shocked)


def stochastic_path(start_year: int, n_weeks: int, p: Cycle, rng: np.random.Generator) -> np.ndarray:
    """Two-regime Markov-switching path (expansion / recession), seeded.

    The path starts at the historical value of the start year. Regimes last a geometric number
    of weeks with the given means; in each the rate drifts and gets Gaussian noise, bounded.
    """
    switch_out = np.array(
        [1 / (p.expansion_mean_years * WEEKS_PER_YEAR), 1 / (p.recession_mean_years * WEEKS_PER_YEAR)]
    )
    drift = np.array([p.expansion_drift, p.recession_drift]) / WEEKS_PER_YEAR
    u_switch = rng.random(n_weeks)
    noise = rng.normal(0.0, p.noise_sd, n_weeks)
    path = np.empty(n_weeks)
    u = historical_path(start_year, 1)[0]
    regime = 0
    for w in range(n_weeks):
        if u_switch[w] < switch_out[regime]:
            regime = 1 - regime
        u = min(max(u + drift[regime] + noise[w], p.min_unemployment), p.max_unemployment)
        path[w] = u
    return path


class BusinessCycle:
    """Unemployment rate and labour-demand index for every week of a run.

    Args:
        params: Cycle scenario and its settings.
        market: Reference unemployment and demand elasticity.
        start_year: First simulated year.
        n_weeks: Number of weeks.
        rng: Generator for the stochastic scenario (the ``cycle`` stream).
    """

    def __init__(
        self, params: Cycle, market: Market, start_year: int, n_weeks: int, rng: np.random.Generator
    ) -> None:
        kind = params.scenario
        if kind == "historical":
            path = historical_path(start_year, n_weeks)
        elif kind == "flat":
            path = np.full(n_weeks, historical_path(start_year, 1)[0])
        elif kind == "boom":
            path = _shock_path(start_year, n_weeks, params, params.boom_unemployment)
        elif kind == "recession":
            path = _shock_path(start_year, n_weeks, params, params.recession_unemployment)
        elif kind == "stochastic":
            path = stochastic_path(start_year, n_weeks, params, rng)
        else:  # validated in Scenario; kept for direct use
            raise ValueError(f"unknown cycle scenario {kind!r}")
        self.scenario = kind
        self.unemployment = path
        #: Labour demand relative to the reference unemployment rate (1 = reference).
        self.demand = np.exp(-market.demand_elasticity * (path - market.reference_unemployment))
