"""The design of a batch: design points, the tasks that run them, and their seeds.

A *design point* is one set of values of the uncertain factors. A *task* is one design point
under one business-cycle scenario and one replication: it runs the baseline and every strategy
with the same seed (common random numbers). Cycle scenarios share seeds too, so a replication
meets the same citizens and draws in every cycle. All seeds are spawned from the root seed with
:class:`numpy.random.SeedSequence` before any task is dispatched.
"""

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.sample import sobol as saltelli
from scipy.stats import qmc

from .spec import ExperimentSpec

#: Spawn keys under the root seed: one child for the design's sampling, one for the runs.
DESIGN_STREAM, RUN_STREAM = 0, 1


def unit_design(spec: ExperimentSpec) -> np.ndarray:
    """Design points in the unit hypercube, one row per point and one column per factor.

    ``lhs``: a Latin hypercube of ``points`` rows. ``sobol``: Saltelli's scheme for first- and
    total-order Sobol indices, ``points · (k + 2)`` rows in the order SALib's analysis expects.
    ``factorial``: every combination of ``points`` levels per factor, at the quantiles
    ``(i + 0.5) / points``. No uncertain factor: one point.
    """
    k = len(spec.uncertain)
    if k == 0:
        return np.zeros((1, 0))
    seed = np.random.SeedSequence(spec.root_seed).spawn(2)[DESIGN_STREAM]
    if spec.design == "lhs":
        return qmc.LatinHypercube(d=k, rng=np.random.default_rng(seed)).random(spec.points)
    if spec.design == "sobol":
        problem = {"num_vars": k, "names": spec.factor_names, "bounds": [[0.0, 1.0]] * k}
        seed_int = int(seed.generate_state(1)[0])
        return saltelli.sample(problem, spec.points, calc_second_order=False, scramble=True, seed=seed_int)
    levels = (np.arange(spec.points) + 0.5) / spec.points
    return np.array(list(itertools.product(levels, repeat=k)))


def design_table(spec: ExperimentSpec) -> pd.DataFrame:
    """Values of the uncertain factors at every design point (index ``point``).

    A factor that scales parameters holds the multiplier; a posterior factor holds the row number
    of the draw.
    """
    unit = unit_design(spec)
    columns = {u.name: u.ppf(unit[:, j]) for j, u in enumerate(spec.uncertain)}
    table = pd.DataFrame(columns, index=pd.RangeIndex(len(unit), name="point"))
    return table


@dataclass(frozen=True)
class Task:
    """One design point under one cycle scenario and one replication.

    Attributes:
        task: Index of the task in the batch (stable for a given spec).
        point: Design point.
        cycle: Business-cycle scenario.
        replication: Replication number.
        seed_index: Spawn key of the seed under the run stream (shared by the task's cycles).
        seed: The task's seed.
        values: The design point's factor values.
    """

    task: int
    point: int
    cycle: str
    replication: int
    seed_index: int
    seed: np.random.SeedSequence
    values: dict[str, float]


def tasks(spec: ExperimentSpec, table: pd.DataFrame | None = None) -> list[Task]:
    """Every task of the batch, in a fixed order: point, then cycle, then replication."""
    table = design_table(spec) if table is None else table
    run_root = np.random.SeedSequence(spec.root_seed).spawn(2)[RUN_STREAM]
    seeds = run_root.spawn(len(table) * spec.replications)
    out: list[Task] = []
    for point, row in table.iterrows():
        values = {k: float(v) for k, v in row.items()}
        for cycle in spec.cycles:
            for r in range(spec.replications):
                seed_index = int(point) * spec.replications + r
                out.append(Task(len(out), int(point), cycle, r, seed_index, seeds[seed_index], values))
    return out
