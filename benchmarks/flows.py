"""Print yearly flows into and out of activity-ready, baseline vs strategy (a diagnostic)."""

import sys

from raaderum.experiments import run_paired
from raaderum.sim.scenario import default_scenario, load_scenario
from raaderum.sim.states import STATE_NAMES, State

sc = load_scenario(sys.argv[1]) if len(sys.argv) > 1 else default_scenario()
r = run_paired(sc)
for label, run in (("baseline", r.baseline), ("strategy", r.strategy)):
    print(f"== {label}")
    for y in range(sc.n_weeks // 52):
        f = run.flows[y * 52 : (y + 1) * 52]
        out = f[:, State.ACTIVITY_READY].sum(axis=0)
        into = f[:, :, State.ACTIVITY_READY].sum(axis=0)
        w = run.weekly
        print(
            sc.start_year + y,
            "AR",
            int(w.stock_activity_ready[y * 52]),
            "JR",
            int(w.stock_job_ready[y * 52]),
            "SS",
            int(w.stock_self_supporting[y * 52]),
            "| out",
            {STATE_NAMES[i][:6]: int(v) for i, v in enumerate(out) if v},
            "| in",
            {STATE_NAMES[i][:6]: int(v) for i, v in enumerate(into) if v},
            f"| contacts {w.contacts_per_citizen[y * 52 : (y + 1) * 52].mean():.3f}",
        )
s = r.summary()
print(s["payback_date"], round(s["npv_dkk"] / 1e6, 1), "mio NPV; roi", s["roi"])
print(
    {
        k: (v["share_self_supporting"], v["share_clarified"], v["total"])
        for k, v in s["activity_ready_exits_in_period"].items()
    }
)
