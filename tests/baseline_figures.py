"""Summary figures of the default paired run that the regression test compares against.

Refresh the stored file only on purpose, after a change that is meant to move the figures:

    python tests/baseline_figures.py --refresh
"""

import argparse
import json
from pathlib import Path

from raaderum.experiments import PairedResult, run_paired
from raaderum.sim.scenario import default_scenario

PATH = Path(__file__).parent / "data" / "baseline_summary.json"


def figures(result: PairedResult | None = None) -> dict:
    """Key figures of the default paired run (``result``, or run now)."""
    s = (result or run_paired(default_scenario())).summary()
    return {
        "payback_week": s["payback_week"],
        "npv_dkk": round(s["npv_dkk"], 2),
        "investment_dkk": round(s["investment_dkk"], 2),
        "stocks_activity_ready": {
            k: [v["baseline"]["activity_ready"], v["strategy"]["activity_ready"]]
            for k, v in s["stocks"].items()
        },
        "exits_total": {k: v["total"] for k, v in s["activity_ready_exits_in_period"].items()},
        "relapses": s["relapses"],
        "municipal_net_dkk": {k: round(v["municipal_net"], 2) for k, v in s["budget_totals_dkk"].items()},
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--refresh", action="store_true", help="overwrite the stored figures")
    args = parser.parse_args()
    current = figures()
    if args.refresh:
        PATH.parent.mkdir(exist_ok=True)
        PATH.write_text(json.dumps(current, indent=2) + "\n")
        print(f"wrote {PATH}")
    else:
        print(json.dumps(current, indent=2))
