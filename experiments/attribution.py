"""Attribution: how much of a strategy's saving comes through each mechanism (channel).

A *channel* is one way in which the model's rules turn a lever into fewer weeks on benefit: a
meeting raising search effort, a meeting lowering barriers, a meeting referring to an internship,
and so on. Each is switched off by setting the parameters it runs on to the value at which it
does nothing (:data:`CHANNELS`). The attribution runs the paired comparison again with one
channel off, in both runs, with the same seed (common random numbers), and reports

* the NPV and net saving without the channel, and
* the channel's contribution: the full NPV minus the NPV without it (its *knock-out* effect).

Channels interact (an internship needs a meeting that also raised effort), so the single
contributions need not add up to the total; the table reports the rest as an interaction
term. It also switches every contact channel off together: what extra caseworkers achieve
then is only what they cost, which is the null model of contact.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from ..sim.scenario import Scenario, ScenarioLike, as_scenario
from .paired import PairedResult, run_paired

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Channel:
    """One mechanism from a lever to the budget, and how to switch it off.

    Attributes:
        name: Short name (a row of the attribution table).
        doc: What the channel is, in the model's terms.
        off: Parameter values (dotted paths) at which the channel does nothing.
        contact: True if the channel acts through caseworker meetings.
        lever: The strategy lever the channel belongs to, if it acts only under that lever.
    """

    name: str
    doc: str
    off: dict[str, Any]
    contact: bool
    lever: str | None = None

    def used_by(self, sc: Scenario) -> bool:
        """Whether the strategy of ``sc`` can act through this channel."""
        return self.lever is None or self.lever in sc.strategy.levers_moved()


#: Every channel, contact channels first. A new mechanism between a lever and the budget gets a
#: row here (tests/test_attribution.py checks that switching all contact channels off leaves
#: extra caseworkers nothing to pay back with).
CHANNELS: dict[str, Channel] = {
    c.name: c
    for c in (
        Channel(
            "meeting_effort",
            "a meeting raises search effort (closes meeting_effort_boost of the gap to 1)",
            {"behaviour.meeting_effort_boost": 0.0},
            contact=True,
        ),
        Channel(
            "meeting_barriers",
            "a meeting lowers the health, social and skills barriers",
            {"behaviour.barrier_reduction_per_meeting": 0.0},
            contact=True,
        ),
        Channel(
            "internship_referrals",
            "a meeting refers to a company internship (virksomhedspraktik)",
            {"behaviour.internship_probability": 0.0},
            contact=True,
        ),
        Channel(
            "course_referrals",
            "a meeting refers to a job-search course",
            {"behaviour.course_probability": 0.0},
            contact=True,
        ),
        Channel(
            "clarification",
            "meetings carry work-capacity assessments to a decision (flex job, pension, resource course)",
            {"behaviour.clarify_capacity": 0.0},
            contact=True,
        ),
        Channel(
            "reclassification",
            "at a meeting, activity-ready and job-ready are reclassified as work capacity changes",
            {"behaviour.job_ready_capacity": 1.0, "behaviour.activity_ready_capacity": 0.0},
            contact=True,
        ),
        Channel(
            "education_meetings",
            "a meeting makes an education-ready citizen more likely to start an education",
            {"behaviour.education_meeting_multiplier": 1.0},
            contact=True,
        ),
        Channel(
            "integrated_social_barriers",
            "integrated casework multiplies the social-barrier reduction of a meeting",
            {"effects.integrated_social_multiplier": 1.0},
            contact=False,
            lever="integrated_casework",
        ),
        Channel(
            "supplier_monitoring",
            "monitored suppliers: stronger courses and more internships ending in a job",
            {"effects.monitoring_programme_multiplier": 1.0},
            contact=False,
            lever="supplier_monitoring",
        ),
        Channel(
            "enterprise_orientation",
            "employers more willing to hire and host citizens of an enterprise-oriented job centre",
            {
                "effects.enterprise_willingness": 1.0,
                "effects.enterprise_internship_multiplier": 1.0,
                "effects.enterprise_conversion_multiplier": 1.0,
            },
            contact=False,
            lever="enterprise_oriented",
        ),
        Channel(
            "relapse_followup",
            "follow-up after an exit lowers the relapse hazard",
            {"effects.followup_relapse_multiplier": 1.0},
            contact=False,
            lever="relapse_followup",
        ),
        Channel(
            "team_assessment",
            "screening sends high-risk cases to an interdisciplinary team: faster assessment, health plan",
            {"effects.team_assessment_speedup": 1.0, "effects.team_health_reduction": 0.0},
            contact=False,
            lever="screening_triage",
        ),
    )
}
#: The contact channels: with all of them off, a caseworker meeting changes nothing.
CONTACT_CHANNELS = tuple(name for name, c in CHANNELS.items() if c.contact)
ALL_CONTACT = "all contact channels"
INTERACTION = "interaction"


def without(sc: Scenario, channels: tuple[str, ...]) -> Scenario:
    """``sc`` with ``channels`` switched off (in the baseline too: the rules are the same)."""
    values: dict[str, Any] = {}
    for name in channels:
        values.update(CHANNELS[name].off)
    return sc.with_values(values)


@dataclass
class Attribution:
    """A strategy's NPV decomposed by channel.

    Attributes:
        full: The paired run with every channel on.
        table: One row per channel run (and the all-contact and interaction rows), indexed by
            channel: ``contact``, ``used`` (the strategy can act through it), ``npv_without_dkk``,
            ``net_saving_without_dkk`` (cumulative, whole horizon), ``contribution_dkk`` (full
            NPV minus NPV without), ``share`` (contribution over the full NPV),
            ``payback_without`` (date or None), and the channel's worth in each world:
            ``worth_strategy_dkk`` and ``worth_baseline_dkk``, the present value (same discounting
            as the NPV) of how much more that run costs the municipality without the channel.
            The contribution is the one minus the other: a channel that carries the baseline
            more than the strategy contributes less than nothing to the strategy's NPV even
            though it saves money in both worlds.
    """

    full: PairedResult
    table: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """The table as plain values (``summary.json``'s ``attribution``)."""
        rows = {}
        for name, row in self.table.iterrows():
            rows[str(name)] = {k: _plain(v) for k, v in row.items()}
        return {"npv_dkk": self.full.npv_dkk, "channels": rows}


def _plain(v: Any) -> Any:
    if isinstance(v, np.bool_ | bool):
        return bool(v)
    if isinstance(v, float | np.floating):
        return None if np.isnan(v) else float(v)
    return v


def attribute(
    scenario: ScenarioLike,
    seed: int | np.random.SeedSequence | None = None,
    *,
    full: PairedResult | None = None,
    include_unused: bool = False,
) -> Attribution:
    """Decompose the strategy's NPV by channel (each switched off in turn, then all contact ones).

    Args:
        scenario: The strategy scenario (anything :func:`~raaderum.sim.scenario.as_scenario` takes).
        seed: Root seed; default the scenario's. Every run of the attribution uses it.
        full: The paired run with every channel on, if it has been run already.
        include_unused: Also run the channels of levers the strategy does not move (their
            contribution is exactly zero under common random numbers).
    """
    sc = as_scenario(scenario)
    full = run_paired(sc, seed) if full is None else full
    total = full.npv_dkk
    rows: dict[str, dict[str, Any]] = {}

    def worth(runs: PairedResult | None, which: str) -> float:
        if runs is None:
            return 0.0
        on = getattr(full, which).weekly["dkk_municipal_net"].to_numpy()
        off = getattr(runs, which).weekly["dkk_municipal_net"].to_numpy()
        return float(np.dot(off - on, full.discount_factors()))

    def add(name: str, contact: bool, used: bool, runs: PairedResult | None) -> None:
        npv = total if runs is None else runs.npv_dkk
        saving = float(full.cumulative_net_saving[-1] if runs is None else runs.cumulative_net_saving[-1])
        rows[name] = {
            "contact": contact,
            "used": used,
            "npv_without_dkk": npv,
            "net_saving_without_dkk": saving,
            "contribution_dkk": total - npv,
            "share": (total - npv) / total if total else float("nan"),
            "payback_without": None if runs is None else runs.week_label(runs.payback_week),
            "worth_strategy_dkk": worth(runs, "strategy"),
            "worth_baseline_dkk": worth(runs, "baseline"),
        }

    for name, channel in CHANNELS.items():
        used = channel.used_by(sc)
        if used or include_unused:
            log.info("attribution of %s: without %s", sc.name, name)
            add(name, channel.contact, used, run_paired(without(sc, (name,)), seed))
        else:
            add(name, channel.contact, used, None)
    log.info("attribution of %s: without every contact channel", sc.name)
    add(ALL_CONTACT, True, True, run_paired(without(sc, CONTACT_CHANNELS), seed))
    singles = sum(r["contribution_dkk"] for n, r in rows.items() if n in CHANNELS)
    rows[INTERACTION] = {
        "contact": False,
        "used": True,
        "npv_without_dkk": float("nan"),
        "net_saving_without_dkk": float("nan"),
        "contribution_dkk": total - singles,
        "share": (total - singles) / total if total else float("nan"),
        "payback_without": None,
        "worth_strategy_dkk": float("nan"),
        "worth_baseline_dkk": float("nan"),
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "channel"
    return Attribution(full, table)


def attribute_over_seeds(
    scenario: ScenarioLike, seeds: Sequence[np.random.SeedSequence], *, jobs: int = 1
) -> pd.DataFrame:
    """The attribution replicated over seeds: its mean, standard deviation and range per channel.

    One seed's knock-out contribution mixes the channel's effect with the noise of two more
    paired runs, which for a small channel can be larger than the effect (on the default
    scenario, the meeting effect on effort contributes -22 mio. DKK at its own seed and
    between -8 and +16 at six others). Read the sign of a contribution from the mean over seeds.

    Args:
        scenario: The strategy scenario.
        seeds: One attribution per seed (common random numbers within each).
        jobs: Parallel workers (joblib); the result does not depend on them.

    Returns:
        One row per channel (used by the strategy, the all-contact row, the interaction), with
        ``<column>_mean``, ``<column>_sd``, ``<column>_min`` and ``<column>_max`` of
        ``contribution_dkk``, ``worth_strategy_dkk`` and ``worth_baseline_dkk``, and ``seeds``.
    """
    sc = as_scenario(scenario)
    tables = Parallel(n_jobs=jobs)(delayed(_table)(sc, s) for s in seeds)
    columns = ["contribution_dkk", "worth_strategy_dkk", "worth_baseline_dkk"]
    stacked = pd.concat(tables, keys=range(len(tables)), names=["replicate", "channel"])[columns]
    stats = stacked.groupby(level="channel", sort=False).agg(["mean", "std", "min", "max"])
    stats.columns = [f"{c}_{s.replace('std', 'sd')}" for c, s in stats.columns]
    stats["seeds"] = len(tables)
    return stats


def _table(sc: Scenario, seed: np.random.SeedSequence) -> pd.DataFrame:
    t = attribute(sc, seed).table
    return t[t["used"]]


def format_attribution(att: dict[str, Any]) -> str:
    """Readable text of :meth:`Attribution.to_dict` (what ``raaderum run`` prints)."""
    lines = [
        "Where the NPV comes from (each channel switched off in turn, same seed; "
        "contribution = NPV minus NPV without it = its worth with the strategy minus its worth "
        "in the baseline):",
        f"  {'channel':<28}{'NPV without':>14}{'contribution':>14}{'share':>8}"
        f"{'worth: strategy':>17}{'baseline':>10}",
    ]

    def mio(v: float | None) -> str:
        return "" if v is None else f"{v / 1e6:,.1f}"

    for name, r in att["channels"].items():
        if not r["used"]:
            lines.append(f"  {name:<28}{'(lever off: nothing)':>36}")
            continue
        share = "" if r["share"] is None else f"{r['share']:.0%}"
        lines.append(
            f"  {name:<28}{mio(r['npv_without_dkk']):>14}{mio(r['contribution_dkk']):>14}{share:>8}"
            f"{mio(r.get('worth_strategy_dkk')):>17}{mio(r.get('worth_baseline_dkk')):>10}"
        )
    lines.append(
        f"  (mio. DKK; full NPV {att['npv_dkk'] / 1e6:,.1f}; worth: how much more a run costs "
        "without the channel, discounted like the NPV)"
    )
    return "\n".join(lines)
