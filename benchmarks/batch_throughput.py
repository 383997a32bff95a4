"""Throughput of ``raaderum batch``: paired default runs per minute with 1 and 2 jobs.

Usage: python benchmarks/batch_throughput.py [--runs N] [--jobs 1 2] [--keep DIR]

Each run is one task of an experiment with no uncertain factors on the default scenario
(Aabenraa 2016 with KIK, 2015-2022, historical cycle): the baseline and KIK with the same seed,
the outcome row and the weekly series written to the result store. The wall time includes the
store's writes and, for more than one job, starting the loky workers. The speed-up is the
1-job time per run over the n-job time per run.
"""

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from raaderum.experiments.batch import run_batch
from raaderum.experiments.spec import spec_from_dict


def batch_spec(runs: int):
    return spec_from_dict(
        {"name": "throughput", "scenario": "aabenraa_2016", "root_seed": 1, "replications": runs}
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="paired runs per job count (default 40)")
    parser.add_argument(
        "--jobs", type=int, nargs="+", default=[1, 2], help="job counts to time (default 1 2)"
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    spec = batch_spec(args.runs)
    per_run = {}
    for jobs in args.jobs:
        out = Path(tempfile.mkdtemp()) / "out"
        t0 = time.perf_counter()
        summary = run_batch(spec, out, jobs=jobs, progress=False)
        wall = time.perf_counter() - t0
        assert summary.ok and summary.finished == args.runs
        per_run[jobs] = wall / args.runs
        print(
            f"jobs {jobs}: {args.runs} paired runs in {wall:.1f} s = {per_run[jobs]:.2f} s/run, "
            f"{60 / per_run[jobs]:.0f} runs/min; 1000 runs would take {1000 * per_run[jobs] / 60:.1f} min"
        )
        shutil.rmtree(out.parent)
    if 1 in per_run:
        for jobs, t in per_run.items():
            if jobs != 1:
                print(f"speed-up 1 -> {jobs} jobs: {per_run[1] / t:.2f}x")


if __name__ == "__main__":
    main()
