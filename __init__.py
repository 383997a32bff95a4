"""raaderum: an agent-based simulator of a Danish municipality's employment services.

Citizens on benefits, caseworkers and employers interact week by week; an investment in more
caseworkers and better methods is run against its counterfactual with common random numbers.
``import raaderum as rd`` gives the public API below; everything else lives in the subpackages
``raaderum.sim`` (parameters, model, rules, budget, CLI), ``raaderum.agents`` (the three agent
kinds), ``raaderum.experiments`` (paired runs, batches, reports) and ``raaderum.calibration``.

Scenarios
    Scenario             everything a run needs, validated when built (frozen dataclasses)
    load_scenario(path)  read a TOML file; builtin_scenarios() lists the shipped ones
    default_scenario()   Aabenraa 2016 with the KIK investment
    as_scenario(ref)     a Scenario from a Scenario, a built-in name, a path or a dict
    save_scenario(s, p)  write a scenario back to TOML (scenario_to_toml gives the text)

The model
    Municipality         the Mesa model: one week per step(), citizens, caseworkers, employers

Runs
    run(scenario, seed)         one run (its strategy included) -> RunResult
    run_paired(scenario, seed)  strategy vs baseline, common random numbers -> PairedResult

Batches
    load_spec(path)      read an experiment file (uncertain factors, cycles, design, seed)
    run_batch(spec, out) run it in parallel into a resumable result folder
    load_batch(out)      read a result folder; report_tables() and write_report() analyse it

Calibration
    calibrate(out)       fit the parameters to the cases and write the fit report

Errors
    ScenarioError        every bad input is one of these: ``field`` names the field, ``problem``
                         the rule broken
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("raaderum")
except PackageNotFoundError:  # a source tree that is not installed
    __version__ = "0+unknown"

#: Public name -> module that defines it. Imported on first use, so ``import raaderum`` (and the
#: command line's ``--help``) stays fast.
_API = {
    "Scenario": "raaderum.sim.scenario",
    "load_scenario": "raaderum.sim.scenario",
    "builtin_scenarios": "raaderum.sim.scenario",
    "default_scenario": "raaderum.sim.scenario",
    "as_scenario": "raaderum.sim.scenario",
    "scenario_from_dict": "raaderum.sim.scenario",
    "scenario_to_toml": "raaderum.sim.scenario",
    "save_scenario": "raaderum.sim.scenario",
    "Municipality": "raaderum.sim.model",
    "RunResult": "raaderum.sim.results",
    "run": "raaderum.experiments.paired",
    "run_single": "raaderum.experiments.paired",
    "run_paired": "raaderum.experiments.paired",
    "PairedResult": "raaderum.experiments.paired",
    "load_spec": "raaderum.experiments.spec",
    "ExperimentSpec": "raaderum.experiments.spec",
    "run_batch": "raaderum.experiments.batch",
    "load_batch": "raaderum.experiments.report",
    "report_tables": "raaderum.experiments.report",
    "write_report": "raaderum.experiments.report",
    "calibrate": "raaderum.calibration.calibrate",
    "ScenarioError": "raaderum.sim.errors",
}
_ALIASES = {"run": "run_single"}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'raaderum' has no attribute {name!r}")
    value = getattr(import_module(_API[name]), _ALIASES.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
