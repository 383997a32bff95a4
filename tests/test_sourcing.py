"""Every parameter on the way from a lever to the budget is calibrated or has a published source.

``sim.parameters.LEVER_MECHANISM`` declares, for each lever, the parameters its mechanism runs
on. A parameter is *calibrated* when it is in ``calibration/space.toml`` with a prior whose
source names a published document, and *sourced* when its own source names one (not an
assumption). :data:`NOT_YET_SOURCED` lists the ones that are neither: the test fails for any
other, and for any entry of the list that has since been sourced, so the list can only shrink.
"""

import dataclasses

from raaderum.calibration.space import load_space
from raaderum.experiments.attribution import CHANNELS
from raaderum.sim.fields import describe
from raaderum.sim.parameters import LEVER_MECHANISM, LEVERS, Effects
from raaderum.sim.scenario import Scenario
from raaderum.sim.sources import SOURCES

#: Unsourced parameters on a lever's path (issue 15 is open until this is empty).
NOT_YET_SOURCED = {
    "behaviour.continuity_floor",
    "behaviour.course_probability",
    "behaviour.education_meeting_multiplier",
    "behaviour.internship_min_capacity",
    "behaviour.internship_probability",
    "behaviour.job_ready_capacity",
    "behaviour.activity_ready_capacity",
    "behaviour.job_search_factor",
    "behaviour.rapport_gain",
    "effects.enterprise_internship_multiplier",
    "effects.monitoring_programme_multiplier",
    "effects.screening_risk_threshold",
    "effects.team_assessment_speedup",
    "effects.team_health_reduction",
    "staff.assessment_meeting_minutes",
    "staff.meeting_minutes",
    "strategy.enterprise_consultants",
    "strategy.integrated_cost_weekly_dkk",
    "strategy.monitoring_cost_weekly_dkk",
    "strategy.screening_cost_dkk",
}


def _names_a_document(source: str) -> bool:
    return not source.startswith("assumption") and any(name in source for name in SOURCES)


def _parameter_sources() -> dict[str, str]:
    out = {}
    for f in dataclasses.fields(Scenario):
        if dataclasses.is_dataclass(f.type):
            for row in describe(f.type):
                out[f"{f.name}.{row['name']}"] = row["source"]
    return out


def evidence(path: str) -> str | None:
    """``calibrated``, ``published`` or None for a parameter's dotted path."""
    space = {p.path: p for p in load_space().parameters}
    if path in space and _names_a_document(space[path].source):
        return "calibrated"
    source = _parameter_sources()[path]
    if not source.startswith("calibrated") and _names_a_document(source):
        return "published"
    return None


def test_every_lever_declares_its_mechanism_and_every_declared_parameter_exists():
    assert set(LEVER_MECHANISM) == set(LEVERS)
    known = _parameter_sources()
    for lever, paths in LEVER_MECHANISM.items():
        assert paths, lever
        assert [p for p in paths if p not in known] == [], lever


def test_the_declaration_covers_every_lever_effect_and_every_attribution_channel():
    declared = {p for paths in LEVER_MECHANISM.values() for p in paths}
    effects = {f"effects.{row['name']}" for row in describe(Effects)}
    assert effects - declared == set()
    channels = {p for c in CHANNELS.values() for p in c.off}
    assert channels - declared == set()


def test_every_parameter_on_a_lever_path_is_calibrated_or_sourced():
    declared = sorted({p for paths in LEVER_MECHANISM.values() for p in paths})
    unsourced = {p for p in declared if evidence(p) is None}
    assert unsourced - NOT_YET_SOURCED == set(), "unsourced parameters on a lever's path"
    assert NOT_YET_SOURCED - unsourced == set(), "sourced now: take them off NOT_YET_SOURCED"
