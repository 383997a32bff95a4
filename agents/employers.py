"""Employers: firms with a size and a sector, vacancies driven by the business cycle."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from ..sim.parameters import Market

if TYPE_CHECKING:
    from .world import WorldModel


@dataclass(frozen=True)
class Sector:
    """An industry: its share of firms and how strongly its demand follows the cycle."""

    name: str
    share: float
    cycle_sensitivity: float  # sector demand = demand index ** sensitivity


#: Sectors. Source: assumption, ordered as Statistics Denmark's 10-industry grouping; cyclical
#: sensitivity high in construction and manufacturing, low in public services.
SECTORS: tuple[Sector, ...] = (
    Sector("manufacturing", 0.15, 1.5),
    Sector("construction", 0.10, 2.0),
    Sector("trade_transport", 0.25, 1.2),
    Sector("agriculture", 0.05, 0.8),
    Sector("private_services", 0.25, 1.0),
    Sector("public_services", 0.20, 0.3),
)


class EmployerArrays:
    """Firm arrays. Sizes are Pareto-distributed; sectors drawn by share.

    Args:
        market: Market parameters.
        rng: The ``employer_setup`` stream.
    """

    def __init__(self, market: Market, rng: np.random.Generator) -> None:
        n = market.employers
        shares = np.array([s.share for s in SECTORS])
        self.sector = rng.choice(len(SECTORS), size=n, p=shares / shares.sum()).astype(np.int8)
        shape = market.firm_size_shape
        raw = (rng.pareto(shape, n) + 1) * market.mean_firm_size * (shape - 1) / shape
        self.size = np.maximum(np.round(raw), 1.0)
        self.sensitivity = np.array([s.cycle_sensitivity for s in SECTORS])[self.sector]
        self.vacancies = np.zeros(n, dtype=np.int64)
        self.hires = np.zeros(n, dtype=np.int64)
        self.internships = np.zeros(n, dtype=np.int64)
        self.layoffs = np.zeros(n, dtype=np.int64)
        self.n = n

    def draw_vacancies(self, demand: np.ndarray, hire_rate: float, rng: np.random.Generator) -> np.ndarray:
        """Vacancies open to the unemployed, per week and firm (Poisson), for the whole run.

        Demand follows the exogenous business cycle, so every week's draw is made at once; the
        numbers are the same as drawing week by week from the same stream.

        Args:
            demand: Each firm's demand multiplier by week, ``index ** sensitivity`` (weeks × firms).
            hire_rate: Hires from unemployment per employee-week at reference demand.
            rng: The ``employer_demand`` stream.
        """
        return rng.poisson(self.size[None, :] * hire_rate * demand)

    def pick(self, weights: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Choose a firm per uniform ``u`` with probability proportional to ``weights``."""
        cdf = np.cumsum(weights, dtype=float)
        if cdf[-1] <= 0:
            cdf = np.cumsum(self.size)
        return np.minimum(np.searchsorted(cdf, u * cdf[-1], side="right"), self.n - 1).astype(np.int32)


class Employer(mesa.Agent):
    """A firm. Reads the model's :class:`EmployerArrays`.

    Args:
        model: The municipality.
        index: Row of the firm in the arrays.
    """

    def __init__(self, model: "WorldModel", index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def sector(self) -> str:
        """Industry name."""
        return SECTORS[int(self.model.employers.sector[self.index])].name

    @property
    def size(self) -> int:
        """Employees."""
        return int(self.model.employers.size[self.index])

    @property
    def vacancies(self) -> int:
        """Vacancies open to the unemployed in the last simulated week."""
        return int(self.model.employers.vacancies[self.index])

    @property
    def hires_from_municipality(self) -> int:
        """Citizens on municipal benefit hired so far."""
        return int(self.model.employers.hires[self.index])

    @property
    def internships(self) -> int:
        """Internships (virksomhedspraktik) hosted so far."""
        return int(self.model.employers.internships[self.index])

    @property
    def layoffs(self) -> int:
        """Former benefit recipients who lost their job here so far."""
        return int(self.model.employers.layoffs[self.index])
