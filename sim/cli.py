"""Command line: ``raaderum run [SCENARIO.toml] [--seed N] [--out DIR]``."""

import argparse
import logging
import sys
from pathlib import Path

from sim import __version__
from sim.errors import ScenarioError
from sim.scenario import default_scenario, load_scenario

EXIT_BAD_INPUT = 2


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
        "scenario", nargs="?", type=Path, help="scenario TOML file (default: built-in Aabenraa 2016 with KIK)"
    )
    run.add_argument("--seed", type=int, help="override the scenario's seed (a non-negative integer)")
    run.add_argument("--out", type=Path, help="output folder (default: ./raaderum-out/<scenario name>/)")
    run.add_argument("-v", "--verbose", action="store_true", help="log progress")
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
    contacts = summary["mean_contacts_per_citizen_week_in_period"]
    caseload = summary["mean_caseload_activity_ready_in_period"]
    lines += [
        "",
        f"Contacts per citizen-week in period: baseline {contacts['baseline']:.3f}, "
        f"strategy {contacts['strategy']:.3f}",
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
    try:
        scenario = load_scenario(args.scenario) if args.scenario else default_scenario()
        if args.seed is not None:
            if args.seed < 0:
                raise ScenarioError("--seed", f"must be >= 0, got {args.seed}")
            scenario = scenario.replace(seed=args.seed)
    except ScenarioError as exc:
        print(f"raaderum: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from experiments.paired import run_paired  # imported here: the slow imports come after validation
    from sim.output import write_outputs

    out = args.out or Path("raaderum-out") / scenario.name
    result = run_paired(scenario)
    write_outputs(result, out)
    print(format_summary(result.summary()))
    print(f"\nFiles written to {out}/: summary.json, weekly.parquet, weekly.csv, stocks.png, net_saving.png")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``raaderum`` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command == "run":
        return _run(args)
    if args.command == "params":
        from sim.scenario import parameter_reference

        print(parameter_reference())
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
