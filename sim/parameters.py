"""Model parameters by section, each number with its unit and source.

Sources marked *calibrated* are fitted to the cases (``docs/CASES.md``) by ``raaderum calibrate``
(``calibration/fitted.toml``, the bounds in ``calibration/space.toml``); those marked *assumption*
are plausible values that are not fitted. Danish terms are given where a researcher would look
for them.
"""

from dataclasses import dataclass
from typing import ClassVar

from .fields import check_section, param

#: Upper bounds of counts, so that a typing slip (a trillion citizens) gets a clear answer instead
#: of a MemoryError. Denmark had 5.9 million inhabitants in 2022 (Statistics Denmark, FOLK1A).
MAX_PERSONS = 6_000_000
#: Persons a week: all of Denmark's population within a year.
MAX_PERSONS_WEEKLY = 120_000
#: Caseworkers, consultants: far above the whole country's job-centre staff.
MAX_STAFF = 100_000
#: Firms: Denmark has about 300,000 firms with activity (Statistics Denmark, GF2).
MAX_FIRMS = 1_000_000
#: Hours in a week.
HOURS_PER_WEEK = 168
#: Elasticities and exponents: an elasticity of 10 already makes a 1 %-point swing a factor of 5;
#: larger values only overflow.
MAX_ELASTICITY = 10
ASSUMPTION = "assumption"
CALIBRATED = "calibrated: calibration/fitted.toml (raaderum calibrate)"


class Section:
    """Mixin: check every field when the dataclass is built."""

    _section: ClassVar[str] = ""

    def __post_init__(self) -> None:
        check_section(self, self._section)


@dataclass(frozen=True)
class Population(Section):
    """Stocks (persons) the burn-in starts from, the burn-in's length and the labour force.

    The horizon starts from where the burn-in ends (``sim/burn_in.py``), and the burn-in starts
    from these stocks, drawn from the entry profiles; with ``burn_in_years = 0`` the horizon
    starts from them.
    """

    _section: ClassVar[str] = "population"

    burn_in_years: int = param(
        10,
        "nonneg",
        maximum=100,
        unit="years",
        source="-",
        doc="years simulated before the horizon (flat cycle, no strategy, not recorded); 0 = none",
    )

    job_ready: int = param(
        350,
        "nonneg",
        maximum=MAX_PERSONS,
        unit="persons",
        source=ASSUMPTION,
        doc="jobparate kontanthjælpsmodtagere, aged 30+",
    )
    activity_ready: int = param(
        1000,
        "nonneg",
        maximum=MAX_PERSONS,
        unit="persons",
        source="Socialrådgiveren 2017: passed 1,000 early in 2015",
        doc="aktivitetsparate kontanthjælpsmodtagere",
    )
    education_ready: int = param(
        400,
        "nonneg",
        maximum=MAX_PERSONS,
        unit="persons",
        source=ASSUMPTION,
        doc="uddannelseshjælp recipients under 30",
    )
    sickness: int = param(
        600, "nonneg", maximum=MAX_PERSONS, unit="persons", source=ASSUMPTION, doc="sygedagpenge recipients"
    )
    resource_course: int = param(
        150, "nonneg", maximum=MAX_PERSONS, unit="persons", source=ASSUMPTION, doc="ressourceforløb"
    )
    flex_job: int = param(
        700, "nonneg", maximum=MAX_PERSONS, unit="persons", source=ASSUMPTION, doc="fleksjob"
    )
    disability_pension: int = param(
        700,
        "nonneg",
        maximum=MAX_PERSONS,
        unit="persons",
        source=ASSUMPTION,
        doc="førtidspension; near the steady state of inflow.disability_pension (burn-in)",
    )
    labour_force: int = param(
        28000,
        "positive",
        maximum=MAX_PERSONS,
        unit="persons",
        source=ASSUMPTION,
        doc="municipal labour force; sets the number of ordinary unemployed",
    )


@dataclass(frozen=True)
class Inflow(Section):
    """New claimants per week at the reference unemployment rate, by entry state."""

    _section: ClassVar[str] = "inflow"

    job_ready: float = param(
        6.0, "nonneg", maximum=MAX_PERSONS_WEEKLY, unit="persons/week", source=ASSUMPTION
    )
    activity_ready: float = param(
        4.675,
        "nonneg",
        maximum=MAX_PERSONS_WEEKLY,
        unit="persons/week",
        source=f"{CALIBRATED}, Aabenraa's own figure (cases = aabenraa); prior: Aabenraa KIK results, "
        "JydskeVestkysten 2018: 429 citizens became activity-ready in the 109 weeks from January 2016, "
        "3.9 a week from every origin, of which new claimants are a part, so 2.5-5.5 a week",
        doc="the other cases' scenarios set their own inflow",
    )
    education_ready: float = param(
        5.0, "nonneg", maximum=MAX_PERSONS_WEEKLY, unit="persons/week", source=ASSUMPTION
    )
    sickness: float = param(
        16.0, "nonneg", maximum=MAX_PERSONS_WEEKLY, unit="persons/week", source=ASSUMPTION
    )
    disability_pension: float = param(
        1.2,
        "nonneg",
        maximum=MAX_PERSONS_WEEKLY,
        unit="persons/week",
        source=ASSUMPTION,
        doc="førtidspension awarded to people outside the groups modelled (from a job or sickness "
        "benefit without a job-centre case); about 60 a year",
    )
    cycle_elasticity: float = param(
        1.0,
        "nonneg",
        maximum=MAX_ELASTICITY,
        unit="",
        source=ASSUMPTION,
        doc="inflow scales as (unemployment / reference unemployment) ** elasticity",
    )


@dataclass(frozen=True)
class Staff(Section):
    """Caseworkers (sagsbehandlere) by team, their time and their turnover."""

    _section: ClassVar[str] = "staff"

    caseworkers_activity_ready: int = param(
        14,
        "positive",
        maximum=MAX_STAFF,
        unit="persons",
        source="Socialrådgiveren 2017: caseload 80-100 before KIK (activity-ready and resource-course cases)",
        doc="team for activity-ready and resource-course citizens",
    )
    caseworkers_job_ready: int = param(
        9,
        "positive",
        maximum=MAX_STAFF,
        unit="persons",
        source=ASSUMPTION,
        doc="team for job-ready and education-ready citizens",
    )
    caseworkers_sickness: int = param(
        14,
        "positive",
        maximum=MAX_STAFF,
        unit="persons",
        source=ASSUMPTION,
        doc="team for sickness-benefit citizens",
    )
    hours_per_week: float = param(
        37.0,
        "positive",
        maximum=HOURS_PER_WEEK,
        unit="hours/week",
        source="Arbejdstidsaftalen: 37 hours a week",
    )
    admin_share: float = param(
        0.55,
        "share",
        unit="",
        source="Jobcenteranalyse 2014: a quarter of job-centre working time is direct contact with "
        "citizens and firms and a third is preparing and following up cases, so the time outside "
        "meetings lies between 0.42 (all case preparation counted in meeting_minutes) and 0.75 (none)",
        doc="share of hours spent on paperwork, coordination and travel (outside meeting_minutes)",
    )
    meeting_minutes: float = param(
        90.0,
        "positive",
        maximum=HOURS_PER_WEEK * 60,
        unit="minutes",
        source=ASSUMPTION,
        doc="one meeting with preparation and notes",
    )
    assessment_meeting_minutes: float = param(
        150.0,
        "positive",
        maximum=HOURS_PER_WEEK * 60,
        unit="minutes",
        source=ASSUMPTION,
        doc="a meeting that moves a work-capacity assessment forward (more documentation)",
    )
    min_weeks_between_meetings: int = param(
        2,
        "positive",
        unit="weeks",
        source="Maibom et al. 2017: fortnightly individual meetings, the most intensive schedule of "
        "the Danish meeting trials",
        doc="no case is met more often than this",
    )
    legal_first_period_weeks: int = param(
        26, "positive", unit="weeks", source="LAB: contact rules, the first six months"
    )
    legal_interval_first_weeks: int = param(
        6, "positive", unit="weeks", source="LAB: four meetings in the first six months (from 2020)"
    )
    legal_interval_later_weeks: int = param(
        13,
        "positive",
        unit="weeks",
        source="STAR 2018 samtaledata: before 2020, at least 4 meetings in every 12 months for the "
        "activity-ready (from 2020 the schedule after six months is agreed individually)",
    )
    individual_contact_from_year: int = param(
        2020,
        "year",
        source="LAB: the act of 2019 (lov nr. 548 af 7. maj 2019, § 31), in force 2020: four meetings "
        "in the first six months, after them a schedule agreed individually",
        doc="from this year no legal interval applies after the first period (legal_interval_later_weeks "
        "before it)",
    )
    turnover_annual: float = param(
        0.12,
        "share",
        unit="per year",
        source=ASSUMPTION,
        doc="caseworker quit rate at or below the recommended caseload",
    )
    turnover_caseload_slope: float = param(
        1.5,
        "nonneg",
        unit="",
        source=ASSUMPTION,
        doc="relative rise in quit rate per 100 % caseload above the recommended caseload",
    )
    recommended_caseload: float = param(
        55.0, "positive", unit="cases", source="Dansk Socialrådgiverforening: 40-55 adult cash-benefit cases"
    )
    vacancy_weeks: int = param(
        10, "nonneg", unit="weeks", source=ASSUMPTION, doc="weeks before a caseworker who left is replaced"
    )
    annual_cost_dkk: float = param(
        485_000.0,
        "positive",
        unit="DKK/year",
        source="Municipal budgets: 0.44-0.53 mio. DKK per caseworker-year",
    )


@dataclass(frozen=True)
class Market(Section):
    """Employers (virksomheder) and the local labour market."""

    _section: ClassVar[str] = "market"

    employers: int = param(300, "positive", maximum=MAX_FIRMS, unit="firms", source=ASSUMPTION)
    mean_firm_size: float = param(60.0, "positive", maximum=MAX_PERSONS, unit="employees", source=ASSUMPTION)
    firm_size_shape: float = param(
        1.6, "positive", unit="", source=ASSUMPTION, doc="Pareto shape of firm sizes"
    )
    hire_rate_weekly: float = param(
        0.006185822857329576,
        "share",
        unit="per employee-week",
        source=CALIBRATED,
        doc="hires from unemployment per employee at reference demand",
    )
    duration_hire_floor: float = param(
        1.0,
        "share",
        unit="",
        source="assumption: off (1) until calibrated; Kroft et al. 2013 find employers' callbacks "
        "fall with the length of the unemployment spell",
        doc="hiring weight after duration_hire_weeks on benefit, relative to a new claimant (1 = no "
        "duration dependence)",
    )
    duration_hire_weeks: float = param(
        35.0,
        "positive",
        unit="weeks",
        source="Kroft et al. 2013: most of the fall in callbacks within the first eight months",
        doc="weeks on benefit over which the hiring weight falls linearly to duration_hire_floor",
    )
    ordinary_unemployed_share: float = param(
        0.6,
        "share",
        unit="",
        source=ASSUMPTION,
        doc="share of the unemployed who are insured (a-kasse), competing for the same vacancies",
    )
    reference_unemployment: float = param(
        5.8, "positive", maximum=100, unit="%", source="Statistics Denmark AKU: 2010-2022 mean"
    )
    demand_elasticity: float = param(
        0.05079768957159122,
        "nonneg",
        maximum=MAX_ELASTICITY,
        unit="per %-point",
        source=CALIBRATED,
        doc="demand index = exp(-elasticity * (u - reference))",
    )
    capacity_exponent: float = param(
        1.0,
        "nonneg",
        maximum=MAX_ELASTICITY,
        unit="",
        source=ASSUMPTION,
        doc="employers' preference for work capacity",
    )
    internship_conversion: float = param(
        0.09938970473247048,
        "share",
        unit="",
        source=f"{CALIBRATED}; prior: Jobindsats 2019",
        doc="chance that a virksomhedspraktik ends in a job",
    )
    layoff_cycle_elasticity: float = param(
        1.5,
        "nonneg",
        maximum=MAX_ELASTICITY,
        unit="",
        source=ASSUMPTION,
        doc="relapse of citizens with a job scales as sector demand ** -elasticity (lay-offs)",
    )


@dataclass(frozen=True)
class Behaviour(Section):
    """Citizens' dynamics: search effort, barriers, reclassification, exits and relapse."""

    _section: ClassVar[str] = "behaviour"

    effort_floor: float = param(
        0.3725499799846242,
        "share",
        source=CALIBRATED,
        doc="search effort without contact of the activity-ready, the sick-listed and those in a "
        "resource course (aktivitetsparate: not obliged to be available for ordinary work)",
    )
    job_ready_effort_floor: float = param(
        0.4002864670112854,
        "share",
        source=CALIBRATED,
        doc="search effort without contact of the job-ready and education-ready (jobparate, "
        "uddannelsesparate), who must be available for work or education and search by "
        "themselves (rådighedspligt, Lov om aktiv socialpolitik § 13)",
    )
    effort_retention: float = param(
        0.37848799380213355,
        "share",
        unit="per week",
        source=CALIBRATED,
        doc="share of effort above the floor kept each week",
    )
    meeting_effort_boost: float = param(
        0.5518112069783768,
        "share",
        source=f"{CALIBRATED}; prior: Maibom et al. 2017",
        doc="share of the gap to full effort closed by a meeting",
    )
    continuity_floor: float = param(
        0.5, "share", source=ASSUMPTION, doc="meeting effect with a caseworker the citizen has not met"
    )
    rapport_gain: float = param(
        0.35, "share", source=ASSUMPTION, doc="share of the gap to full rapport closed by a meeting"
    )
    barrier_reduction_per_meeting: float = param(0.004098428166820733, "share", source=CALIBRATED)
    barrier_shock_weekly: float = param(0.002, "share", unit="per week", source=ASSUMPTION)
    barrier_shock_size: float = param(0.2, "share", source=ASSUMPTION)
    capacity_weights: tuple[float, ...] = param(
        (0.5, 0.25, 0.25),
        "share",
        source=ASSUMPTION,
        doc="weights of health, social and skills barriers in lost work capacity",
    )
    job_ready_capacity: float = param(
        0.7, "share", source=ASSUMPTION, doc="activity-ready at or above this are reclassified job-ready"
    )
    activity_ready_capacity: float = param(
        0.45, "share", source=ASSUMPTION, doc="job-ready below this are reclassified activity-ready"
    )
    clarify_capacity: float = param(
        0.425807533764737,
        "share",
        source=CALIBRATED,
        doc="activity-ready below this are assessed for a permanent benefit",
    )
    assessment_meetings: float = param(
        14.885135791897493,
        "positive",
        unit="meetings",
        source=CALIBRATED,
        doc="meetings needed to complete a work-capacity assessment",
    )
    pension_capacity: float = param(
        0.15, "share", source=ASSUMPTION, doc="assessed below this (and of pension_min_age) → førtidspension"
    )
    pension_min_age: float = param(
        40.0, "positive", unit="years", source="assumption: job-centre practice, not a rule of LAB"
    )
    flex_capacity: float = param(
        0.25, "share", source=ASSUMPTION, doc="assessed at or above this → fleksjob if one is found"
    )
    flex_job_found: float = param(
        0.6, "share", source=ASSUMPTION, doc="chance a flex job is found when clarified to flex job"
    )
    resource_course_weeks: float = param(
        104.0,
        "positive",
        unit="weeks",
        source="Lov om aktiv socialpolitik: a resource course lasts 1-5 years",
    )
    job_search_factor: tuple[float, ...] = param(
        (1.0, 0.3, 0.8, 0.0, 0.2),
        "nonneg",
        source=ASSUMPTION,
        doc="hiring weight by state: job-ready, activity-ready, education-ready, sickness, resource",
    )
    course_probability: float = param(
        0.08, "share", source=ASSUMPTION, doc="referral to a job-search course at a meeting"
    )
    course_weeks: int = param(
        6,
        "positive",
        unit="weeks",
        source="Albertslund Kommune: vejledning og opkvalificering lasts two to six weeks in most cases "
        "and at most six in the first nine months of unemployment; the upper end",
    )
    post_course_hire_multiplier: float = param(
        1.27,
        "positive",
        source="Beskæftigelsesministeriet 2016: for cash-benefit recipients aged 30+, activation other "
        "than internships (mostly vejledning og opkvalificering) raises the exit rate to employment by "
        "about 27 % after it ends; no effect during it is reported (KORA 2013 finds marked lock-in "
        "during such courses, so the model's course effect is an upper bound)",
        doc="hiring weight after a finished job-search course, for the rest of the benefit period",
    )
    internship_probability: float = param(
        0.08, "share", source=ASSUMPTION, doc="referral to virksomhedspraktik at a meeting"
    )
    internship_min_capacity: float = param(0.35, "share", source=ASSUMPTION)
    internship_weeks: int = param(
        8, "positive", unit="weeks", source="LAB: company internships of 4-13 weeks"
    )
    internship_hire_multiplier: float = param(
        2.1547376993062315,
        "positive",
        source=f"{CALIBRATED}; prior: Beskæftigelsesministeriet 2016",
        doc="hiring weight while in an internship",
    )
    education_start_weekly: float = param(
        0.006, "share", unit="per week", source=ASSUMPTION, doc="education-ready starting education, per week"
    )
    education_meeting_multiplier: float = param(
        3.0, "positive", source=ASSUMPTION, doc="education start in a week with a meeting"
    )
    other_self_support_weekly: float = param(
        0.0004552080351153043,
        "share",
        unit="per week",
        source=CALIBRATED,
        doc="self-support without a job (partner, own means)",
    )
    relapse_weekly: float = param(
        0.02398199799171024,
        "share",
        unit="per week",
        source=CALIBRATED,
        doc="relapse hazard just after an exit (tilbagefald)",
    )
    relapse_decay_weeks: float = param(
        29.0,
        "positive",
        unit="weeks",
        source="Benchmarkingenheden 2023: of those who left cash benefit for a job, 74 % were still "
        "in work after 3 months and 50 % after 12; a hazard h0 * exp(-t/T) with no floor fits both "
        "with T = 29 weeks (cumulative hazard 0.301 to week 13, 0.392 from week 13 to 52)",
        doc="time constant with which the relapse hazard of a former recipient fades",
    )
    relapse_floor: float = param(
        0.0,
        "share",
        source="Benchmarkingenheden 2023: the share of former recipients still in work after 3 and "
        "12 months is fitted by a hazard that fades to 0 (relapse_decay_weeks); above 0, every former "
        "recipient stays at risk for good and the stocks never settle",
        doc="long-run relapse hazard as a share of the initial hazard",
    )
    relapse_barrier_gain: float = param(
        0.0,
        "nonneg",
        source="ISU cases: exited job-ready and activity-ready stay in the labour market to the "
        "same extent (relapse 14.4 % and 11.0 %), so relapse does not rise with the barriers",
        doc="relapse hazard × (1 + gain × mean barrier)",
    )
    sickness_relapse_weekly: float = param(
        0.0015,
        "share",
        unit="per week",
        source=ASSUMPTION,
        doc="new sick-listing of someone who returned to work, × (1 + gain × health barrier)",
    )
    education_dropout_weekly: float = param(0.003, "share", unit="per week", source=ASSUMPTION)
    move_away_weekly: float = param(0.0008, "share", unit="per week", source=ASSUMPTION)
    pension_age: float = param(
        67.0, "positive", unit="years", source="Lov om social pension: 67 years from 2022"
    )
    education_ready_max_age: float = param(
        30.0,
        "positive",
        unit="years",
        source="Lov om aktiv socialpolitik: uddannelseshjælp under 30 without education",
    )
    education_benefit_from_year: int = param(
        2014,
        "year",
        source="Kontanthjælpsreformen 2014: from 1 January 2014 recipients under 30 without an "
        "education get education benefit (uddannelseshjælp) instead of cash benefit",
        doc="from this year under-30s on benefit are education-ready; before it job- or activity-ready",
    )
    sickness_recovery_weekly: float = param(0.08, "share", unit="per week", source=ASSUMPTION)
    sickness_limit_weeks: int = param(
        22, "positive", unit="weeks", source="Sygedagpengeloven: varighedsbegrænsning after 22 weeks"
    )
    sickness_employed_share: float = param(
        0.7, "share", source=ASSUMPTION, doc="sick-listed with a job to return to"
    )


@dataclass(frozen=True)
class Effects(Section):
    """How strongly each strategy lever works (uncertain; varied in batches)."""

    _section: ClassVar[str] = "effects"

    team_assessment_speedup: float = param(
        2.5,
        "positive",
        source="assumption; the method: Hjørring 2015",
        doc="an interdisciplinary team assessment counts as this many assessment meetings",
    )
    team_health_reduction: float = param(
        0.15,
        "share",
        source="assumption; the method: Hjørring 2015",
        doc="fall in health barrier from the team's development plan",
    )
    screening_risk_threshold: float = param(
        0.35,
        "share",
        source="assumption; the method: Hjørring 2015",
        doc="mean barrier at which screening sends to the team",
    )
    integrated_social_multiplier: float = param(
        2.06270702728252,
        "positive",
        source=f"{CALIBRATED}; the lever: Skanderborg interview 2019",
        doc="social-barrier reduction per meeting with integrated casework",
    )
    enterprise_willingness: float = param(
        1.55,
        "positive",
        source=f"{CALIBRATED}; the lever: ISU cases",
        doc="employers' hiring weight for municipal citizens",
    )
    enterprise_internship_multiplier: float = param(
        2.0, "positive", source="assumption; the lever: ISU cases"
    )
    enterprise_conversion_multiplier: float = param(
        1.5,
        "positive",
        source="Christensen et al. 2019: employer-oriented placement with follow-up against usual "
        "job-centre rehabilitation (Danish randomised trial): 1.29 times as many in work or education "
        "at 18 months, 1.47 times the weeks worked at 30 months; the lever: ISU cases",
        doc="chance that an internship ends in a job when casework is enterprise-oriented, relative",
    )
    followup_weeks: int = param(47, "positive", unit="weeks", source=f"{CALIBRATED}; the lever: ISU cases")
    followup_relapse_multiplier: float = param(
        0.03130277783239002,
        "share",
        source=f"{CALIBRATED}; the lever: ISU cases",
        doc="relapse hazard while followed up after exit",
    )
    monitoring_programme_multiplier: float = param(
        1.5,
        "positive",
        source="assumption; the lever: Aabenraa interview 2018, ineffective offers stopped",
        doc="programme effects when suppliers are monitored",
    )


@dataclass(frozen=True)
class Strategy(Section):
    """The investment: levers, their period and their costs. All levers off = baseline."""

    _section: ClassVar[str] = "strategy"

    name: str = param("no levers", "label", source="-", doc="label for reports")
    start_year: int = param(2016, "year", source="Socialrådgiveren 2017: KIK 2016-2018")
    end_year: int = param(
        2018, "year", source="Socialrådgiveren 2017: KIK 2016-2018", doc="last year, inclusive"
    )
    budget_dkk: float = param(
        0.0,
        "nonneg",
        unit="DKK",
        source="-",
        doc="declared investment budget; reported against actual spending",
    )
    extra_caseworkers: int = param(
        0, "nonneg", maximum=MAX_STAFF, unit="persons", source="Socialrådgiveren 2017: KIK hired 14"
    )
    target_caseload: float = param(
        0.0,
        "nonneg",
        unit="cases",
        source="Socialrådgiveren 2017: KIK about 45, also in March 2017 when the stock was 661 "
        "(Aabenraa Kommune 2017)",
        doc="keep the team at this caseload: hire extra caseworkers up to it at the start, let "
        "them go as the cases fall (0 = off; otherwise at least 1)",
    )
    team: str = param("activity_ready", source="-", doc="team the extra caseworkers join")
    screening_triage: bool = param(False, source="Hjørring 2015: the Hjørring method")
    integrated_casework: bool = param(
        False, source="Skanderborg interview 2019; Aabenraa interview 2018: one team"
    )
    courses_for_activity_ready: bool = param(
        False, source="Aabenraa interview 2018: job-search courses opened to activity-ready"
    )
    enterprise_oriented: bool = param(False, source="ISU cases")
    relapse_followup: bool = param(False, source="ISU cases")
    supplier_monitoring: bool = param(False, source="Aabenraa interview 2018; Socialrådgiveren 2017: KIK")
    more_offers: float = param(
        1.0,
        "positive",
        source="Socialrådgiveren 2017: KIK more individual offers",
        doc="multiplier on programme referrals at meetings",
    )
    screening_cost_dkk: float = param(1_500.0, "nonneg", unit="DKK/screening", source=ASSUMPTION)
    team_assessment_cost_dkk: float = param(
        6_000.0,
        "nonneg",
        unit="DKK/assessment",
        source="MPLOY 2015: municipalities put the work on a case taken to a rehabilitation team at about "
        "20 effective working hours; at the caseworker cost of Municipal budgets (0.485 mio. DKK a year, "
        "about 1,650 working hours) that is about 6,000 DKK",
        doc="an interdisciplinary team assessment with case conference (Hjørring's method)",
    )
    integrated_cost_weekly_dkk: float = param(
        400.0,
        "nonneg",
        unit="DKK/caseworker-week",
        source=ASSUMPTION,
        doc="training and coordination of integrated casework",
    )
    enterprise_consultants: float = param(
        2.0,
        "nonneg",
        maximum=MAX_STAFF,
        unit="persons",
        source=ASSUMPTION,
        doc="employer consultants, costed as caseworkers",
    )
    followup_cost_weekly_dkk: float = param(
        100.0,
        "nonneg",
        unit="DKK/citizen-week",
        source="Fyens Stiftstidende 2018: mentor support is paid 200 DKK an hour, so 100 DKK buys half "
        "an hour a week (light follow-up; a firm mentor for an intern is about 500 a week)",
        doc="follow-up of a citizen after an exit to a job",
    )
    monitoring_cost_weekly_dkk: float = param(5_000.0, "nonneg", unit="DKK/week", source=ASSUMPTION)

    def levers_moved(self) -> list[str]:
        """Names of the levers set away from their default (none: the strategy is a baseline)."""
        return [name for name in LEVERS if getattr(self, name) != getattr(Strategy, name)]


#: Strategy fields that change what happens (the rest are labels, period, budget and unit costs).
LEVERS = (
    "extra_caseworkers",
    "target_caseload",
    "screening_triage",
    "integrated_casework",
    "courses_for_activity_ready",
    "enterprise_oriented",
    "relapse_followup",
    "supplier_monitoring",
    "more_offers",
)


#: What a meeting does, on the way from more caseworker time to fewer weeks on benefit: the time a
#: meeting takes, its effect on effort, rapport and barriers, the referrals it makes and what those
#: do, the assessments it carries and the reclassification it decides, and how effort turns into
#: hires.
CONTACT_MECHANISM = (
    "staff.hours_per_week",
    "staff.admin_share",
    "staff.meeting_minutes",
    "staff.assessment_meeting_minutes",
    "staff.min_weeks_between_meetings",
    "staff.annual_cost_dkk",
    "behaviour.effort_floor",
    "behaviour.job_ready_effort_floor",
    "behaviour.effort_retention",
    "behaviour.meeting_effort_boost",
    "behaviour.continuity_floor",
    "behaviour.rapport_gain",
    "behaviour.barrier_reduction_per_meeting",
    "behaviour.internship_probability",
    "behaviour.internship_min_capacity",
    "behaviour.internship_weeks",
    "behaviour.internship_hire_multiplier",
    "market.internship_conversion",
    "behaviour.course_probability",
    "behaviour.course_weeks",
    "behaviour.post_course_hire_multiplier",
    "behaviour.clarify_capacity",
    "behaviour.assessment_meetings",
    "behaviour.job_ready_capacity",
    "behaviour.activity_ready_capacity",
    "behaviour.education_meeting_multiplier",
    "behaviour.job_search_factor",
    "market.hire_rate_weekly",
    "budget.course_cost_weekly_dkk",
    "budget.internship_cost_weekly_dkk",
)
#: For each lever, the parameters its mechanism runs on between the lever and the budget. Each
#: must be calibrated (in calibration/space.toml with a prior whose source is named) or carry a
#: published estimate as its source (tests/test_sourcing.py).
LEVER_MECHANISM: dict[str, tuple[str, ...]] = {
    "extra_caseworkers": CONTACT_MECHANISM,
    "target_caseload": CONTACT_MECHANISM,
    "screening_triage": (
        "effects.team_assessment_speedup",
        "effects.team_health_reduction",
        "effects.screening_risk_threshold",
        "strategy.screening_cost_dkk",
        "strategy.team_assessment_cost_dkk",
    ),
    "integrated_casework": ("effects.integrated_social_multiplier", "strategy.integrated_cost_weekly_dkk"),
    "courses_for_activity_ready": (
        "behaviour.course_probability",
        "behaviour.course_weeks",
        "behaviour.post_course_hire_multiplier",
        "budget.course_cost_weekly_dkk",
        "budget.activation_refund_rate",
        "budget.activation_refund_cap_annual_dkk",
        "budget.activation_refund_last_year",
    ),
    "enterprise_oriented": (
        "effects.enterprise_willingness",
        "effects.enterprise_internship_multiplier",
        "effects.enterprise_conversion_multiplier",
        "strategy.enterprise_consultants",
    ),
    "relapse_followup": (
        "effects.followup_relapse_multiplier",
        "effects.followup_weeks",
        "strategy.followup_cost_weekly_dkk",
        "behaviour.relapse_weekly",
        "behaviour.relapse_decay_weeks",
        "behaviour.relapse_floor",
        "behaviour.relapse_barrier_gain",
    ),
    "supplier_monitoring": ("effects.monitoring_programme_multiplier", "strategy.monitoring_cost_weekly_dkk"),
    "more_offers": (
        "behaviour.internship_probability",
        "behaviour.internship_hire_multiplier",
        "market.internship_conversion",
        "behaviour.course_probability",
        "budget.course_cost_weekly_dkk",
        "budget.activation_refund_rate",
        "budget.activation_refund_cap_annual_dkk",
        "budget.activation_refund_last_year",
        "budget.internship_cost_weekly_dkk",
    ),
}


@dataclass(frozen=True)
class Budget(Section):
    """Benefit rates, the refund schedule (refusionstrappen), costs and tax."""

    _section: ClassVar[str] = "budget"

    rate_years: tuple[int, ...] = param((2016, 2017, 2018, 2019), "year", source="STAR rates")
    cash_benefit_children_monthly: tuple[float, ...] = param(
        (14_575.0, 14_808.0, 14_993.0, 15_180.0),
        "positive",
        unit="DKK/month",
        source="STAR rates: kontanthjælp 30+ with children",
    )
    cash_benefit_no_children_monthly: tuple[float, ...] = param(
        (10_968.0, 11_143.0, 11_282.0, 11_423.0),
        "positive",
        unit="DKK/month",
        source="STAR rates: kontanthjælp 30+ without children",
    )
    share_with_children: float = param(0.3, "share", source=ASSUMPTION)
    education_benefit_monthly: tuple[float, ...] = param(
        (6_010.0, 2_590.0, 12_019.0),
        "positive",
        unit="DKK/month",
        source="STAR rates: uddannelseshjælp 2016, living away / at home / single provider",
    )
    education_benefit_shares: tuple[float, ...] = param((0.6, 0.3, 0.1), "share", source=ASSUMPTION)
    sickness_benefit_weekly: float = param(
        4_135.0, "positive", unit="DKK/week", source="STAR rates: sygedagpenge maximum 2015"
    )
    sickness_municipal_share: float = param(
        0.75, "share", source="assumption: weeks paid by the municipality, not the employer"
    )
    flex_subsidy_monthly: float = param(
        11_000.0, "positive", unit="DKK/month", source=ASSUMPTION, doc="fleksløntilskud per flex-job holder"
    )
    pension_single_monthly: float = param(
        17_925.0, "positive", unit="DKK/month", source="STAR rates: førtidspension 2015, single"
    )
    pension_other_monthly: float = param(
        15_236.0, "positive", unit="DKK/month", source="STAR rates: førtidspension 2015, others"
    )
    pension_share_single: float = param(0.6, "share", source=ASSUMPTION)
    refund_band_first_weeks: tuple[int, ...] = param(
        (1, 5, 27, 53),
        "positive",
        unit="week",
        source="Refusionsreformen: §6, the refund bands",
        doc="first counted week of each refund band (refusionstrappen)",
    )
    refund_rates: tuple[float, ...] = param(
        (0.8, 0.4, 0.3, 0.2),
        "share",
        source="Refusionsreformen: 80, 40, 30 and 20 %",
        doc="refusion: share of a benefit the state refunds, per band",
    )
    refund_reset_weeks: int = param(
        52, "positive", unit="weeks", source="Refusionsreformen: 52 weeks of self-support reset the count"
    )
    refund_reset_window_weeks: int = param(
        156, "positive", unit="weeks", source="Refusionsreformen: within the last 3 years"
    )
    refund_reform_year: int = param(2016, "year", source="Refusionsreformen: in force from 2016")
    pre_reform_refund_rate: float = param(
        0.4, "share", source="assumption: blend of the pre-2016 30 % (passive) and 50 % (active)"
    )
    course_cost_weekly_dkk: float = param(
        2_500.0,
        "nonneg",
        unit="DKK/week",
        source="AMU prices 2016: a course week at full price (outside the subsidised target group) "
        "cost 2,400-3,750 DKK in 2016; 2,500 lies at the low end of that range",
        doc="price of a participant-week in a job-search course (vejledning og opkvalificering)",
    )
    activation_refund_rate: float = param(
        0.5,
        "share",
        source="LAB: § 118, stk. 1 (LBK nr. 1342 af 21/11/2016), the state refunds 50 % of the "
        "operating costs of offers under chapter 10 (vejledning og opkvalificering) for "
        "cash-benefit, education-benefit and resource-course recipients",
        doc="refusion af driftsudgifter: share of job-search course costs the state refunds, within "
        "the rådighedsbeløb (driftsloft)",
    )
    activation_refund_cap_annual_dkk: float = param(
        11_414.0,
        "nonneg",
        unit="DKK/full-year person",
        source="STAR rates: Vejledning om satser m.v. 2018, rådighedsbeløb (driftsloft) 11,414 DKK "
        "per helårsperson",
        doc="rådighedsbeløb: course costs refunded at most up to this amount per full-year person on "
        "cash benefit, education benefit or a resource course, summed over the calendar year",
    )
    activation_refund_last_year: int = param(
        2018,
        "year",
        source="L 76 2018-19: from 2019 the refund of operating costs covers only "
        "unemployment-insurance recipients (STAR's konteringsregler 5.68.90: cash-benefit "
        "recipients 'med refusion til og med 31/12-18')",
        doc="last year in which course costs for the groups modelled are refunded",
    )
    internship_cost_weekly_dkk: float = param(
        600.0,
        "nonneg",
        unit="DKK/week",
        source="Fyens Stiftstidende 2018: a firm is paid about 500 DKK a week for mentoring an intern "
        "(200 DKK an hour); the other 100 for transport and administration is not sourced",
        doc="the municipality's cost of a company internship (virksomhedspraktik) per intern-week",
    )
    municipal_tax_rate: float = param(0.25, "share", source="Municipal tax rates: 22.5-27.8 % in 2018")
    annual_earnings_dkk: float = param(
        300_000.0,
        "positive",
        unit="DKK/year",
        source=ASSUMPTION,
        doc="earnings of a full-capacity job taken from benefit",
    )
    part_time_floor: float = param(
        0.5, "share", source=ASSUMPTION, doc="lowest hours share of a job, earnings × max(capacity, floor)"
    )
    flex_earnings_annual_dkk: float = param(150_000.0, "positive", unit="DKK/year", source=ASSUMPTION)


@dataclass(frozen=True)
class Cycle(Section):
    """The business cycle (konjunktur) as a path of the unemployment rate."""

    _section: ClassVar[str] = "cycle"

    scenario: str = param(
        "historical",
        source="Statistics Denmark AKU: the historical path",
        doc="historical, boom, recession, flat or stochastic",
    )
    shock_start_year: int = param(2016, "year", source="-", doc="boom/recession start")
    shock_years: float = param(2.0, "positive", unit="years", source=ASSUMPTION)
    boom_unemployment: float = param(3.5, "positive", maximum=100, unit="%", source=ASSUMPTION)
    recession_unemployment: float = param(
        9.0, "positive", maximum=100, unit="%", source="assumption; 2010 level ~7.8"
    )
    expansion_mean_years: float = param(6.0, "positive", unit="years", source=ASSUMPTION)
    recession_mean_years: float = param(1.5, "positive", unit="years", source=ASSUMPTION)
    expansion_drift: float = param(-0.3, unit="%-points/year", source=ASSUMPTION)
    recession_drift: float = param(1.5, unit="%-points/year", source=ASSUMPTION)
    noise_sd: float = param(0.03, "nonneg", unit="%-points/week", source=ASSUMPTION)
    min_unemployment: float = param(2.5, "positive", maximum=100, unit="%", source=ASSUMPTION)
    max_unemployment: float = param(12.0, "positive", maximum=100, unit="%", source=ASSUMPTION)
