"""The dashboard page: Mesa's SolaraViz around :class:`PairedMunicipality`.

``raaderum dashboard`` serves this module with Solara. The sidebar holds Mesa's controls (Reset,
Play, Step, play and render interval) and the model parameters: move a slider, press *Reset*
to build the pair of runs with the new values, then *Play* or *Step*. The main view shows the
stocks, caseload and contact, and the municipality's cumulative net saving with the payback
point, for the strategy and its baseline side by side.

The scenario and seed come from the environment (``RAADERUM_DASHBOARD_BASE``,
``RAADERUM_DASHBOARD_SEED``), which the CLI sets after checking them.
"""

import os
from collections.abc import Callable
from html import escape
from typing import Any

import solara
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from mesa.visualization import Slider, SolaraViz

from ...experiments.paired import PairedResult
from ..plots import draw_caseload, draw_contacts, draw_net_saving, draw_stocks
from .model import CYCLE_SCENARIOS, SWITCHES, PairedMunicipality

BASE_ENV = "RAADERUM_DASHBOARD_BASE"
SEED_ENV = "RAADERUM_DASHBOARD_SEED"
DEFAULT_BASE = "aabenraa_2016"
#: Weeks simulated between two redraws of the plots, and the pause between steps (ms).
RENDER_INTERVAL_WEEKS = 5  # Mesa's render-interval slider takes odd values
PLAY_INTERVAL_MS = 1

SWITCH_LABELS = {
    "screening_triage": "Screening and team assessments (Hjørring)",
    "integrated_casework": "Integrated casework (Skanderborg, KIK)",
    "courses_for_activity_ready": "Job-search courses for activity-ready (KIK)",
    "enterprise_oriented": "Enterprise-oriented casework (ISU)",
    "relapse_followup": "Follow-up after exit (ISU)",
    "supplier_monitoring": "Supplier monitoring (KIK)",
}

#: The summary table: label, weekly column (sim/results.py) and number format.
SUMMARY_ROWS = (
    ("activity-ready citizens", "stock_activity_ready", ",.0f"),
    ("caseload, activity-ready team", "caseload_activity_ready", ".1f"),
    ("meetings per citizen this week", "contacts_per_citizen", ".3f"),
)


def _slider_max(value: int) -> int:
    """Upper end of a staff slider: room to triple the scenario's value (at least 40)."""
    return max(40, 3 * value)


def model_params(model: PairedMunicipality, base: str) -> dict[str, Any]:
    """SolaraViz's parameter panel, starting at the values of the model's scenario."""
    lever = model.levers()
    team, extra = lever["caseworkers_activity_ready"], lever["extra_caseworkers"]
    offers = float(lever["more_offers"])
    params: dict[str, Any] = {
        "base": base,
        "seed": model.seed_value,
        "caseworkers_activity_ready": Slider(
            "Caseworkers, activity-ready team", team, 1, _slider_max(team), 1
        ),
        "extra_caseworkers": Slider(
            "Extra caseworkers (strategy)", extra, 0, _slider_max(max(extra, team)), 1
        ),
        "more_offers": Slider("More offers (referral multiplier)", offers, 1.0, max(2.5, offers), 0.1),
        "cycle": {
            "type": "Select",
            "value": lever["cycle"],
            "values": list(CYCLE_SCENARIOS),
            "label": "Business cycle",
        },
    }
    for name in SWITCHES:
        params[name] = {"type": "Checkbox", "value": bool(lever[name]), "label": SWITCH_LABELS[name]}
    return params


def _figure(model: PairedMunicipality, draw: Callable[[Axes, PairedResult], None]) -> solara.Element:
    """One view (a function of :mod:`raaderum.sim.plots`) of the runs so far, redrawn each week."""
    fig = Figure(figsize=(6.4, 3.4), layout="constrained")
    draw(fig.subplots(), model.snapshot().paired)
    return solara.FigureMatplotlib(fig, format="png", dependencies=[model, model.week])


def StocksPlot(model: PairedMunicipality) -> solara.Element:  # noqa: N802 (Solara components are capitalised)
    """Activity-ready and job-ready stocks."""
    return _figure(model, draw_stocks)


def CaseloadPlot(model: PairedMunicipality) -> solara.Element:  # noqa: N802
    """Caseload of the activity-ready team."""
    return _figure(model, draw_caseload)


def ContactPlot(model: PairedMunicipality) -> solara.Element:  # noqa: N802
    """Meetings per citizen in casework per week."""
    return _figure(model, draw_contacts)


def SavingPlot(model: PairedMunicipality) -> solara.Element:  # noqa: N802
    """Cumulative net saving with the payback point so far."""
    return _figure(model, draw_net_saving)


def Summary(model: PairedMunicipality) -> solara.Element:  # noqa: N802
    """The figures of the current week, as an HTML table and text.

    Plain HTML rather than ``solara.Markdown``, which fetches KaTeX from a CDN on every page.
    """
    lever = model.levers()
    on = [SWITCH_LABELS[name] for name in SWITCHES if lever[name]]
    settings = (
        f"<p><i>This run:</i> activity-ready team {lever['caseworkers_activity_ready']}, "
        f"{lever['extra_caseworkers']} extra caseworkers, more offers ×{lever['more_offers']:g}, "
        f"{escape(lever['cycle'])} cycle, seed {model.seed_value}; "
        f"levers: {escape(', '.join(on) or 'none')}.</p>"
    )
    if model.week == 0:
        intro = (
            "<p><b>Week 0.</b> Press <i>Step</i> or <i>Play</i> to simulate; "
            "<i>Reset</i> applies the sliders.</p>"
        )
        return solara.HTML(tag="div", unsafe_innerHTML=intro + settings)
    snap = model.snapshot()
    p = snap.paired
    w = model.week - 1
    cell = '<td style="text-align:right; padding:2px 12px">'
    rows = "".join(
        f"<tr><td>{label}</td>{cell}{p.strategy.weekly[col].iloc[w]:{fmt}}</td>"
        f"{cell}{p.baseline.weekly[col].iloc[w]:{fmt}}</td></tr>"
        for label, col, fmt in SUMMARY_ROWS
    )
    saving = p.cumulative_net_saving[-1]
    html = (
        f"<p><b>{p.week_label(w)}</b> (week {model.week} of {model.n_weeks}) · "
        f"strategy <i>{escape(p.scenario.strategy.name)}</i></p>"
        f'<table><tr><th></th><th style="padding:2px 12px">strategy</th>'
        f'<th style="padding:2px 12px">baseline</th></tr>{rows}</table>'
        f"<p>Investment so far <b>{snap.investment_dkk / 1e6:.1f} mio. DKK</b>; cumulative net saving "
        f"<b>{saving / 1e6:.1f} mio. DKK</b>; NPV so far {snap.npv_dkk / 1e6:.1f} mio. DKK; "
        f"paid back: <b>{snap.payback_label or 'not yet'}</b>.</p>"
    )
    return solara.HTML(tag="div", unsafe_innerHTML=html + settings)


@solara.component
def Page() -> None:  # noqa: N802
    """The dashboard: one pair of runs per browser session."""
    base = os.environ.get(BASE_ENV, DEFAULT_BASE)
    seed_text = os.environ.get(SEED_ENV)
    seed = int(seed_text) if seed_text else None
    model = solara.use_memo(lambda: PairedMunicipality(base, seed=seed), [])
    SolaraViz(
        model,
        components=[Summary, SavingPlot, StocksPlot, CaseloadPlot, ContactPlot],
        model_params=model_params(model, base),
        name=f"raaderum: {model.params.name}",
        play_interval=PLAY_INTERVAL_MS,
        render_interval=RENDER_INTERVAL_WEEKS,
    )
