"""Second stage of the point estimate: a municipality's own parameters, fitted to its own targets.

A parameter limited to some cases (``cases = [...]`` in ``space.toml``, such as Aabenraa's
inflow) moves only those cases' runs, so it trades against no other case's targets. The SMM fits
it together with the rest on few replications, where one case's seed noise can be as large as a
tolerance (Aabenraa's activity-ready stock when KIK starts varies by about ±110 persons from
seed to seed). This stage refits each such parameter alone, every other value held at the SMM's,
on more replications: a grid over its bounds (evenly spaced in the prior's scale), then a finer
grid between the neighbours of the best point, keeping the SMM's value if nothing beats it.

A parameter that acts in some cases only (``acts_in``: its lever is on in no other case, such as
the employers' response to enterprise-oriented casework) is refitted the same way to those
cases' targets together: it is set in every scenario but trades against no other case's targets.
A case's own value of a shared parameter (``[[own_value]]`` in ``space.toml``, such as Furesø's
relapse hazard) is refitted the same way, after the case-limited parameters, over the shared
parameter's bounds and starting from the shared value; in that case's runs it replaces the shared
value (and stays equal to it if no grid point is closer).

Every grid point uses the same seeds (common random numbers), from a stream of their own, neither
the SMM's nor the fit report's, so the report stays an independent check. The grid is fixed, so
the result does not depend on the number of jobs. The leave-one-case-out fits skip this stage, so
a held-out case is predicted from the SMM's values alone: a parameter limited to the held-out case
has no targets left to fit, one limited to another case cannot change the prediction, and a
held-out case is run without its own value.
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .journal import Journal
from .smm import evaluate, mean_moments
from .space import Parameter, ParameterSpace
from .targets import Targets, distance

log = logging.getLogger(__name__)

#: Points of each of the two grids (the coarse one spans the bounds).
GRID_POINTS = 9


@dataclass(frozen=True)
class Refinement:
    """The refit of one parameter to some cases' targets alone (case-limited, acting there only, or own).

    Attributes:
        path: The parameter's key: its path, or ``<path>@<case>`` for a case's own value.
        cases: The cases whose targets it was fitted to.
        before: The SMM's value (for an own value: the shared one).
        after: The refined value (``before`` if no grid point was closer).
        distance_before: Distance of those cases' targets at ``before``, on the stage's seeds.
        distance_after: The same at ``after``.
        grid: Every value tried, with its distance (columns ``value``, ``distance``).
    """

    path: str
    cases: tuple[str, ...]
    before: float
    after: float
    distance_before: float
    distance_after: float
    grid: pd.DataFrame


def _distances(
    p: Parameter,
    xs: Sequence[float] | np.ndarray,
    values: Mapping[str, float],
    own: Targets,
    space: ParameterSpace,
    seeds: list[np.random.SeedSequence],
    jobs: int,
    journal: Journal | None,
) -> list[float]:
    rows = [{**values, p.key: float(x)} for x in xs]
    return [distance(own, mean_moments(runs)) for runs in evaluate(rows, own, space, seeds, jobs, journal)]


def refine_parameter(
    p: Parameter,
    values: Mapping[str, float],
    own: Targets,
    space: ParameterSpace,
    seeds: list[np.random.SeedSequence],
    jobs: int = 1,
    grid_points: int = GRID_POINTS,
    journal: Journal | None = None,
) -> Refinement:
    """Refit ``p`` alone to the targets ``own``, the other parameters at ``values``.

    An own value missing from ``values`` starts at the shared parameter's value. With a
    ``journal``, replications it holds are read, not run.
    """
    before = float(values.get(p.key, values[p.path]))
    coarse = p.from_unit(np.linspace(0.0, 1.0, grid_points))
    tried = [before, *coarse]
    dist = _distances(p, tried, values, own, space, seeds, jobs, journal)
    k = int(np.argmin(dist[1:]))  # the best coarse point; the fine grid lies between its neighbours
    u = np.linspace(0.0, 1.0, grid_points)
    lo, hi = u[max(k - 1, 0)], u[min(k + 1, grid_points - 1)]
    fine = p.from_unit(np.linspace(lo, hi, grid_points + 2)[1:-1])
    tried += list(fine)
    dist += _distances(p, fine, values, own, space, seeds, jobs, journal)
    best = int(np.argmin(dist))  # ties keep the earliest: the SMM's value first
    return Refinement(
        path=p.key,
        cases=tuple(own.cases),
        before=before,
        after=float(tried[best]),
        distance_before=float(dist[0]),
        distance_after=float(dist[best]),
        grid=pd.DataFrame({"value": np.asarray(tried, dtype=float), "distance": dist}),
    )


def refine_case_parameters(
    values: Mapping[str, float],
    space: ParameterSpace,
    targets: Targets,
    seeds: list[np.random.SeedSequence],
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
    grid_points: int = GRID_POINTS,
    journal: Journal | None = None,
) -> tuple[dict[str, float], list[Refinement]]:
    """Refit every case-limited parameter and own value whose cases have targets.

    Parameters are refined one after another in the space's order (own values last), each with
    the values refined before it. An own value whose case has no targets is left out of the
    result, so that case runs with the shared value.

    Returns:
        The values (with each refined own value under ``<path>@<case>``) and the refits.
    """
    out = dict(values)
    done: list[Refinement] = []
    for p in space.case_parameters:
        own = targets.for_cases([c for c in targets.cases if c in p.fitted_to])
        if not own.cases:
            continue
        r = refine_parameter(p, out, own, space, seeds, jobs, grid_points, journal)
        out[p.key] = r.after
        done.append(r)
        msg = (
            f"refined {p.key} on {', '.join(r.cases)}: {r.before:.4g} -> {r.after:.4g} "
            f"(distance {r.distance_before:.3f} -> {r.distance_after:.3f})"
        )
        log.info(msg)
        if progress:
            progress(msg)
    return out, done


def refinement_table(refinements: Sequence[Refinement]) -> pd.DataFrame:
    """Every grid point of every refit, one row each (``refine_trials.csv``)."""
    frames = [r.grid.assign(parameter=r.path, cases=",".join(r.cases)) for r in refinements]
    columns = ["parameter", "cases", "value", "distance"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
