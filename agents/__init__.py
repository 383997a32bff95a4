"""The three agent kinds: citizens, caseworkers and employers (Mesa agents over state arrays)."""

from agents.caseworkers import Caseworker, CaseworkerArrays
from agents.citizens import Citizen, CitizenArrays
from agents.employers import Employer, EmployerArrays

__all__ = [
    "Caseworker",
    "CaseworkerArrays",
    "Citizen",
    "CitizenArrays",
    "Employer",
    "EmployerArrays",
]
