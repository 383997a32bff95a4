"""Command line: ``raaderum run``, ``batch``, ``report``, ``calibrate``, ``dashboard`` and ``params``."""

import argparse
import dataclasses
import importlib.util
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from . import __version__
from .errors import ScenarioError, WriteFailedError
from .scenario import builtin_scenarios, default_scenario, resolve_scenario

if TYPE_CHECKING:
    from ..experiments.spec import ExperimentSpec

EXIT_BAD_INPUT = 2
#: Exit code of a fault met while working (a full disk): 1, as for a batch with failed tasks.
EXIT_FAULT = 1
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a tool killed by it
#: Designs this large take a noticeable time to check (about 0.3 ms a point): say so first.
SLOW_CHECK_POINTS = 5_000


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that clean-up runs as for Ctrl-C."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated


#: Calibration cases (calibration/cases.py), listed here so that --help needs no slow import.
CASE_NAMES = ("aabenraa", "hjorring", "skanderborg", "fureso", "taarnby")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="raaderum", description="Agent-based simulator of a Danish municipality's employment services."
    )
    parser.add_argument("--version", action="version", version=f"raaderum {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run a strategy against its baseline (paired run)",
        description="Run a scenario's strategy and its baseline with common random "
        "numbers; print a summary and write files to DIR.",
    )
    run.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="scenario TOML file, or the name of a built-in one "
        f"({', '.join(builtin_scenarios())}; default: aabenraa_2016, Aabenraa with KIK)",
    )
    run.add_argument("--seed", type=int, help="override the scenario's seed (a non-negative integer)")
    run.add_argument("--out", type=Path, help="output folder (default: ./raaderum-out/<scenario name>/)")
    run.add_argument(
        "--no-attribution",
        action="store_true",
        help="skip the attribution by channel (one more paired run per channel; about 10 s)",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="log progress")
    batch = sub.add_parser(
        "batch",
        help="run a batch experiment (resumable; run the same command again to continue)",
        description="Run every task of an experiment in parallel and store the results in DIR. "
        "Finished tasks are skipped when the command is run again; failed ones are retried.",
    )
    batch.add_argument(
        "spec",
        type=Path,
        metavar="SPEC.toml",
        help="experiment TOML file (e.g. experiments/kik_robustness.toml)",
    )
    batch.add_argument("--jobs", type=int, default=1, metavar="N", help="parallel workers (default 1)")
    batch.add_argument(
        "--backend", choices=("loky", "dask"), default="loky", help="joblib backend (default loky)"
    )
    batch.add_argument(
        "--scheduler", metavar="ADDRESS", help="address of a running dask scheduler (with --backend dask)"
    )
    batch.add_argument(
        "--out", type=Path, metavar="DIR", help="result folder (default: ./raaderum-out/<experiment name>/)"
    )
    batch.add_argument("--report", action="store_true", help="write the robustness report when done")
    batch.add_argument("-v", "--verbose", action="store_true", help="log progress")
    report = sub.add_parser(
        "report",
        help="write the robustness report of a batch",
        description="Read a batch's result folder and write DIR/report/: "
        "report.md, CSV tables and PNG plots.",
    )
    report.add_argument("dir", type=Path, metavar="DIR", help="a batch's result folder")
    report.add_argument(
        "--threshold", type=float, help="satisficing NPV threshold in DKK (default: the spec's)"
    )
    report.add_argument("--out", type=Path, metavar="DIR", help="report folder (default: DIR/report)")
    report.add_argument("-v", "--verbose", action="store_true", help="log progress")
    cal = sub.add_parser(
        "calibrate",
        help="fit the parameters to the cases (SMM point estimate, ABC posterior, fit report)",
        description="Fit the parameters of calibration/space.toml to the targets of "
        "calibration/targets.toml: a simulated-method-of-moments point estimate (optuna), with each "
        "parameter limited to one case then refitted to that case's targets alone, an ABC-SMC "
        "posterior sample, and a fit report with a plot per case. Every finished simulation is kept "
        "in a journal beside the output folder: a killed calibration resumes when the same command "
        "is run again, and writes what an uninterrupted run would have.",
    )
    cal.add_argument(
        "--cases", nargs="+", metavar="CASE", help="cases to fit (default: all): " + ", ".join(CASE_NAMES)
    )
    cal.add_argument(
        "--budget",
        type=int,
        metavar="N",
        help="SMM trials (default 160); ABC and leave-one-out scale with it",
    )
    cal.add_argument("--jobs", type=int, default=1, metavar="N", help="parallel workers (default 1)")
    cal.add_argument("--seed", type=int, help="root seed (default 2026, the shipped fit)")
    cal.add_argument("--loo", action="store_true", help="also run the leave-one-case-out validation")
    cal.add_argument(
        "--no-posterior", action="store_true", help="skip the ABC posterior (point estimate only)"
    )
    cal.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default: ./raaderum-out/calibration/)"
    )
    cal.add_argument(
        "--identify",
        action="store_true",
        help="only report which parameters the targets pin down, at the shipped fit and posterior "
        "(distance slices; no fit)",
    )
    cal.add_argument(
        "--recovery",
        type=int,
        metavar="N",
        help="parameter recovery instead of a fit: draw N parameter sets from the prior, simulate "
        "the targets at each and calibrate against them (error and posterior coverage per parameter)",
    )
    cal.add_argument(
        "--restart",
        action="store_true",
        help="discard the journal of an unfinished calibration to the same folder and start afresh",
    )
    cal.add_argument("-v", "--verbose", action="store_true", help="log progress")
    dash = sub.add_parser(
        "dashboard",
        help="start the interactive dashboard in the browser (needs raaderum[viz])",
        description="Serve the dashboard (Mesa SolaraViz) on http://HOST:PORT: sliders for "
        "caseworkers, strategy levers and the business cycle; live plots of a strategy and its "
        "baseline. Stop it with Ctrl-C.",
    )
    dash.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="scenario TOML file or built-in name whose strategy the sliders start from "
        "(default: aabenraa_2016)",
    )
    dash.add_argument("--seed", type=int, help="override the scenario's seed (a non-negative integer)")
    dash.add_argument("--host", default="localhost", help="interface to listen on (default: localhost)")
    dash.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    dash.add_argument("--open", action="store_true", help="open the page in the default browser")
    sub.add_parser(
        "params",
        help="print every scenario parameter with its default, unit and source (Markdown)",
        description="Print the parameter reference (the content of docs/PARAMETERS.md).",
    )
    return parser


def _mio(x: float) -> str:
    return f"{x / 1e6:,.1f} mio. DKK"


def format_summary(summary: dict) -> str:
    """Readable text of a paired-run summary."""
    lines = [
        f"raaderum — {summary['scenario']}: {summary['strategy']} vs baseline "
        f"({summary['horizon']['start_year']}-{summary['horizon']['end_year']}, cycle "
        f"{summary['cycle']}, seed {summary['seed']})",
        "",
        "Activity-ready citizens (aktivitetsparate):",
    ]
    for label, runs in summary["stocks"].items():
        b, s = runs["baseline"]["activity_ready"], runs["strategy"]["activity_ready"]
        lines.append(f"  {label:<18} baseline {b:>6,}   strategy {s:>6,}")
    lines.append("")
    lines.append("Exits from activity-ready during the investment period:")
    for run, ex in summary["activity_ready_exits_in_period"].items():
        top = ", ".join(
            f"{k} {v}" for k, v in sorted(ex["by_destination"].items(), key=lambda kv: -kv[1]) if v
        )
        share_s = ex["share_self_supporting"] or 0
        share_c = ex["share_clarified"] or 0
        lines.append(
            f"  {run:<9} {ex['total']:>5} exits: {share_s:.0%} self-supporting, "
            f"{share_c:.0%} clarified ({top})"
        )
    lines += [
        "",
        "Activity-ready stock and flows by year (entrants in, exits out; duration by Little's law):",
    ]
    lines.append(f"  {'year':<6}{'run':<10}{'start':>7}{'in':>7}{'out':>7}{'end':>7}{'weeks in group':>16}")
    flows = summary["activity_ready_stock_flow"]
    for year in flows["baseline"]:
        for run in ("baseline", "strategy"):
            r = flows[run][year]
            weeks = "-" if r["mean_duration_weeks"] is None else f"{r['mean_duration_weeks']:.0f}"
            lines.append(
                f"  {year:<6}{run:<10}{r['stock_start']:>7,}{r['entrants']:>7,}{r['exits']:>7,}"
                f"{r['stock_end']:>7,}{weeks:>16}"
            )
    fate = summary["activity_ready_fate_at_period_end"]
    if fate["strategy"]:
        lines += ["", "Everyone activity-ready during the investment period, where they are at its end:"]
        for run in ("baseline", "strategy"):
            counts = {k: v for k, v in fate[run].items() if v}
            total = sum(counts.values())
            parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
            lines.append(f"  {run:<9} {total:>6,}: {parts}")
    contacts = summary["mean_contacts_per_citizen_week_in_period"]
    caseload = summary["mean_caseload_activity_ready_in_period"]
    shortfall = summary["contact_shortfall_share_activity_ready_in_period"]
    lines += [
        "",
        f"Contacts per citizen-week in period: baseline {contacts['baseline']:.3f}, "
        f"strategy {contacts['strategy']:.3f}",
        f"Activity-ready due, not met (weeks): baseline {shortfall['baseline']:.0%}, "
        f"strategy {shortfall['strategy']:.0%}",
        f"Activity-ready caseload in period:   baseline {caseload['baseline']:.0f}, "
        f"strategy {caseload['strategy']:.0f}",
        "",
        "Budget (municipality, whole horizon):",
        f"  net cost baseline   {_mio(summary['budget_totals_dkk']['baseline']['municipal_net'])}",
        f"  net cost strategy   {_mio(summary['budget_totals_dkk']['strategy']['municipal_net'])}",
        f"  investment          {_mio(summary['investment_dkk'])} "
        f"(budget {_mio(summary['investment_budget_dkk'])})",
        f"  cumulative saving   {_mio(summary['cumulative_net_saving_dkk'])}",
        f"  NPV at {summary['discount_rate']:.1%}        {_mio(summary['npv_dkk'])}",
        f"  return on investment {summary['roi']:.2f}"
        if summary["roi"] is not None
        else "  return on investment n/a",
        f"  payback             {summary['payback_date'] or 'not within the horizon'}",
    ]
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from .files import check_output_folder
    from .resources import check_fits

    try:
        scenario = resolve_scenario(args.scenario) if args.scenario else default_scenario()
        if args.seed is not None:
            if args.seed < 0:
                raise ScenarioError("--seed", f"must be >= 0, got {args.seed}")
            scenario = scenario.replace(seed=args.seed)
        out = args.out or Path("raaderum-out") / scenario.name
        check_output_folder(out, "run")
        check_fits(scenario)
    except ScenarioError as exc:
        return _error(exc)
    # imported here: the slow imports come after validation
    from ..experiments.attribution import attribute, format_attribution
    from ..experiments.paired import run_paired
    from .output import write_outputs

    result = run_paired(scenario)
    summary = result.summary()
    if not args.no_attribution:
        summary["attribution"] = attribute(scenario, full=result).to_dict()
    try:
        write_outputs(result, out, summary)
    except ScenarioError as exc:
        return _error(exc)
    print(format_summary(summary))
    if "attribution" in summary:
        print()
        print(format_attribution(summary["attribution"]))
    print(f"\nFiles written to {out}/: summary.json, weekly.parquet, weekly.csv, stocks.png, net_saving.png")
    return 0


def _dashboard(args: argparse.Namespace) -> int:
    try:
        scenario = args.scenario or "aabenraa_2016"
        resolve_scenario(scenario)  # a bad scenario gets its one line here, not in the browser
        if args.seed is not None and args.seed < 0:
            raise ScenarioError("--seed", f"must be >= 0, got {args.seed}")
        if not 1 <= args.port <= 65535:
            raise ScenarioError("--port", f"must be in 1-65535, got {args.port}")
        if importlib.util.find_spec("solara") is None:
            raise ScenarioError("dashboard", "needs Mesa's SolaraViz: pip install 'raaderum[viz]'")
    except ScenarioError as exc:
        return _error(exc)
    from .dashboard.app import BASE_ENV, SEED_ENV

    base = str(Path(scenario).resolve()) if Path(scenario).exists() else scenario  # a file: absolute
    # No usage telemetry from Solara (on by default): a classroom's use is nobody else's business.
    env = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", **os.environ, BASE_ENV: base}
    if args.seed is not None:
        env[SEED_ENV] = str(args.seed)
    command = [sys.executable, "-m", "solara", "run", "raaderum.sim.dashboard.app", "--production"]
    command += ["--host", args.host, "--port", str(args.port), "--open" if args.open else "--no-open"]
    print(f"raaderum dashboard on http://{args.host}:{args.port} (Ctrl-C stops it)", flush=True)
    return _serve(command, env)


def _serve(command: list[str], env: dict[str, str]) -> int:
    """Run the server as a child that ends with this process, however this process ends.

    Ctrl-C and SIGTERM stop the child (SIGTERM, then SIGKILL after 5 s); on Linux the child
    also gets SIGTERM from the kernel if this process is killed outright (``PR_SET_PDEATHSIG``).
    """
    child = subprocess.Popen(command, env=env, preexec_fn=_die_with_parent)
    try:
        return child.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _die_with_parent() -> None:
    """In a child before exec: ask Linux to send SIGTERM when the parent dies."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _error(exc: Exception) -> int:
    """Print the one line of an error; exit 1 for a fault met while working, 2 for bad input."""
    print(f"raaderum: error: {exc}", file=sys.stderr)
    return EXIT_FAULT if isinstance(exc, WriteFailedError) else EXIT_BAD_INPUT


def _batch(args: argparse.Namespace) -> int:
    from ..experiments.spec import check_design_points, load_spec  # imported here: argument errors come first
    from .resources import check_fits

    try:
        if args.jobs < 1:
            raise ScenarioError("--jobs", f"must be >= 1, got {args.jobs}")
        if args.scheduler and args.backend != "dask":
            raise ScenarioError("--scheduler", "needs --backend dask")
        if args.backend == "dask" and importlib.util.find_spec("distributed") is None:
            raise ScenarioError("--backend", "dask needs dask.distributed: pip install 'raaderum[cluster]'")
        spec = load_spec(args.spec, check_points=False)
        out = args.out or Path("raaderum-out") / spec.name
        if spec.design_rows >= SLOW_CHECK_POINTS:
            print(f"checking {spec.design_rows:,} design points ...", file=sys.stderr, flush=True)
        check_design_points(spec)
        for scenario in (spec.base, *spec.strategies.values()):
            check_fits(scenario, runs_at_once=args.jobs)
    except ScenarioError as exc:
        return _error(exc)
    _print_batch_size(spec, args.jobs, out)
    if not args.verbose:
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # read when distributed is imported
    from ..experiments.batch import run_batch

    try:
        summary = run_batch(spec, out, jobs=args.jobs, backend=args.backend, scheduler=args.scheduler)
    except ScenarioError as exc:
        return _error(exc)
    except OSError as exc:
        print(
            f"raaderum: error: cannot write {exc.filename or out}: {exc.strerror or exc}; finished tasks "
            f"are kept in {out}/: fix the cause and run the same command to resume",
            file=sys.stderr,
        )
        return EXIT_FAULT
    except KeyboardInterrupt as exc:
        what = "terminated" if isinstance(exc, Terminated) else "interrupted"
        print(
            f"\n{what}; finished tasks are kept in {out}/. Run the same command to resume.",
            file=sys.stderr,
        )
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    print(
        f"{spec.name}: {summary.n_tasks} tasks; {summary.finished} run now, {summary.skipped} already done, "
        f"{len(summary.failures)} failed. Results in {out}/"
    )
    if summary.failures:
        print("Failed tasks (rerun the same command to retry them):", file=sys.stderr)
        for f in summary.failures[:20]:
            print(
                f"  task {f['task']} (point {f['point']}, {f['cycle']}, replication {f['replication']}, "
                f"{f['values']}): {f['error']}",
                file=sys.stderr,
            )
        if len(summary.failures) > 20:
            print(f"  ... and {len(summary.failures) - 20} more: see {out}/failed/", file=sys.stderr)
        return 1
    if args.report:
        from ..experiments.report import write_report

        try:
            print(f"Report written to {write_report(out)}/report.md")
        except ScenarioError as exc:
            return _error(exc)
    return 0


def _print_batch_size(spec: "ExperimentSpec", jobs: int, out: Path) -> None:
    """Say how large the batch is, and how long it takes at most, before it starts."""
    from .resources import estimate_run, estimate_seconds, format_duration

    runs = spec.n_tasks * (1 + len(spec.strategies))
    seconds = runs * estimate_seconds(estimate_run(spec.base)) / jobs
    print(
        f"{spec.name}: {spec.n_tasks:,} tasks ({runs:,} runs); at most about {format_duration(seconds)} "
        f"with {jobs} job{'s' if jobs > 1 else ''}; results in {out}/",
        flush=True,
    )


def _report(args: argparse.Namespace) -> int:
    from ..experiments.report import batch_progress, write_report

    try:
        folder = write_report(args.dir, args.out, args.threshold)
        progress = batch_progress(args.dir)
    except ScenarioError as exc:
        return _error(exc)
    if not progress.complete:
        print(f"raaderum: warning: {progress.describe()}; the report covers only those done", file=sys.stderr)
    print(f"Report written to {folder}/report.md")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    import optuna

    from ..calibration.calibrate import Settings, calibrate, identify_shipped
    from ..calibration.journal import discard_journal, journal_folder
    from ..calibration.recovery import recovery_study
    from ..calibration.space import load_space
    from ..calibration.targets import load_targets

    try:
        if args.jobs < 1:
            raise ScenarioError("--jobs", f"must be >= 1, got {args.jobs}")
        if args.budget is not None and args.budget < 4:
            raise ScenarioError("--budget", f"must be >= 4 trials, got {args.budget}")
        if args.seed is not None and args.seed < 0:
            raise ScenarioError("--seed", f"must be >= 0, got {args.seed}")
        if args.recovery is not None and (args.recovery < 1 or args.identify or args.loo):
            raise ScenarioError(
                "--recovery", f"must be >= 1 truths, without --identify or --loo; got {args.recovery}"
            )
        if args.identify and (args.budget is not None or args.loo or args.no_posterior):
            raise ScenarioError(
                "--identify", "runs at the shipped fit: --budget, --loo and --no-posterior do not apply"
            )
        for case in args.cases or []:
            if case not in CASE_NAMES:
                raise ScenarioError("--cases", f"unknown case {case!r}; valid: {', '.join(CASE_NAMES)}")
        load_space()
        load_targets()
    except ScenarioError as exc:
        return _error(exc)
    settings = Settings()
    if args.budget is not None:
        settings = settings.with_budget(args.budget)
    if args.seed is not None:
        settings = dataclasses.replace(settings, seed=args.seed)
    out = args.out or Path("raaderum-out") / "calibration"
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # not a line per SMM trial
    try:
        if args.restart:
            discard_journal(out)
        if args.recovery is not None:
            summary_table = recovery_study(
                out,
                truths=args.recovery,
                cases=args.cases,
                settings=settings,
                posterior=not args.no_posterior,
                jobs=args.jobs,
                progress=None if args.verbose else print,
            )
            error = summary_table["mean_abs_error_unit"].mean()
            print(
                f"Recovery: mean absolute error {error:.3f} of the prior range over {args.recovery} truths."
            )
            written = "recovery_report.md, recovery.csv, recovery_summary.csv, recovery.png"
            print(f"Files written to {out}/: {written}")
            return 0
        if args.identify:
            identified = identify_shipped(
                out,
                cases=args.cases,
                settings=settings,
                jobs=args.jobs,
                progress=None if args.verbose else print,
            )
            counts = identified["verdict"].value_counts()
            print("Identifiability: " + ", ".join(f"{n} {v}" for v, n in counts.items()))
            print(f"Files written to {out}/: identifiability.md, identifiability.csv, identify_slices.csv")
            return 0
        summary = calibrate(
            out,
            cases=args.cases,
            settings=settings,
            jobs=args.jobs,
            loo=args.loo,
            posterior=not args.no_posterior,
            progress=None if args.verbose else print,  # -v logs the same lines
        )
    except ScenarioError as exc:
        return _error(exc)
    except KeyboardInterrupt:
        folder = journal_folder(out)
        if folder.is_dir():
            print(
                f"\nraaderum: finished simulations are kept in {folder}; run the same command to resume",
                file=sys.stderr,
            )
        raise
    if summary["resumed"]:
        print(f"Resumed: {summary['resumed']} simulations read from the journal instead of run.")
    print(
        f"Fitted {len(summary['fitted'])} parameters; distance {summary['distance']:.3f}; "
        f"{summary['within']} of {summary['targets']} targets within tolerance."
    )
    files = sorted(p.name for p in Path(out).iterdir())
    print(f"Files written to {out}/: {', '.join(files)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``raaderum`` command.

    Whatever goes wrong ends in one line on standard error and a non-zero exit: bad input (2),
    a fault while working such as a full disk (1), Ctrl-C (130), SIGTERM (143); a reader that
    closed the pipe early (``raaderum params | head``) ends the command quietly (141).
    """
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    try:
        return _dispatch(parser, args)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        print(f"\nraaderum: {'terminated' if terminated else 'interrupted'}", file=sys.stderr)
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    except MemoryError:
        print("raaderum: error: out of memory", file=sys.stderr)
        return EXIT_FAULT
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"raaderum: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAULT
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _silence_stdout() -> None:
    """After a broken pipe: send what is still buffered to /dev/null, so exiting prints nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "run":
        return _run(args)
    if args.command == "batch":
        return _batch(args)
    if args.command == "report":
        return _report(args)
    if args.command == "calibrate":
        return _calibrate(args)
    if args.command == "dashboard":
        return _dashboard(args)
    if args.command == "params":
        from .scenario import parameter_reference

        print(parameter_reference())
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
