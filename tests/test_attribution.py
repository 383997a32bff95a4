"""Attribution by channel: what a strategy's NPV owes to each mechanism, and the null model of contact."""

import json
import subprocess
import sys

import numpy as np
import pytest

from raaderum.experiments.attribution import (
    ALL_CONTACT,
    CHANNELS,
    CONTACT_CHANNELS,
    INTERACTION,
    attribute,
    attribute_over_seeds,
    without,
)
from raaderum.experiments.paired import run_paired, run_single
from raaderum.sim.parameters import Strategy
from raaderum.sim.scenario import default_scenario
from raaderum.sim.states import State


def kik(end_year=2019):
    return default_scenario().with_values({"end_year": end_year, "strategy.end_year": min(end_year, 2018)})


@pytest.mark.parametrize("strategy", ["extra caseworkers only", "KIK"])
def test_without_every_contact_channel_extra_caseworkers_do_not_pay_back(strategy):
    """The null model of contact: meetings change nothing, so 14 more caseworkers are only a cost."""
    sc = kik()
    if strategy != "KIK":
        sc = sc.replace(strategy=Strategy(name=strategy, extra_caseworkers=14))
    null = without(sc, CONTACT_CHANNELS)
    npv = np.array([run_paired(null, seed).npv_dkk for seed in np.random.SeedSequence(2027).spawn(10)])
    assert np.mean(npv <= 0) >= 0.9, npv / 1e6
    # and the same strategy with contact on does pay back in these seeds: the test can tell
    on = np.array([run_paired(sc, seed).npv_dkk for seed in np.random.SeedSequence(2027).spawn(3)])
    assert (on > 0).all()


@pytest.mark.parametrize(
    ("channel", "column"),
    [
        ("internship_referrals", "in_internship"),
        ("course_referrals", "in_course"),
        ("clarification", "clarified"),
    ],
)
def test_a_channel_switched_off_stops_its_mechanism(channel, column):
    sc = kik(end_year=2016).with_values({"strategy.courses_for_activity_ready": True})
    assert run_single(sc).weekly[column].sum() > 0
    assert run_single(without(sc, (channel,))).weekly[column].sum() == 0


def test_reclassification_switched_off_moves_almost_nobody_between_job_ready_and_activity_ready():
    """Off is ``job_ready_capacity = 1``: only a citizen with no barrier left is still reclassified."""
    sc = kik(end_year=2016)
    on = run_single(sc).flows
    off = run_single(without(sc, ("reclassification",))).flows
    assert (
        off[:, State.JOB_READY, State.ACTIVITY_READY].sum()
        == 0
        < on[:, State.JOB_READY, State.ACTIVITY_READY].sum()
    )
    up_on, up_off = (
        on[:, State.ACTIVITY_READY, State.JOB_READY].sum(),
        off[:, State.ACTIVITY_READY, State.JOB_READY].sum(),
    )
    assert up_off <= 0.25 * up_on, (up_on, up_off)


@pytest.fixture(scope="module")
def short_attribution():
    return attribute(kik(end_year=2017), include_unused=True)


def test_channels_of_levers_the_strategy_does_not_move_contribute_exactly_nothing(short_attribution):
    t = short_attribution.table
    unused = [name for name, c in CHANNELS.items() if not c.used_by(short_attribution.full.scenario)]
    assert set(unused) == {"enterprise_orientation", "relapse_followup", "team_assessment"}
    assert (t.loc[unused, "contribution_dkk"] == 0.0).all()
    used = [name for name in CHANNELS if name not in unused]
    assert (t.loc[used, "contribution_dkk"] != 0.0).all()


def test_the_table_adds_up_to_the_full_npv(short_attribution):
    t, total = short_attribution.table, short_attribution.full.npv_dkk
    singles = t.loc[list(CHANNELS), "contribution_dkk"].sum()
    assert singles + t.at[INTERACTION, "contribution_dkk"] == pytest.approx(total)
    assert t.at[ALL_CONTACT, "npv_without_dkk"] < 0 < total
    runs = t.drop(index=INTERACTION)
    np.testing.assert_allclose(runs["npv_without_dkk"] + runs["contribution_dkk"], total)


def test_a_contribution_is_the_channels_worth_with_the_strategy_minus_in_the_baseline(short_attribution):
    runs = short_attribution.table.drop(index=INTERACTION)
    np.testing.assert_allclose(
        runs["worth_strategy_dkk"] - runs["worth_baseline_dkk"], runs["contribution_dkk"], rtol=1e-9, atol=1.0
    )
    unused = [name for name, c in CHANNELS.items() if not c.used_by(short_attribution.full.scenario)]
    assert (runs.loc[unused, ["worth_strategy_dkk", "worth_baseline_dkk"]] == 0.0).all().all()


def test_raaderum_run_prints_the_attribution_and_keeps_it_in_the_summary(tmp_path):
    sc = tmp_path / "s.toml"
    sc.write_text('name = "short"\nend_year = 2017\n[strategy]\nend_year = 2017\n', encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "raaderum", "run", str(sc), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Where the NPV comes from" in proc.stdout
    for name in (*CONTACT_CHANNELS, ALL_CONTACT):
        assert name in proc.stdout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    rows = summary["attribution"]["channels"]
    assert set(rows) == {*CHANNELS, ALL_CONTACT, INTERACTION}
    assert summary["attribution"]["npv_dkk"] == pytest.approx(summary["npv_dkk"])
    quick = subprocess.run(
        [sys.executable, "-m", "raaderum", "run", str(sc), "--out", str(out), "--no-attribution"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Where the NPV comes from" not in quick.stdout
    assert "attribution" not in json.loads((out / "summary.json").read_text(encoding="utf-8"))


#: Channels that move people from benefit to work or self-support: switched off, the NPV falls.
TOWARDS_WORK = (
    "meeting_effort",
    "meeting_barriers",
    "internship_referrals",
    "course_referrals",
    "reclassification",
    "integrated_social_barriers",
    "supplier_monitoring",
)


@pytest.mark.slow
def test_each_channel_of_the_default_strategy_has_the_sign_of_its_effect():
    """On the default scenario (KIK): the channels towards work add to the NPV; clarification costs.

    Clarification moves activity-ready citizens to a flex job (with a wage subsidy), a resource
    course or a disability pension, not off benefit: switched off, the NPV rises. One seed's
    knock-out is noisy for a small channel, so the signs are those of the mean over six seeds.
    """
    t = attribute_over_seeds(default_scenario(), np.random.SeedSequence(2027).spawn(6))
    contribution = t["contribution_dkk_mean"]
    assert (contribution[list(TOWARDS_WORK)] > 0).all(), contribution / 1e6
    assert contribution["clarification"] < 0
    # the same, world by world: without a channel towards work, each run costs more (a channel of
    # a lever the baseline does not have is worth exactly nothing there)
    worth = t.loc[list(TOWARDS_WORK), ["worth_strategy_dkk_mean", "worth_baseline_dkk_mean"]]
    assert (worth["worth_strategy_dkk_mean"] > 0).all(), worth / 1e6
    contact = [name for name in TOWARDS_WORK if CHANNELS[name].contact]
    assert (worth.loc[contact, "worth_baseline_dkk_mean"] > 0).all(), worth / 1e6
    assert (t.loc[worth.drop(index=contact).index, "worth_baseline_dkk_max"] == 0.0).all()


@pytest.mark.slow
def test_the_attribution_over_seeds_is_the_mean_of_each_seeds_attribution():
    sc, seeds = kik(end_year=2016), np.random.SeedSequence(7).spawn(2)
    stats = attribute_over_seeds(sc, seeds)
    singles = [attribute(sc, s).table for s in seeds]
    used = singles[0].index[singles[0]["used"]]
    assert list(stats.index) == list(used)
    mean = (singles[0].loc[used, "contribution_dkk"] + singles[1].loc[used, "contribution_dkk"]) / 2
    np.testing.assert_allclose(stats["contribution_dkk_mean"], mean)
    low = np.minimum(singles[0].loc[used, "contribution_dkk"], singles[1].loc[used, "contribution_dkk"])
    np.testing.assert_allclose(stats["contribution_dkk_min"], low)
    assert (stats["seeds"] == 2).all()
