"""The published documents that parameters, targets and scenarios cite.

A parameter's ``source`` starts with the short name of one of these (``Socialrådgiveren 2017:
caseload 80-100 before KIK``), so a reader can look the document up: :data:`SOURCES` gives its
title, author or publisher, date and, where one exists, its address. ``docs/CASES.md`` digests
what each case document says; ``raaderum params`` lists them all under the parameter tables.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A published document.

    Attributes:
        name: The short name parameters cite it by (unique), e.g. ``Socialrådgiveren 2017``.
        title: Its title, in the original language.
        author: Author, publisher or issuing authority.
        date: Date or year of publication (or of the figures it gives).
        url: Where to read it, if it is online ("" when we have no address).
        note: What in it is used.
    """

    name: str
    title: str
    author: str
    date: str
    url: str = ""
    note: str = ""

    def reference(self) -> str:
        """``Author: Title (date). URL``."""
        where = f" {self.url}" if self.url else ""
        return f"{self.author}: {self.title} ({self.date}).{where}"


SOURCES = {
    s.name: s
    for s in (
        Source(
            "Socialrådgiveren 2017",
            "I Aabenraa lever de højt på succeserne",
            "Socialrådgiveren, the magazine of Dansk Socialrådgiverforening",
            "March 2017",
            "https://socialraadgiverne.dk/faglig-artikel/aabenraa-lever-hoejt-paa-succeserne/",
            "Aabenraa's KIK: the stock of activity-ready, caseloads, 14 new caseworkers, where exits went, "
            "the 2016 budget result",
        ),
        Source(
            "Aabenraa interview 2018",
            "Indspark: Aabenraas vej til økonomisk råderum",
            "interview with Aabenraa Kommune (the 'Indspark' column; publisher not in the project's copy)",
            "31 May 2018",
            "",
            "KIK as a 4-year, 68 mio. DKK project; the halving reached in January 2018; 700 changed "
            "situation; the counterfactual fall of 250; the two-year saving of 30.6 mio. DKK",
        ),
        Source(
            "Aabenraa Kommune 2017",
            "Solid investering får antallet af aktivitetsparate kontanthjælpsmodtagere ned",
            "Aabenraa Kommune (news)",
            "13 January 2017",
            "https://www.aabenraa.dk/vores-kommune/nyheder/arkiv/"
            "solid-investering-faar-antallet-af-aktivitetsparate-kontanthjaelpsmodtagere-ned/",
            "of the 1,008 activity-ready at KIK's start, 499 in mid-January 2017, plus 162 new: 661",
        ),
        Source(
            "Aabenraa KIK results",
            "KIK: Mål og resultater",
            "Aabenraa Kommune",
            "2018",
            "https://www.aabenraa.dk/borger/job-og-ledighed/job-paa-saerlige-vilkaar/kik/maal-og-resultater/",
            "KIK I's halving reached early in 2018: 1,008 at the start, 429 more since, 1,437 in all; "
            "495 still activity-ready at the end, 445 self-supporting",
        ),
        Source(
            "JydskeVestkysten 2018",
            "Aabenraa har opfyldt sit mål et år før tid",
            "JydskeVestkysten",
            "February 2018",
            "https://www.jv.dk/aabenraa/Aabenraa-har-opfyldt-sit-maal-et-aar-foer-tid/artikel/2583610",
            "495 activity-ready one month into 2018; 429 registered since KIK's start; 445 of the 1,437 "
            "self-supporting, some others in education",
        ),
        Source(
            "Skanderborg interview 2019",
            "Indspark: Jørgen Erlandsen om investeringer på beskæftigelses- og sundhedsområdet i "
            "Skanderborg Kommune",
            "interview with Jørgen Erlandsen, Skanderborg Kommune (the 'Indspark' column)",
            "30 January 2019",
            "",
            "integrated employment and social casework since 2014; cash-benefit recipients down more "
            "than 30 % in two years",
        ),
        Source(
            "Hjørring 2015",
            "125 mio. skal skaffe Hjørring-borgere i arbejde",
            "article on Hjørring Kommune's investment strategy 'Flere i job og uddannelse'",
            "2015",
            "",
            "the Hjørring method (screening, triage, interdisciplinary team, ICF); mean time on benefit "
            "121 -> 68 weeks by 2018",
        ),
        Source(
            "Hjørringmodellen",
            "Hjørringmodellen",
            "Hjørring Kommune",
            "2015-2018",
            "http://iar.hjoerring.dk/hjoerringmodellen/",
            "125 mio. DKK in 2015-2018 for more caseworkers, employer consultants and health staff",
        ),
        Source(
            "ISU cases",
            "Cases kommuner (Furesø Kommune, Tårnby Kommune)",
            "ISU, a private provider of casework for municipalities",
            "undated, about 2018",
            "",
            "Furesø: relapse 55 % before, 12.6 % with ISU (11.0 / 14.4 %); Tårnby: 220 activity-ready, "
            "28 % exited after 9 months, relapse under 10 %; municipal gain about 1.5 x the benefit saving",
        ),
        Source(
            "Refusionsreformen",
            "Lov om kommunernes finansiering af visse offentlige ydelser (the refund reform), §6; and "
            "Kommunaløkonomiske konsekvenser ved refusionsreformen",
            "Folketinget; Styrelsen for Arbejdsmarked og Rekruttering (STAR)",
            "in force from 4 January 2016",
            "",
            "refund 80/40/30/20 % in weeks 1-4, 5-26, 27-52, 53+; reset after 52 weeks of self-support "
            "within 3 years",
        ),
        Source(
            "STAR rates",
            "Satser for kontanthjælp, uddannelseshjælp, sygedagpenge og førtidspension",
            "Styrelsen for Arbejdsmarked og Rekruttering (STAR), Beskæftigelsesministeriet",
            "yearly tables 2015-2019",
            "",
            "benefit rates by year; the rådighedsbeløb (driftsloft) for refunded course costs",
        ),
        Source(
            "LAB",
            "Lov om en aktiv beskæftigelsesindsats (LAB), and its successor of 2019 (in force 2020)",
            "Folketinget",
            "2015 and 2019",
            "",
            "job-ready and activity-ready (§2); contact rules (four meetings in the first six months "
            "from 2020); company internships of 4-13 weeks; § 118 (LBK nr. 1342 af 21/11/2016): the "
            "state refunds 50 % of the operating costs of offers under chapter 10 within a "
            "rådighedsbeløb per full-year recipient",
        ),
        Source(
            "L 76 2018-19",
            "Forslag til lov om ændring af lov om en aktiv beskæftigelsesindsats m.v. (Forenkling af den "
            "økonomiske styring af beskæftigelsesindsatsen)",
            "Beskæftigelsesministeriet (Troels Lund Poulsen), Folketinget 2018-19",
            "24 October 2018, in force 1 January 2019",
            "https://www.ft.dk/samling/20181/lovforslag/l76/index.htm",
            "from 2019 the 50 % refund of operating costs (§ 118) covers only unemployment-insurance "
            "recipients (§ 2, nr. 1): course costs for cash-benefit recipients are no longer refunded",
        ),
        Source(
            "Lov om aktiv socialpolitik",
            "Lov om aktiv socialpolitik: ressourceforløb, and uddannelseshjælp for under-30s",
            "Folketinget",
            "2013 reform, in force 2014",
            "",
            "resource courses of 1-5 years; education benefit for under-30s without an education",
        ),
        Source(
            "Sygedagpengeloven",
            "Lov om sygedagpenge: varighedsbegrænsning",
            "Folketinget",
            "as amended in 2014",
            "",
            "the 22-week limit on sickness benefit before a reassessment",
        ),
        Source(
            "Lov om social pension",
            "Lov om social pension: folkepensionsalder",
            "Folketinget",
            "2019 (67 years from 2022)",
            "",
            "the pension age",
        ),
        Source(
            "Dansk Socialrådgiverforening",
            "Vejledende sagstal for socialrådgivere på beskæftigelsesområdet",
            "Dansk Socialrådgiverforening (the Danish Association of Social Workers)",
            "guidance current in 2017",
            "",
            "recommended caseloads: 40-55 for adult cash-benefit cases",
        ),
        Source(
            "Municipal budgets",
            "Københavns Kommune budget 2018; Høje-Taastrup Kommune budget 2017",
            "Københavns Kommune; Høje-Taastrup Kommune",
            "2017-2018",
            "",
            "9.5 mio. DKK for about 18 caseworkers; 7 mio. DKK for 16 new staff: 0.44-0.53 mio. DKK a "
            "caseworker-year",
        ),
        Source(
            "Arbejdstidsaftalen",
            "Arbejdstidsaftale for kommunalt ansatte",
            "KL (Local Government Denmark) and Forhandlingsfællesskabet",
            "in force 2015-2022",
            "",
            "the full-time norm of 37 hours a week",
        ),
        Source(
            "Statistics Denmark AKU",
            "Arbejdskraftundersøgelsen (AKU): ledighed i procent af arbejdsstyrken",
            "Danmarks Statistik",
            "2010-2022",
            "https://www.statistikbanken.dk",
            "the Danish unemployment rate, yearly",
        ),
        Source(
            "Statistics Denmark FOLK1A",
            "FOLK1A: Folketal den 1. i kvartalet",
            "Danmarks Statistik",
            "2022",
            "https://www.statistikbanken.dk/FOLK1A",
            "Denmark's population, about 5.9 million",
        ),
        Source(
            "Maibom et al. 2017",
            "Experimental Evidence on the Effects of Early Meetings and Activation",
            "Jonas Maibom, Michael Rosholm and Michael Svarer; "
            "Scandinavian Journal of Economics 119(3): 541-570",
            "2017",
            "https://doi.org/10.1111/sjoe.12180",
            "three Danish randomised trials (2008, insured unemployed): frequent individual "
            "caseworker meetings raise employment in the medium and long run; in the working-paper "
            "version, fortnightly meetings raise employment over two years by about 10 % (5 weeks)",
        ),
        Source(
            "Kroft et al. 2013",
            "Duration Dependence and Labor Market Conditions: Evidence from a Field Experiment",
            "Kory Kroft, Fabian Lange and Matthew J. Notowidigdo; Quarterly Journal of Economics "
            "128(3): 1123-1167",
            "August 2013",
            "https://doi.org/10.1093/qje/qjt015",
            "fictitious résumés sent to real job postings in 100 U.S. cities: the chance of a callback "
            "falls with the length of the unemployment spell, the majority of the fall within the "
            "first eight months (35 weeks); stronger in tighter labour markets",
        ),
        Source(
            "Beskæftigelsesministeriet 2016",
            "Effektanalyse: Virksomhedspraktik virker",
            "Beskæftigelsesministeriet",
            "April 2016",
            "https://bm.dk/nyheder-presse/nyheder/2016/04/effektanalyse-virksomhedspraktik-virker/",
            "cash-benefit recipients aged 30+: after a private company internship the exit rate to "
            "employment is about 84 % higher, after a public one about 65 % (other activation: 27 %); "
            "without an internship comparable recipients would be 40 % in work only after 156 "
            "(private) or 208 (public) weeks of unemployment",
        ),
        Source(
            "KORA 2013",
            "Effekter af kurser med vejledning og særligt tilrettelagt opkvalificering for ledige. "
            "En oversigt over danske og internationale kvantitative studier",
            "Jacob Nielsen Arendt, KORA, for Arbejdsmarkedsstyrelsen",
            "July 2013",
            "http://www.kora.dk/udgivelser/udgivelse/i7921/",
            "a review of Danish and international studies of courses for the unemployed: strong "
            "evidence of marked lock-in while the course runs, positive effects after it that in the "
            "longer run do not make up for the lock-in; conflicting evidence on job-search courses",
        ),
        Source(
            "Jobindsats 2019",
            "Stor forskel på, hvor mange der forlader offentlig forsørgelse efter virksomhedspraktik",
            "Nyt om beskæftigelse (nb-beskaeftigelse.dk), from Jobindsats figures",
            "5 March 2019",
            "https://www.nb-beskaeftigelse.dk/2019/03/05/stor-forskel-paa-hvor-mange-der-forlader-"
            "offentlig-forsoergelse-efter-virksomhedspraktik/",
            "cash-benefit recipients: 15.8 % off public support six months after a company "
            "internship (the best municipalities 20 % and more, the worst under 11 %)",
        ),
        Source(
            "Benchmarkingenheden 2023",
            "Analyse af varig beskæftigelse blandt tidligere kontanthjælpsmodtagere",
            "Indenrigs- og Sundhedsministeriets Benchmarkingenhed",
            "13 April 2023",
            "https://www.benchmark.dk/nyhedsarkiv/2023/apr/analyse-af-varig-beskaeftigelse-blandt-"
            "tidligere-kontanthjaelpsmodtagere",
            "cash-benefit recipients who left for a job in 2020-2021: 50 % employed 12 months in a "
            "row, 26 % stopped within the first 3 months and 24 % in the next 9 (38-64 % by "
            "municipality)",
        ),
        Source(
            "STAR 2018 samtaledata",
            "Opfølgning på data om samtaler",
            "Styrelsen for Arbejdsmarked og Rekruttering (STAR)",
            "2018",
            "https://star.dk/om-styrelsen/statistik-og-analyser/samtaledata/",
            "before 2020 activity-ready cash-benefit recipients must have at least 4 meetings in "
            "every 12 calendar months after the first",
        ),
        Source(
            "Quartz+Co and BDO 2014",
            "Analyse af jobcentrenes ressourceforbrug",
            "Quartz+Co and BDO for KL, Beskæftigelsesministeriet and Finansministeriet",
            "June 2014",
            "https://bm.dk/nyheder-presse/nyheder/2014/06/",
            "jobcentre staff spend on average a quarter of their time in direct contact with "
            "citizens and employers and a third preparing and following up cases",
        ),
        Source(
            "Kontanthjælpsreformen 2014",
            "Lov om ændring af lov om aktiv socialpolitik, lov om en aktiv beskæftigelsesindsats og "
            "forskellige andre love (Reform af kontanthjælpssystemet), lov nr. 895 af 4. juli 2013",
            "Folketinget; Beskæftigelsesministeriet",
            "4 July 2013, in force 1 January 2014",
            "https://www.retsinformation.dk/eli/lta/2013/895",
            "from 2014 recipients under 30 without a qualifying education get education benefit "
            "(uddannelseshjælp) at the level of the student grant instead of cash benefit",
        ),
        Source(
            "Jobcenteranalyse 2014",
            "Analyse af jobcentrenes ressourceforbrug",
            "Quartz+Co and BDO Consulting for KL, Beskæftigelsesministeriet and Finansministeriet "
            "(summarised by Beskæftigelsesministeriet, news of 12 June 2014)",
            "June 2014",
            "https://bm.dk/nyheder-presse/nyheder/2014/06/jobcenteranalyse-muligt-at-bruge-ressourcerne-mere-effektivt/",
            "all Danish job centres: on average a quarter of working time in direct contact with citizens "
            "and firms, a third preparing and following up cases, the rest administration, management, "
            "internal meetings, training and breaks",
        ),
        Source(
            "IFAU 2014:5",
            "Betydelsen av möten mellan arbetslösa och förmedlare (IFAU Rapport 2014:5)",
            "Gerard J. van den Berg, Lene Back Kjærsgaard and Michael Rosholm; IFAU",
            "March 2014",
            "https://www.ifau.se/Forskning/Publikationer/Rapporter/2014/Betydelsen-av-moten-mellan-arbetslosa-/",
            "Danish register data 2001-2005, insured unemployed: the job-finding probability rises by "
            "about 25 % in the week of a meeting with the caseworker and stays positive, but smaller, in "
            "the following weeks; the effect tends to grow with the number of meetings",
        ),
        Source(
            "AMU prices 2016",
            "Priser (AMU-kurser)",
            "VEU-center Syd",
            "2016",
            "http://udviklingscentersyd.dk/veu-center-syd/priser-og-godtgorelse/priser",
            "participants outside the subsidised AMU target group pay 480-750 DKK a day in 2016 "
            "(2,400-3,750 DKK a five-day week); within it 108-184 DKK a day",
        ),
        Source(
            "Fyens Stiftstidende 2019",
            "Millioninvestering virker: Kommune sender arbejdsløse unge til Alpe d'Huez",
            "Fyens Stiftstidende, quoting Henrik Kærgaard (Aabenraa Kommune)",
            "March 2019",
            "https://www.fyens.dk/danmark/Millioninvestering-virker-Kommune-sender-arbejdsloese-unge-til-Alpe-dHuez/artikel/3334146",
            "KIK: 68 mio. DKK over four years; more hands, fewer cases per caseworker and twice the "
            "budget for buying offers from suppliers; about 1,500 activity-ready in two years, of the "
            "1,000 who left the group over half left public support",
        ),
        Source(
            "Albertslund Kommune",
            "Vejledning og opkvalificering",
            "Albertslund Kommune, Jobcenter",
            "page read 2026 (the rule on the first nine months is from the act before 2015)",
            "https://albertslund.dk/job/aktivering/opkvalificering",
            "vejledning og opkvalificering lasts in most cases two to six weeks; within the first nine "
            "months of unemployment at most six weeks (courses under two weeks not counted)",
        ),
        Source(
            "Fyens Stiftstidende 2018",
            "Fire skridt mod et fast arbejde",
            "Fyens Stiftstidende",
            "December 2018",
            "https://www.fyens.dk/Danmark-Erhverv/Fire-skridt-mod-et-fast-arbejde/artikel/3305356",
            "Odense pays firms 200 DKK an hour for mentoring a citizen in a company internship; a mentor "
            "typically costs about 500 DKK a week per intern",
        ),
        Source(
            "Christensen et al. 2019",
            "Effects of Individual Placement and Support Supplemented With Cognitive Remediation and "
            "Work-Focused Social Skills Training for People With Severe Mental Illness: A Randomized "
            "Clinical Trial (JAMA Psychiatry 76(12):1232-1240); 30-month follow-up in Psychiatry 2023",
            "T. N. Christensen, I. G. Wallstrøm, E. Stenager, A. B. Bojesen, C. Gluud, M. Nordentoft "
            "and L. F. Eplov",
            "2019 and 2023",
            "https://pmc.ncbi.nlm.nih.gov/articles/PMC6727676 (30 months: https://preview.hindawi.com/journals/psychiatry/2023/2789891/)",
            "Danish randomised trial of employer-oriented placement with follow-up (IPS): competitive "
            "employment or education 59.9 % against 46.5 % at 18 months (1.29 times); at 30 months "
            "65 % against 53 % and 25 against 17 weeks worked (1.47 times)",
        ),
        Source(
            "Agenda 2017",
            "Høj jobomsætning (citing STAR's job-turnover statistics, Jobindsats)",
            "Agenda, with figures from Styrelsen for Arbejdsmarked og Rekruttering",
            "27 February 2017",
            "http://www.agenda.dk/2017/02/hoej-jobomsaetning/",
            "about 215,000 people started a new job in the third quarter of 2016, 8 % of the employees "
            "that quarter (all origins: other jobs, unemployment, education)",
        ),
        Source(
            "DA Arbejdsmarkedsrapport 2013",
            "Arbejdsmarkedsrapport 2013, kapitel 4: Høj dansk jobmobilitet",
            "Dansk Arbejdsgiverforening",
            "2013",
            "http://docplayer.dk/342494-4-hoej-dansk-jobmobilitet.html",
            "about 800,000 job openings a year: about two thirds filled by employees changing jobs, "
            "one third by people coming from unemployment and outside work",
        ),
        Source(
            "VIVE 2019",
            "Sagsbehandlerrelaterede forhold som påvirker lediges jobchancer - litteraturgennemgang",
            "A. Amilon and H. L. Andersen; VIVE for STAR",
            "October 2019",
            "https://star.dk/om-styrelsen/nyt/nyheder/2019/10/review-gennemgaar-effekt-af-lediges-personlige-fremmoede-og-andre-forhold-i-sagsbehandlingen/",
            "review of caseworker factors: moderate evidence that smaller caseloads raise job chances; "
            "continuity and the caseworker's belief in the citizen matter; no per-meeting effect on "
            "health or social barriers is quantified",
        ),
        Source(
            "Rambøll mentor RCT 2014",
            "Evaluering af mentorindsats til unge uden uddannelse og job",
            "Michael Svarer, Michael Rosholm, Louis Havn and Lars Høeberg (Rambøll) for STAR",
            "October 2014",
            "https://star.dk/om-styrelsen/nyt/nyheder/2014/11/mentorstoette-faar-flere-udsatte-i-uddannelse-eller-i-job/",
            "randomised trial in 13 job centres, 2012-2013, cash-benefit recipients aged 18-29 without "
            "a qualifying education in match group 2 (the later activity-ready): a year after the start "
            "about 5 % of the control group were in a job and 12 % in education (7 % and 16 % with a mentor)",
        ),
        Source(
            "Beskæftigelsesministeriet 2018",
            "Notat: Udvikling kontanthjælpsmodtagere (answer to BEU Alm.del 2017-18 spm. 326), table 1",
            "Beskæftigelsesministeriet",
            "4 April 2018",
            "https://ft.dk/samling/20171/almdel/beu/spm/326/svar/1478614/1876382/index.htm",
            "of the 162,200 in the cash-benefit system in April 2016, 97,500 (60 %) were still in it in "
            "November 2017; of the 64,700 who had left, 20,200 were in employment, 13,200 in education, "
            "9,300 self-supporting and 22,100 on another benefit",
        ),
        Source(
            "MPLOY 2015",
            "Processen for sager, der skal behandles i et rehabiliteringsteam: sagsbehandlingstrin og "
            "sagsbehandlingstider (BEU Alm.del 2014-15, 2. samling, bilag 31)",
            "MPLOY for Styrelsen for Arbejdsmarked og Rekruttering",
            "23 December 2015",
            "http://www.cabiweb.dk/materialer/andres-udgivelser/2015/processen-for-sager-der-behandles-i-et-rehabiliteringsteam/",
            "285 cases in nine municipalities: the municipalities themselves put their work on a case taken "
            "to a rehabilitation team at about 20 effective working hours; the team's own handling takes "
            "a little over a month",
        ),
        Source(
            "Municipal tax rates",
            "Kommunale skatteprocenter",
            "Danmarks Statistik; Skatteministeriet",
            "2018",
            "https://www.statistikbanken.dk",
            "municipal income tax 22.5-27.8 %",
        ),
        Source(
            "Finansministeriet discount rate",
            "Dokumentationsnotat: den samfundsøkonomiske diskonteringsrente",
            "Finansministeriet",
            "2021",
            "",
            "3.5 % a year for public projects",
        ),
    )
}


def cite(name: str, detail: str = "") -> str:
    """A parameter source naming ``name`` (a key of :data:`SOURCES`), with what it says.

    Raises:
        KeyError: ``name`` is not a known source.
    """
    if name not in SOURCES:
        raise KeyError(f"no source {name!r}; known: {', '.join(SOURCES)}")
    return f"{name}: {detail}" if detail else name
