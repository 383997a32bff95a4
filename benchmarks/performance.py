"""Performance of the engine: paired run, engine vs Mesa reference, scaling in citizens, batches.

Usage: python benchmarks/performance.py [--repeat N] [--sizes N ...] [--batch-runs N] [--write FILE]

Prints, in one run on this machine:

1. the default paired run (Aabenraa 2016 with KIK, 2015-2022, weekly): engine time and
   agent-steps per second;
2. the engine against the idiomatic Mesa reference (``benchmarks/mesa_reference.py``) on the same
   scenario and seeds, timed side by side, and the ratio;
3. scaling in citizens (the default municipality scaled to 1k ... 250k citizens at the start, and
   the national scenario): one 416-week run each in a fresh process, its time, time per
   agent-step and peak memory (the process's peak resident set size, VmHWM);
4. batch throughput with 1 and 2 jobs.

With ``--write BENCHMARKS.md`` the tables replace the section between the markers
``<!-- performance:start -->`` and ``<!-- performance:end -->`` (appended if missing). An
agent-step is one citizen present (not gone) for one week.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

GOALS = {
    "ratio": 50.0,  # engine at least 50x faster than the reference
    "paired": 0.5,  # default paired run, seconds
    "big_time": 60.0,  # 250k citizens, 416 weeks, seconds
    "big_memory": 2048.0,  # MiB
    "flat": 2.0,  # time per agent-step from 10k to 250k within 2x
}
START, END = "<!-- performance:start -->", "<!-- performance:end -->"


def maxrss_mib() -> float:
    """Peak resident memory of this process in MiB.

    Linux's VmHWM belongs to the process image, so a child started by this script does not
    inherit the parent's peak (``ru_maxrss`` would); elsewhere ``ru_maxrss`` is used.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------- 1. paired run
def paired_run(repeat: int) -> dict:
    from mesa_reference import agent_steps

    from raaderum.experiments import run_paired
    from raaderum.sim.scenario import default_scenario

    sc = default_scenario()
    run_paired(sc)  # warm-up (and numba's compile or cache load)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run_paired(sc)
        times.append(time.perf_counter() - t0)
    steps = agent_steps(result.baseline) + agent_steps(result.strategy)
    print(
        f"  compiled kernels: median {np.median(times):.3f} s, min {np.min(times):.3f} s "
        f"({repeat} repeats); {steps:,} agent-steps, {steps / np.median(times) / 1e6:.1f} M/s"
    )
    return {"numba": {"median": float(np.median(times)), "min": float(np.min(times)), "steps": steps}}


# ---------------------------------------------------------------------------- 2. vs reference
def versus_reference(seeds: list[int]) -> dict:
    from mesa_reference import agent_steps, run_reference_paired

    from raaderum.experiments import run_paired
    from raaderum.sim.scenario import default_scenario

    # the reference implements the drawn start; the engine's burn-in is compared without it
    sc = default_scenario().with_values({"population.burn_in_years": 0})
    run_paired(sc)  # warm-up
    rows = []
    for seed in seeds:
        t0 = time.perf_counter()
        engine = run_paired(sc, seed=seed)
        t1 = time.perf_counter()
        reference = run_reference_paired(sc, seed=seed)
        t2 = time.perf_counter()
        e_steps = agent_steps(engine.baseline) + agent_steps(engine.strategy)
        r_steps = agent_steps(reference.baseline) + agent_steps(reference.strategy)
        rows.append(
            {
                "seed": seed,
                "engine": t1 - t0,
                "reference": t2 - t1,
                "engine_steps": e_steps,
                "reference_steps": r_steps,
                "engine_payback": engine.payback_week,
                "reference_payback": reference.payback_week,
            }
        )
        print(
            f"  seed {seed}: engine {t1 - t0:.2f} s ({e_steps / (t1 - t0) / 1e6:.2f} M agent-steps/s), "
            f"Mesa reference {t2 - t1:.1f} s ({r_steps / (t2 - t1) / 1e3:.0f} k agent-steps/s), "
            f"ratio {(t2 - t1) / (t1 - t0):.0f}x; payback week {engine.payback_week} vs "
            f"{reference.payback_week}"
        )
    engine_t = sum(r["engine"] for r in rows)
    reference_t = sum(r["reference"] for r in rows)
    steps_ratio = sum(r["reference_steps"] for r in rows) / sum(r["engine_steps"] for r in rows)
    # time per agent-step, so that a different number of citizens (other draws) does not count
    ratio = (reference_t / sum(r["reference_steps"] for r in rows)) / (
        engine_t / sum(r["engine_steps"] for r in rows)
    )
    print(f"  ratio of time per agent-step: {ratio:.0f}x (agent-steps reference/engine {steps_ratio:.3f})")
    return {"rows": rows, "ratio": ratio, "engine": engine_t, "reference": reference_t}


# ---------------------------------------------------------------------------- 3. scaling
def one_size(target: str) -> dict:
    """Run in a child process: one run of ``target`` citizens (or 'national'); JSON on stdout."""
    from raaderum.sim.model import Municipality
    from raaderum.sim.scaling import initial_citizens, scale_to_citizens
    from raaderum.sim.scenario import default_scenario, resolve_scenario

    if target == "national":
        sc = resolve_scenario("denmark_national")
    else:  # the weekly update at each size, without the burn-in before it
        sc = scale_to_citizens(default_scenario().with_values({"population.burn_in_years": 0}), int(target))
    rss_imports = maxrss_mib()
    t0 = time.perf_counter()
    model = Municipality(sc, agent_views=False)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    stocks = model.records.stocks
    steps = int((stocks.sum(axis=1) - stocks[:, -1]).sum())
    return {
        "target": target,
        "citizens": initial_citizens(sc),
        "ever": int(model.citizens.size),
        "weeks": sc.n_weeks,
        "build": t1 - t0,
        "run": t2 - t1,
        "steps": steps,
        "maxrss": maxrss_mib(),
        "rss_imports": rss_imports,
    }


def scaling(sizes: list[str]) -> list[dict]:
    def child(target: str) -> dict:
        cmd = [sys.executable, __file__, "--child", target]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    child("1000")  # warm-up: fills numba's cache, so that no measured run compiles
    rows = []
    for target in sizes:
        row = child(target)
        rows.append(row)
        total = row["build"] + row["run"]
        print(
            f"  {row['citizens']:>9,} citizens ({row['ever']:,} over the run): build {row['build']:.2f} s, "
            f"run {row['run']:.2f} s, total {total:.2f} s, {row['run'] / row['steps'] * 1e9:.0f} ns per "
            f"agent-step, peak RSS {row['maxrss']:.0f} MiB (after imports {row['rss_imports']:.0f} MiB)"
        )
    return rows


# ---------------------------------------------------------------------------- 4. batches
def batches(runs: int) -> dict:
    from batch_throughput import batch_spec

    from raaderum.experiments.batch import run_batch

    per_run = {}
    for jobs in (1, 2):
        out = Path(tempfile.mkdtemp()) / "out"
        t0 = time.perf_counter()
        summary = run_batch(batch_spec(runs), out, jobs=jobs, progress=False)
        wall = time.perf_counter() - t0
        assert summary.ok and summary.finished == runs
        per_run[jobs] = wall / runs
        shutil.rmtree(out.parent)
        print(
            f"  {jobs} job(s): {runs} paired runs in {wall:.1f} s = {per_run[jobs]:.2f} s/run; "
            f"1,000 runs would take {1000 * per_run[jobs] / 60:.1f} min"
        )
    print(f"  speed-up 1 -> 2 jobs: {per_run[1] / per_run[2]:.2f}x")
    return per_run


# ---------------------------------------------------------------------------- report
def versions() -> str:
    import mesa

    try:
        import numba

        nb = f"numba {numba.__version__}"
    except ImportError:
        nb = "no numba"
    return (
        f"Python {platform.python_version()}, numpy {np.__version__}, {nb}, Mesa {mesa.__version__}; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    )


def met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def markdown(args, paired, versus, sizes, batch) -> str:
    lines = [
        START,
        "## Performance against idiomatic Mesa, and scaling (issue 6)",
        "",
        f"Machine: {versions()}. Date: {date.today().isoformat()}.",
        f"Command: `python benchmarks/performance.py {' '.join(sys.argv[1:])}`",
        "(written by the script; interpreter start, imports and a warm-up run are excluded).",
        "",
        "| figure | value | goal |",
        "|---|---|---|",
    ]
    best = paired["numba"]
    lines.append(
        f"| default paired run, compiled kernels (median of {args.repeat}) | **{best['median']:.2f} s** "
        f"(min {best['min']:.2f} s), {best['steps'] / best['median'] / 1e6:.1f} M agent-steps/s "
        f"| ≤ {GOALS['paired']} s — {met(best['median'] <= GOALS['paired'])} |"
    )
    if versus:
        lines.append(
            f"| Mesa reference vs engine, same scenario and seeds ({len(versus['rows'])} paired run(s)) "
            f"| reference {versus['reference']:.1f} s, engine {versus['engine']:.2f} s: "
            f"**{versus['ratio']:.0f}×** per agent-step | ≥ {GOALS['ratio']:.0f}× — "
            f"{met(versus['ratio'] >= GOALS['ratio'])} |"
        )
    per_step = {}
    for row in sizes:
        total = row["build"] + row["run"]
        ns = row["run"] / row["steps"] * 1e9
        label = "national scenario" if row["target"] == "national" else f"{row['citizens']:,} citizens"
        per_step[row["target"]] = ns
        goal = ""
        if row["target"] == "250000":
            ok = total <= GOALS["big_time"] and row["maxrss"] <= GOALS["big_memory"]
            goal = f"≤ {GOALS['big_time']:.0f} s and ≤ 2 GB — {met(ok)}"
        lines.append(
            f"| {label}, one run of {row['weeks']} weeks ({row['ever']:,} citizens over the run) "
            f"| {total:.1f} s (build {row['build']:.1f} s), {ns:.0f} ns per agent-step, "
            f"peak RSS {row['maxrss']:,.0f} MiB | {goal} |"
        )
    if "10000" in per_step and "250000" in per_step:
        span = [per_step[k] for k in per_step if k in ("10000", "100000", "250000")]
        flat = max(span) / min(span)
        lines.append(
            f"| time per agent-step, largest / smallest from 10k to 250k | {flat:.2f}× "
            f"| ≤ {GOALS['flat']:.0f}× — {met(flat <= GOALS['flat'])} |"
        )
    if batch:
        lines.append(
            f"| batch, 1 job / 2 jobs ({args.batch_runs} paired runs each) | {batch[1]:.2f} / "
            f"{batch[2]:.2f} s per run, speed-up {batch[1] / batch[2]:.2f}×; 1,000 runs ≈ "
            f"{1000 * batch[2] / 60:.1f} min with 2 jobs | |"
        )
    lines.append(END)
    return "\n".join(lines)


def write_section(path: Path, text: str) -> None:
    old = path.read_text() if path.exists() else ""
    if START in old and END in old:
        new = old[: old.index(START)] + text + old[old.index(END) + len(END) :]
    else:
        new = old.rstrip() + "\n\n" + text + "\n"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(new)
    tmp.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="repeats of the default paired run (default 5)")
    parser.add_argument(
        "--reference-seeds", type=int, default=1, help="paired runs of engine and reference (default 1)"
    )
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=["1000", "10000", "100000", "250000", "national"],
        help="citizens at the start, or 'national' (default 1000 10000 100000 250000 national)",
    )
    parser.add_argument("--batch-runs", type=int, default=20, help="paired runs per job count (default 20)")
    parser.add_argument("--write", type=Path, metavar="FILE", help="write the table into FILE")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_size(args.child)))
        return
    print(versions())
    print("1. default paired run (2 x 416 weeks), one core:")
    paired = paired_run(args.repeat)
    versus = None
    if args.reference_seeds > 0:
        print("2. engine vs Mesa reference, default scenario, same seeds:")
        versus = versus_reference([20160101 + i for i in range(args.reference_seeds)])
    print("3. scaling in citizens, one run each in a fresh process:")
    sizes = scaling(args.sizes)
    batch = None
    if args.batch_runs > 0:
        print("4. batch throughput:")
        batch = batches(args.batch_runs)
    table = markdown(args, paired, versus, sizes, batch)
    print()
    print(table)
    if args.write:
        write_section(args.write, table)
        print(f"\nwritten to {args.write}")


if __name__ == "__main__":
    main()
