"""Calibration: targets, parameter space, measures, SMM determinism and the command line."""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from raaderum.calibration.cases import CASES, CaseRun, Run, case_scenario
from raaderum.calibration.measures import (
    cohort_exit_share,
    cohort_relapse_share,
    cohort_remaining,
    exit_gain_ratio,
    exit_rate,
    group_fate,
    halving_weeks,
    meeting_week_ratio,
    persons_entered,
    persons_moved,
    relapse_share,
    stock_fall_share,
)
from raaderum.calibration.smm import fit_smm
from raaderum.calibration.space import Parameter, ParameterSpace, load_space
from raaderum.calibration.targets import Target, distance, load_targets, loss
from raaderum.sim.cli import CASE_NAMES, main
from raaderum.sim.errors import ScenarioError
from raaderum.sim.results import RunResult
from raaderum.sim.scenario import Scenario, resolve_scenario
from raaderum.sim.sources import SOURCES
from raaderum.sim.states import BENEFIT_STATES, State

JR, AR, SS, ED, FJ = (
    State.JOB_READY,
    State.ACTIVITY_READY,
    State.SELF_SUPPORTING,
    State.EDUCATION,
    State.FLEX_JOB,
)


# ------------------------------------------------------------------ targets and space files
def test_shipped_targets_are_complete_and_sourced():
    targets = load_targets()
    assert len(targets) >= 15
    assert set(targets.cases) == set(CASES)
    for t in [*targets, *targets.checks]:
        assert any(name in t.source for name in SOURCES), t.id  # a published document
        assert t.period and t.tolerance > 0 and t.description
        assert t.id.startswith(f"{t.case}.")
    assert all(c.note for c in targets.checks), "a check says why it is not a target"
    assert targets.not_modelled, "figures left out must be listed with a reason"


def test_every_case_is_a_runnable_builtin_scenario():
    assert tuple(CASES) == CASE_NAMES
    for case in CASES.values():
        sc = resolve_scenario(case.scenario)
        assert isinstance(sc, Scenario)
        assert sc.strategy.levers_moved(), f"{case.name} must move a lever"


def _write(tmp_path, text, name="t.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
[[target]]
id = "taarnby.x"
case = "taarnby"
source = "seed 004"
period = "2017"
quantity = "cohort_exit_share"
args = { state = "activity_ready", year = 2017, weeks = 39 }
value = 0.28
tolerance = 0.05
"""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('case = "taarnby"', 'case = "odense"'), "case"),
        (('quantity = "cohort_exit_share"', 'quantity = "happiness"'), "quantity"),
        (("weeks = 39 }", "weeks = 39, colour = 1 }"), "args.colour"),
        ((", weeks = 39 }", " }"), "args"),
        (("tolerance = 0.05", "tolerance = 0"), "tolerance"),
        (("tolerance = 0.05", 'tolerance = "wide"'), "tolerance"),
        (('period = "2017"', 'period = "2017"\nkind = "roughly"'), "kind"),
        (('source = "seed 004"\n', ""), "source"),
    ],
)
def test_bad_targets_name_the_field(tmp_path, change, field):
    load_targets(_write(tmp_path, GOOD))  # the unchanged file is valid
    with pytest.raises(ScenarioError) as err:
        load_targets(_write(tmp_path, GOOD.replace(*change)))
    assert err.value.field.endswith(field)


CHECK = GOOD.replace("[[target]]", "[[check]]").replace('id = "taarnby.x"', 'id = "taarnby.y"')


def test_checks_are_read_like_targets_but_stay_out_of_the_distance(tmp_path):
    targets = load_targets(_write(tmp_path, GOOD + CHECK))
    assert [t.id for t in targets] == ["taarnby.x"] and [c.id for c in targets.checks] == ["taarnby.y"]
    # the check misses by 100 tolerances; the distance does not see it
    assert distance(targets, {"taarnby.x": 0.28, "taarnby.y": 5.28}) == 0.0
    assert [c.id for c in targets.for_cases(["taarnby"]).checks] == ["taarnby.y"]
    assert targets.for_cases(["fureso"]).checks == ()
    assert [t.id for t in targets.checks_only()] == ["taarnby.y"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (GOOD + CHECK.replace('id = "taarnby.y"', 'id = "taarnby.x"'), "id"),  # an id used twice
        (GOOD + CHECK.replace('case = "taarnby"', 'case = "fureso"'), "case"),  # no target of its case
        (GOOD + CHECK.replace("tolerance = 0.05", "tolerance = -1"), "tolerance"),
    ],
)
def test_bad_checks_name_the_field(tmp_path, text, field):
    with pytest.raises(ScenarioError) as err:
        load_targets(_write(tmp_path, text))
    assert err.value.field.endswith(field)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('path = "behaviour.bogus"\nlow = 0\nhigh = 1', "behaviour.bogus"),
        ('path = "behaviour.relapse_weekly"\nlow = 0.5\nhigh = 0.1', "high"),
        ('path = "behaviour.relapse_weekly"\nlow = 0\nhigh = 0.1\nprior = "loguniform"', "low"),
        ('path = "behaviour.relapse_weekly"\nlow = 0.001\nhigh = 0.1\nprior = "beta"', "prior"),
        ('path = "strategy.name"\nlow = 0\nhigh = 1', "path"),
        ('path = "behaviour.relapse_weekly"\nlow = 0.1\nhigh = 2', "path"),  # a share above 1
    ],
)
def test_bad_space_names_the_field(tmp_path, text, field):
    with pytest.raises(ScenarioError) as err:
        load_space(_write(tmp_path, f"[[parameter]]\n{text}\n"))
    assert field in err.value.field


def test_shipped_space_and_prior():
    space = load_space()
    assert len(space) >= 8
    rng = np.random.default_rng(1)
    draws = space.sample(rng, 500)
    assert space.inside(draws).all()
    assert np.allclose(space.from_unit(space.to_unit(draws)), draws)
    assert np.isfinite(space.log_prior(draws)).all()
    outside = draws[:1].copy()
    outside[0, 0] = space.parameters[0].high * 2
    assert space.log_prior(outside)[0] == -np.inf
    for p in space.parameters:
        assert p.meaning and p.source, p.path
    for p in space.own_values:  # a case's own value says why the case differs
        assert p.meaning and p.source and p.source != space.parameters[space.names.index(p.path)].source


def test_loguniform_prior_is_uniform_in_log():
    space = ParameterSpace((Parameter("behaviour.relapse_weekly", 0.001, 0.1, "loguniform"),))
    x = space.sample(np.random.default_rng(2), 20_000)[:, 0]
    assert abs(np.median(np.log10(x)) - (-2.0)) < 0.05  # log-midpoint of 1e-3 .. 1e-1


def test_scale_factor_applies_to_each_cases_own_value():
    space = ParameterSpace((Parameter("inflow", 0.5, 2.0, scales=("inflow.activity_ready",)),))
    for name in ("aabenraa", "taarnby"):
        base = CASES[name].load()
        sc = case_scenario(CASES[name], {"inflow": 0.5}, space)
        assert sc.inflow.activity_ready == pytest.approx(0.5 * base.inflow.activity_ready)


def test_a_case_limited_parameter_is_set_in_its_cases_only():
    space = ParameterSpace((Parameter("inflow.activity_ready", 2.7, 6.5, cases=("aabenraa",)),))
    aabenraa = case_scenario(CASES["aabenraa"], {"inflow.activity_ready": 6.0}, space)
    assert aabenraa.inflow.activity_ready == 6.0
    hjorring = CASES["hjorring"]
    own = hjorring.load().inflow.activity_ready
    assert case_scenario(hjorring, {"inflow.activity_ready": 6.0}, space).inflow.activity_ready == own
    assert own != 6.0


def test_a_space_naming_an_unknown_case_is_refused(tmp_path):
    path = tmp_path / "space.toml"
    path.write_text(
        '[[parameter]]\npath = "inflow.activity_ready"\ncases = ["odense"]\nlow = 2.0\nhigh = 6.0\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"parameter\[0\]\.cases.*odense"):
        load_space(path)


SHARED_RELAPSE = (
    '[[parameter]]\npath = "behaviour.relapse_weekly"\nlow = 0.003\nhigh = 0.03\nprior = "loguniform"\n'
    'meaning = "relapse"\nsource = "ISU cases"\n'
)
OWN_RELAPSE = '[[own_value]]\npath = "behaviour.relapse_weekly"\ncase = "fureso"\nsource = "ISU cases"\n'


def test_a_case_s_own_value_has_the_shared_prior_and_replaces_the_shared_value_there_only(tmp_path):
    space = load_space(_write(tmp_path, SHARED_RELAPSE + OWN_RELAPSE))
    (own,) = space.own_values
    assert own.key == "behaviour.relapse_weekly@fureso" and own.cases == ("fureso",)
    assert (own.low, own.high, own.prior) == (0.003, 0.03, "loguniform")
    assert space.names == ["behaviour.relapse_weekly"]  # the SMM and ABC columns
    assert space.fitted_names == ["behaviour.relapse_weekly", own.key]
    values = {"behaviour.relapse_weekly": 0.01, own.key: 0.025}
    assert case_scenario(CASES["fureso"], values, space).behaviour.relapse_weekly == 0.025
    assert case_scenario(CASES["hjorring"], values, space).behaviour.relapse_weekly == 0.01
    assert space.scenario_values(values, CASES["fureso"].load()) == {"behaviour.relapse_weekly": 0.01}
    # without its own value fitted, the case runs with the shared one
    shared_only = {"behaviour.relapse_weekly": 0.01}
    assert case_scenario(CASES["fureso"], shared_only, space).behaviour.relapse_weekly == 0.01


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('"behaviour.relapse_weekly"\ncase', '"behaviour.hire_rate"\ncase'), "own_value[0].path"),
        (('case = "fureso"', 'case = "odense"'), "own_value[0].case"),
        (('source = "ISU cases"\n', 'source = " "\n'), "own_value[0].source"),
        (('case = "fureso"', 'case = "fureso"\nlow = 0.1'), "own_value[0].low"),
    ],
)
def test_a_bad_own_value_names_the_field(tmp_path, change, field):
    text = SHARED_RELAPSE + OWN_RELAPSE.replace(*change)
    with pytest.raises(ScenarioError) as err:
        load_space(_write(tmp_path, text))
    assert err.value.field == field


def test_an_own_value_of_a_case_limited_parameter_or_a_twice_declared_one_is_refused(tmp_path):
    limited = '[[parameter]]\npath = "inflow.activity_ready"\ncases = ["aabenraa"]\nlow = 2.0\nhigh = 6.0\n'
    own = '[[own_value]]\npath = "inflow.activity_ready"\ncase = "fureso"\nsource = "ISU cases"\n'
    with pytest.raises(ScenarioError, match=r"own_value\[0\]\.path.*shared by every case"):
        load_space(_write(tmp_path, limited + own))
    with pytest.raises(ScenarioError, match=r"declared twice"):
        load_space(_write(tmp_path, SHARED_RELAPSE + OWN_RELAPSE + OWN_RELAPSE))


def test_acts_in_names_cases_and_excludes_cases(tmp_path):
    row = '[[parameter]]\npath = "effects.enterprise_willingness"\nlow = 1.0\nhigh = 3.0\n'
    space = load_space(_write(tmp_path, row + 'acts_in = ["fureso", "taarnby"]\n'))
    (p,) = space.parameters
    assert p.fitted_to == ("fureso", "taarnby") and p.cases == ()
    assert space.case_parameters == [p]
    # set in every scenario, not only in the cases it acts in
    assert case_scenario(CASES["hjorring"], {p.path: 2.5}, space).effects.enterprise_willingness == 2.5
    with pytest.raises(ScenarioError, match=r"parameter\[0\]\.acts_in.*odense"):
        load_space(_write(tmp_path, row + 'acts_in = ["odense"]\n'))
    with pytest.raises(ScenarioError, match=r"parameter\[0\]\.acts_in"):
        load_space(_write(tmp_path, row + 'acts_in = ["fureso"]\ncases = ["fureso"]\n'))


# ------------------------------------------------------------------ errors and distance
def test_target_error_by_kind():
    two = Target("a.b", "aabenraa", "seed 001", "2016", "stock", 100.0, 10.0)
    least = Target("a.c", "aabenraa", "seed 002", "2016", "stock", 0.3, 0.03, kind="at_least")
    most = Target("a.d", "aabenraa", "seed 004", "2016", "stock", 0.1, 0.02, kind="at_most")
    assert two.error(115) == pytest.approx(1.5) and not two.within(115) and two.within(91)
    assert least.error(0.5) == 0 and least.error(0.24) == pytest.approx(-2.0)
    assert least.within(0.28) and not least.within(0.26)
    assert most.error(0.0) == 0 and most.within(0.115) and not most.within(0.13)
    assert two.error(float("nan")) == 10.0
    assert loss(1.5) == pytest.approx(2.25) and loss(-4.0) == pytest.approx(12.0)  # linear beyond 2
    assert distance([two, least], {"a.b": 100.0, "a.c": 0.5}) == 0.0
    assert distance([two, least], {"a.b": 110.0, "a.c": 0.5}) == pytest.approx(0.5)


# ------------------------------------------------------------------ measures on a known history
def _case_run(history: np.ndarray, start_year: int = 2014) -> CaseRun:
    weeks = history.shape[0] - 1
    flows = np.zeros((weeks, 10, 10), dtype=np.int64)
    for w in range(weeks):
        np.add.at(flows[w], (history[w], history[w + 1]), 1)
    result = SimpleNamespace(
        scenario=SimpleNamespace(start_year=start_year), flows=flows, weekly=pd.DataFrame()
    )
    run = Run(result=result, history=history.astype(np.int8))
    return CaseRun(case=CASES["fureso"], strategy=run, baseline=run)


def test_meeting_week_ratio_compares_the_hire_rates_after_a_meeting_and_otherwise():
    h = np.full((5, 1), AR, dtype=np.int8)
    cr = _case_run(h)
    weekly = pd.DataFrame(
        {
            "seekers_job_ready": [100, 100, 100, 100],
            "seekers_met_job_ready": [10, 10, 10, 10],
            "hires_job_ready": [3, 1, 1, 1],
            "hires_met_job_ready": [1, 0, 1, 0],
        }
    )
    cr.strategy.result = RunResult(cr.strategy.result.scenario, weekly, cr.strategy.result.flows, {})
    # after a meeting 2 of 40, otherwise 4 of 360: (2/40) / (4/360) = 4.5
    assert meeting_week_ratio(cr, state="job_ready", from_year=2014, to_year=2015) == pytest.approx(4.5)
    # the last two weeks alone: 1 of 20 against 1 of 180
    assert meeting_week_ratio(cr, state="job_ready", from_year=2014 + 2 / 52, to_year=2015) == pytest.approx(
        9.0
    )
    assert math.isnan(
        meeting_week_ratio(cr, state="job_ready", from_year=2014 + 1 / 52, to_year=2014 + 2 / 52)
    )


def test_relapse_share_follows_first_exits_of_the_cohort():
    # 4 citizens, 10 weeks of 52-week years starting 2014 (rows 0..10)
    h = np.full((11, 4), AR, dtype=np.int8)
    h[3:, 0] = SS  # exits at row 3, never back
    h[4:, 1] = SS  # exits at row 4 ...
    h[7:, 1] = AR  # ... back on benefit 3 weeks later
    h[2:, 2] = ED  # exits to education at row 2 ...
    h[9:, 2] = JR  # ... back after 7 weeks
    h[5:, 3] = FJ  # flex job: not an exit to self-support
    cr = _case_run(h)
    within = relapse_share(
        cr, origin=["activity_ready"], from_year=2014, to_year=2014 + 10 / 52, within_weeks=5
    )
    assert within == pytest.approx(1 / 3)
    later = relapse_share(
        cr, origin=["activity_ready"], from_year=2014, to_year=2014 + 10 / 52, within_weeks=8
    )
    assert later == pytest.approx(2 / 3)
    assert math.isnan(relapse_share(cr, origin=["job_ready"], from_year=2014, to_year=2015, within_weeks=5))


def test_persons_moved_counts_each_citizen_once():
    h = np.full((11, 3), AR, dtype=np.int8)
    h[2:, 0] = SS
    h[4:, 0] = AR  # back ...
    h[6:, 0] = SS  # ... and out again: two exits, one citizen
    h[3:, 1] = FJ
    cr = _case_run(h)
    period = {"origin": "activity_ready", "from_year": 2014, "to_year": 2014 + 10 / 52}
    assert persons_moved(cr, to=["self_supporting"], **period) == 1
    assert persons_moved(cr, to=["self_supporting", "flex_job"], **period) == 2
    assert persons_moved(cr, to=["self_supporting"], **{**period, "to_year": 2014 + 1 / 52}) == 0


def test_exit_rate_is_moves_over_the_person_weeks_in_the_origin():
    h = np.full((11, 3), AR, dtype=np.int8)
    h[2:, 0] = SS
    h[4:, 0] = AR  # back ...
    h[6:, 0] = SS  # ... and out again: two moves to self-support
    h[3:, 1] = FJ
    cr = _case_run(h)
    stocks = {f"stock_{s.name.lower()}": (h[1:] == s).sum(axis=1) for s in State}
    cr.strategy.result = RunResult(
        cr.strategy.result.scenario, pd.DataFrame(stocks), cr.strategy.result.flows, {}
    )
    period = {"origin": "activity_ready", "from_year": 2014, "to_year": 2014 + 10 / 52}
    # activity-ready at the end of weeks 0..9: citizen 0 in 3 of them, citizen 1 in 2, citizen 2 in 10
    assert exit_rate(cr, to=["self_supporting"], **period) == pytest.approx(2 / 15)
    assert exit_rate(cr, to=["self_supporting", "flex_job"], **period) == pytest.approx(3 / 15)
    # the first week alone: no move, one week each for the three
    assert exit_rate(cr, to=["self_supporting"], **{**period, "to_year": 2014 + 1 / 52}) == 0.0
    assert exit_rate(cr, to=["self_supporting"], **{**period, "origin": "job_ready"}) == 0.0


def test_cohort_measures_and_halving():
    h = np.full((11, 4), AR, dtype=np.int8)
    h[3:, 0] = SS
    h[4:, 1] = SS
    h[6:, 1] = AR  # exited and came back
    cr = _case_run(h)
    assert cohort_exit_share(cr, state="activity_ready", year=2014, weeks=5) == pytest.approx(0.5)
    assert cohort_exit_share(cr, state="activity_ready", year=2014, weeks=2) == 0.0
    assert cohort_relapse_share(cr, state="activity_ready", year=2014, weeks=8) == pytest.approx(0.5)
    assert halving_weeks(cr, states=["activity_ready"], from_year=2014) == 4  # 2 of 4 left at row 4
    assert stock_fall_share(cr, states=["activity_ready"], from_year=2014, to_year=2014 + 5 / 52) == 0.5
    h2 = np.full((11, 4), AR, dtype=np.int8)
    assert halving_weeks(_case_run(h2), states=["activity_ready"], from_year=2014) == 11  # censored


def test_aabenraa_counts_starting_group_newcomers_and_their_fate():
    """Aabenraa's own counts on a known history: of the starting group, who is still there; who
    came in since (each once); and who, of everyone in the group over the period, is
    self-supporting at its end."""
    h = np.full((11, 5), AR, dtype=np.int8)
    h[3:, 0] = SS  # leaves for good
    h[2:, 1] = JR
    h[5:, 1] = AR  # leaves and comes back: still counted in the starting group, not new
    h[:, 2] = JR
    h[4:, 2] = AR  # a newcomer from the job-ready
    h[7:, 2] = SS
    h[:, 3] = -1
    h[6:, 3] = AR  # a new claimant, counted once although it stays
    h[:, 4] = JR  # never activity-ready
    h[9:, 4] = SS
    cr = _case_run(h)
    end = 2014 + 10 / 52
    assert cohort_remaining(cr, state="activity_ready", year=2014, at_year=end) == 1
    assert persons_entered(cr, state="activity_ready", from_year=2014, to_year=end) == 2
    fate = group_fate(cr, state="activity_ready", from_year=2014, to_year=end, to=["self_supporting"])
    assert fate == 2  # citizens 0 and 2; citizen 4 was never in the group
    before = 2014 + 5 / 52  # citizen 2 not yet self-supporting, citizen 3 not yet there
    assert persons_entered(cr, state="activity_ready", from_year=2014, to_year=before) == 1
    assert group_fate(cr, state="activity_ready", from_year=2014, to_year=before, to=["self_supporting"]) == 1


def _priced_case_run(history: np.ndarray, refund_share: float) -> CaseRun:
    """A known history with a weekly budget: activity-ready cost 1,000 a person-week, a flex
    job 400, self-support earns 300 of municipal tax; the state refunds ``refund_share``."""
    cr = _case_run(history)
    stocks = {f"stock_{s.name.lower()}": (history[1:] == s).sum(axis=1).astype(float) for s in State}
    weekly = pd.DataFrame(stocks)
    for s in BENEFIT_STATES:  # every benefit line a run writes; only two are paid here
        weekly[f"dkk_benefit_{s.name.lower()}"] = 0.0
    weekly["dkk_benefit_activity_ready"] = 1000.0 * weekly["stock_activity_ready"]
    weekly["dkk_benefit_flex_job"] = 400.0 * weekly["stock_flex_job"]
    weekly["dkk_refund"] = refund_share * (
        weekly["dkk_benefit_activity_ready"] + weekly["dkk_benefit_flex_job"]
    )
    weekly["dkk_tax_income"] = 300.0 * weekly["stock_self_supporting"]
    budget = SimpleNamespace(municipal_tax_rate=0.25, flex_earnings_annual_dkk=0.0)
    cr.strategy.result.weekly = weekly
    cr.strategy.result.scenario.budget = budget
    return cr


def test_exit_gain_ratio_values_each_exit_by_where_it_is_a_year_later():
    # 4 citizens over 60 weeks; exits in the first 8 weeks are valued 52 weeks on
    h = np.full((61, 4), AR, dtype=np.int8)
    h[2:, 0] = SS  # a job, still in it a year on: saves the benefit and earns the tax
    h[3:, 1] = SS
    h[20:, 1] = AR  # back on benefit within the year: saves nothing
    h[4:, 2] = FJ  # a flex job: saves the benefit but costs the subsidy
    # citizen 3 stays activity-ready: not an exit
    period = {"origin": ["job_ready", "activity_ready"], "from_year": 2014, "to_year": 2014 + 8 / 52}
    ratio = exit_gain_ratio(_priced_case_run(h, refund_share=0.0), **period)
    assert ratio == pytest.approx(((1000 + 300) + 0 + (1000 - 400)) / (3 * 1000))
    # the refund lowers what a benefit saves, not the tax
    ratio = exit_gain_ratio(_priced_case_run(h, refund_share=0.5), **period)
    assert ratio == pytest.approx(((500 + 300) + 0 + (500 - 200)) / (3 * 500))
    # an exit whose year ends after the run is left out; no exit at all gives NaN
    late = {**period, "from_year": 2014 + 10 / 52, "to_year": 2015}
    assert math.isnan(exit_gain_ratio(_priced_case_run(h, refund_share=0.0), **late))


# ------------------------------------------------------------------ SMM
def test_smm_is_reproducible_and_independent_of_jobs():
    targets = load_targets().for_cases(["taarnby"])
    space = load_space().subset(["effects.enterprise_willingness", "behaviour.meeting_effort_boost"])
    kwargs = dict(trials=4, replications=1, seed=7, batch=2)
    one = fit_smm(space, targets, jobs=1, **kwargs)
    two = fit_smm(space, targets, jobs=2, **kwargs)
    pd.testing.assert_frame_equal(one.trials, two.trials)
    assert one.best == two.best
    assert one.trials["distance"].min() == pytest.approx(one.best_distance)
    other = fit_smm(space, targets, jobs=1, **{**kwargs, "seed": 8})
    assert not one.trials.equals(other.trials)


# ------------------------------------------------------------------ command line
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--cases", "odense"], "--cases"),
        (["--budget", "2"], "--budget"),
        (["--jobs", "0"], "--jobs"),
        (["--seed", "-1"], "--seed"),
        (["--identify", "--loo"], "--identify"),
        (["--identify", "--budget", "8"], "--identify"),
    ],
)
def test_calibrate_bad_arguments_one_line_exit_2(tmp_path, capsys, args, words):
    out = tmp_path / "cal"
    assert main(["calibrate", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0]
    assert not out.exists()


@pytest.mark.slow
def test_calibrate_writes_fit_posterior_reports_and_is_reproducible(tmp_path, capsys):
    args = ["calibrate", "--cases", "taarnby", "skanderborg", "--budget", "4", "--loo"]
    out = tmp_path / "cal"
    assert main([*args, "--out", str(out)]) == 0
    files = {p.name for p in out.iterdir()}
    expected = {"fitted.toml", "posterior.parquet", "fit_report.md", "fit_targets.csv", "smm_trials.csv"}
    assert expected | {"fit_taarnby.png", "fit_skanderborg.png", "loo_report.md", "loo_targets.csv"} <= files
    fit = pd.read_csv(out / "fit_targets.csv")
    assert set(fit["case"]) == {"taarnby", "skanderborg"}
    assert {"simulated_mean", "simulated_p05", "simulated_p95", "within"} <= set(fit.columns)
    assert (fit["simulated_p05"] <= fit["simulated_mean"] + 1e-12).all()
    report = (out / "fit_report.md").read_text(encoding="utf-8")
    assert "taarnby.exited_9_months" in report and "Fitted parameters" in report
    loo = pd.read_csv(out / "loo_targets.csv")
    assert set(loo["held_out"]) == {"taarnby", "skanderborg"}
    assert (loo["held_out"] == loo["case"]).all()  # each held-out case is predicted, not fitted
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior.columns) == load_space().names
    # the same command again (one job) gives the same fitted parameters
    again = tmp_path / "again"
    assert main([*args[:-1], "--out", str(again)]) == 0
    assert (again / "fitted.toml").read_text() == (out / "fitted.toml").read_text()
    pd.testing.assert_frame_equal(pd.read_parquet(again / "posterior.parquet"), posterior)
