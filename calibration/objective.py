"""Simulated moments: run the cases with given parameters and measure every target."""

from collections.abc import Mapping

import numpy as np

from ..sim.streams import fresh_seed_sequence
from .cases import CASES, CaseRun, run_case
from .measures import measure
from .space import ParameterSpace
from .targets import Targets, distance


def simulate(
    values: Mapping[str, float],
    targets: Targets,
    seed: np.random.SeedSequence,
    space: ParameterSpace | None = None,
) -> dict[str, float]:
    """One replication: each case with targets is run once with seed ``seed``; all targets measured.

    Every case gets its own child seed (spawned by position in :data:`CASES`), so adding a
    case does not change the others' draws.
    """
    out: dict[str, float] = {}
    children = case_seeds(seed)
    for name in targets.cases:
        out.update(measure_targets(run_case(CASES[name], values, children[name], space), targets))
    return out


def abc_distance(
    theta: np.ndarray, seed: np.random.SeedSequence, space: ParameterSpace, targets: Targets
) -> float:
    """The distance of one replication at a parameter row of ``space`` (the ABC's distance)."""
    return distance(targets, simulate(space.as_dict(theta), targets, seed, space))


def measure_targets(case_run: CaseRun, targets: Targets) -> dict[str, float]:
    """The simulated value of every target of the case that ``case_run`` ran."""
    return {
        t.id: measure(case_run, t.quantity, dict(t.args)) for t in targets if t.case == case_run.case.name
    }


def case_seeds(seed: np.random.SeedSequence) -> dict[str, np.random.SeedSequence]:
    """One child seed per case, the same however often ``seed`` was spawned from before."""
    return dict(zip(CASES, fresh_seed_sequence(seed).spawn(len(CASES)), strict=True))


def replication_seeds(root: int, replications: int) -> list[np.random.SeedSequence]:
    """Common random numbers: the same ``replications`` seeds for every parameter set."""
    return np.random.SeedSequence(root).spawn(replications)
