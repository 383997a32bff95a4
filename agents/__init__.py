"""The three agent kinds: citizens, caseworkers and employers (Mesa agents over state arrays)."""

from .caseworkers import Caseworker, CaseworkerArrays
from .citizens import Citizen, CitizenArrays
from .employers import Employer, EmployerArrays

__all__ = [
    "Caseworker",
    "CaseworkerArrays",
    "Citizen",
    "CitizenArrays",
    "Employer",
    "EmployerArrays",
]
