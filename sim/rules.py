"""What the weekly rule mixins may use of the model.

:class:`raaderum.sim.model.Municipality` combines the rule mixins (casework, labour market, life events,
accounting). Each mixin subclasses :class:`ModelParts`, which only declares the attributes the
model provides, so that a reader (and a type checker) sees the contract in one place.
"""

import numpy as np

from ..agents.caseworkers import CaseworkerArrays
from ..agents.citizens import CitizenArrays
from ..agents.employers import EmployerArrays
from .cycle import BusinessCycle
from .records import WeeklyRecords
from .scenario import Scenario
from .streams import RandomStreams


class ModelParts:
    """Attributes of the model that the rules read and write (declarations only)."""

    params: Scenario
    streams: RandomStreams
    cycle: BusinessCycle
    citizens: CitizenArrays
    caseworkers: CaseworkerArrays
    employers: EmployerArrays
    n_weeks: int
    _records: WeeklyRecords
    #: First week of the strategy period and the first week after it.
    _period: tuple[int, int]
    #: This week's new states, who has changed state already, and who was met.
    _new: np.ndarray
    _moved: np.ndarray
    _met: np.ndarray
    #: Demand multiplier and lay-off factor of every firm in every week (weeks × firms).
    _firm_demand: np.ndarray
    _layoff_factor: np.ndarray
    #: Vacancies open to the unemployed by week and firm.
    _vacancies: np.ndarray
    #: Relapse hazard multiplier by weeks since exit.
    _decay: np.ndarray
    _rates_by_year: dict[int, np.ndarray]
    #: First week of each refund band, and each band's refund rate above the last band's.
    _refund_first_weeks: np.ndarray
    _refund_above_last: np.ndarray
    _earnings_total: float
