"""Time the default paired run (2015-2022, weekly) and report agent-steps per second and memory.

Usage: python benchmarks/paired_run.py [--repeat N]

Start-up (interpreter, imports, one warm-up run) is excluded. Each repeat builds both models
and runs them as ``raaderum run`` does (no per-citizen agent objects); model construction and the
weekly steps are timed separately. The same with a Mesa agent object per citizen is printed
too. An agent-step is one citizen present in the model for one week (citizens gone are not
counted).
"""

import argparse
import platform
import resource
import time
import tracemalloc

import numpy as np

import raaderum
from raaderum.experiments import run_paired
from raaderum.sim.model import Municipality
from raaderum.sim.scenario import default_scenario


def timed_paired(scenario, views=False):
    t0 = time.perf_counter()
    models = [Municipality(sc, agent_views=views) for sc in (scenario.baseline(), scenario)]
    t1 = time.perf_counter()
    steps = 0
    for m in models:
        m.run()
        alive = m.records.stocks.sum(axis=1) - m.records.stocks[:, -1]
        steps += int(alive.sum())
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, steps


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sc = default_scenario()
    run_paired(sc)  # warm-up
    build, run, steps = zip(*(timed_paired(sc) for _ in range(args.repeat)), strict=True)
    total = np.add(build, run)
    vbuild, vrun, _ = zip(*(timed_paired(sc, views=True) for _ in range(args.repeat)), strict=True)
    vtotal = np.add(vbuild, vrun)
    tracemalloc.start()
    run_paired(sc)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"raaderum {raaderum.__version__}, Python {platform.python_version()}, numpy {np.__version__}, "
        f"{platform.processor() or platform.machine()}"
    )
    print(f"default paired run (2 x {sc.n_weeks} weeks), {args.repeat} repeats, one core:")
    print(f"  total (build + run)   median {np.median(total):.3f} s   min {np.min(total):.3f} s")
    print(f"  build both models     median {np.median(build):.3f} s")
    print(f"  weekly steps          median {np.median(run):.3f} s")
    print(f"  agent-steps           {steps[0]:,}  ->  {steps[0] / np.median(run):,.0f} per second")
    print(f"  with a Mesa agent object per citizen (agent_views=True): median {np.median(vtotal):.3f} s")
    print(f"  peak traced memory    {traced_peak / 2**20:.1f} MiB (numpy + Python objects, one paired run)")
    print(f"  process max RSS       {maxrss_mb:.0f} MiB")


if __name__ == "__main__":
    main()
