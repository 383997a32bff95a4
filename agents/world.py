"""What an agent may see of the model it lives in: a protocol, so agents never import the model.

The agents are views: each reads its own row of the model's state arrays. They need the arrays,
the current week and two queries; :class:`raaderum.sim.model.Municipality` provides them. The
layers point down (the model imports the agents, never the reverse), checked by import-linter.
"""

from typing import TYPE_CHECKING, Protocol

import mesa
import numpy as np

if TYPE_CHECKING:
    from .caseworkers import CaseworkerArrays
    from .citizens import CitizenArrays
    from .employers import EmployerArrays


class World(Protocol):
    """The part of the municipality model that its agents read."""

    week: int
    citizens: "CitizenArrays"
    caseworkers: "CaseworkerArrays"
    employers: "EmployerArrays"

    def cases_of(self, slot: int) -> np.ndarray:
        """Ids of the citizens assigned to caseworker ``slot``."""
        ...

    def weeks_on_benefit(self, ids: np.ndarray) -> np.ndarray:
        """Cumulative refund weeks of citizens ``ids``."""
        ...


class WorldModel(mesa.Model, World, Protocol):
    """A Mesa model that is a :class:`World` (what :class:`mesa.Agent` is given)."""
