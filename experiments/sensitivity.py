"""Which uncertain parameters drive the payoff, and under which conditions it fails.

Global sensitivity uses SALib on the design the batch ran: Sobol indices (first and total order,
Saltelli's scheme) for a ``sobol`` design, RBD-FAST first-order indices for a Latin hypercube,
and the main-effect share of variance for a full factorial. The outcome at a design point is the
mean over its replications. Failure conditions come from a shallow decision tree on "does not
pay back", read out as rules in plain words.
"""

import logging

import numpy as np
import pandas as pd
from SALib.analyze import rbd_fast
from SALib.analyze import sobol as sobol_analysis
from sklearn.tree import DecisionTreeClassifier

from .spec import BASELINE

log = logging.getLogger(__name__)

#: Outcomes analysed; payback is in years after the start, runs that never pay back at the horizon end.
OUTCOMES = ("npv_dkk", "payback_years")
ANALYSIS_SEED = 20160101
#: RBD-FAST's default number of harmonics; it needs more than twice as many design points.
RBD_HARMONICS = 10
ALWAYS, NEVER = "pays back in every run", "does not pay back in any run"
NO_RULE = "no simple condition: the failures are spread over the design"


def _outcome_by_point(group: pd.DataFrame, outcome: str, horizon_years: float) -> pd.Series:
    values = group[outcome]
    if outcome == "payback_years":
        values = values.fillna(horizon_years)
    return values.groupby(group["point"]).mean().sort_index()


def sensitivity_table(
    runs: pd.DataFrame, design: pd.DataFrame, method: str, horizon_years: float
) -> pd.DataFrame:
    """Sensitivity indices of NPV and payback week per strategy, cycle and factor.

    Args:
        runs: The batch's runs.
        design: The design table (column ``point`` and one column per factor).
        method: The batch's design (``sobol``, ``lhs`` or ``factorial``).
        horizon_years: Years from the investment start to the horizon end (payback of runs that
            never pay back).

    Returns:
        Columns ``strategy, cycle, outcome, factor, S1, S1_conf, ST, ST_conf, method``; ``ST`` only
        for a Sobol design. Empty when there are no factors or too few points.
    """
    design = design.set_index("point").sort_index()
    factors = list(design.columns)
    if not factors:
        return pd.DataFrame()
    problem = {"num_vars": len(factors), "names": factors, "bounds": [[0.0, 1.0]] * len(factors)}
    rows = []
    for (strategy, cycle), group in runs[runs["strategy"] != BASELINE].groupby(
        ["strategy", "cycle"], sort=False
    ):
        for outcome in OUTCOMES:
            y = _outcome_by_point(group, outcome, horizon_years)
            if len(y) != len(design) or y.std() == 0:
                continue
            try:
                indices = _analyse(problem, design, y.to_numpy(), method)
            except (ValueError, ZeroDivisionError) as exc:  # too few points for the method
                log.info("no sensitivity for %s/%s/%s: %s", strategy, cycle, outcome, exc)
                continue
            if not np.all(np.isfinite(indices["S1"])):
                continue
            for j, factor in enumerate(factors):
                row = {"strategy": strategy, "cycle": cycle, "outcome": outcome, "factor": factor}
                rows.append({**row, **{k: float(v[j]) for k, v in indices.items()}, "method": method})
    return pd.DataFrame(rows)


def _analyse(problem: dict, design: pd.DataFrame, y: np.ndarray, method: str) -> dict[str, np.ndarray]:
    if method == "sobol":
        res = sobol_analysis.analyze(problem, y, calc_second_order=False, seed=ANALYSIS_SEED)
        return {"S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]}
    if method == "lhs":
        if len(y) <= 2 * RBD_HARMONICS:
            raise ValueError(f"RBD-FAST needs more than {2 * RBD_HARMONICS} design points, got {len(y)}")
        res = rbd_fast.analyze(problem, design.to_numpy(), y, seed=ANALYSIS_SEED)
        return {"S1": res["S1"], "S1_conf": res["S1_conf"]}
    # Full factorial: the variance of each factor's level means, as a share of the total variance.
    series = pd.Series(y, index=design.index)
    total = series.var(ddof=0)
    s1 = [series.groupby(design[f]).mean().var(ddof=0) / total for f in design.columns]
    return {"S1": np.array(s1), "S1_conf": np.full(len(s1), np.nan)}


def _conditions(tree: DecisionTreeClassifier, features: list[str], leaf: int) -> list[str]:
    """The path to ``leaf`` as merged bounds per feature, in words."""
    t = tree.tree_
    parent = {}
    for node in range(t.node_count):
        for child, side in ((t.children_left[node], "le"), (t.children_right[node], "gt")):
            if child != -1:
                parent[child] = (node, side)
    lower: dict[str, float] = {}
    upper: dict[str, float] = {}
    node = leaf
    while node in parent:
        node, side = parent[node]
        name, threshold = features[t.feature[node]], float(t.threshold[node])
        if side == "le":
            upper[name] = min(upper.get(name, np.inf), threshold)
        else:
            lower[name] = max(lower.get(name, -np.inf), threshold)
    words = []
    for name in dict.fromkeys([*lower, *upper]):
        if name.startswith("cycle = "):
            cycle = name.removeprefix("cycle = ")
            words.append(f"the cycle is {cycle}" if name in lower else f"the cycle is not {cycle}")
            continue
        lo, hi = lower.get(name), upper.get(name)
        if lo is not None and hi is not None:
            words.append(f"{name} is between {lo:.4g} and {hi:.4g}")
        elif lo is not None:
            words.append(f"{name} is above {lo:.4g}")
        else:
            words.append(f"{name} is at most {hi:.4g}")
    return words


def failure_conditions(runs: pd.DataFrame, factors: list[str], *, max_depth: int = 3) -> pd.DataFrame:
    """Conditions under which a strategy does not pay back within the horizon.

    A decision tree (depth ``max_depth``, leaves of at least 5 % of the runs) is fitted per
    strategy to "does not pay back" on the uncertain factors and the cycle scenario. Each leaf
    where most runs fail becomes a rule.

    Returns:
        Columns ``strategy, rule, runs, failures, failure_share, coverage`` (share of all the
        strategy's failures the rule holds), sorted by failures; a strategy that always or never
        pays back gets a single row saying so.
    """
    rows = []
    for strategy, group in runs[runs["strategy"] != BASELINE].groupby("strategy", sort=False):
        fails = ~group["pays_back"].astype(bool)
        n_fail = int(fails.sum())
        if n_fail == 0 or n_fail == len(group):
            rule = ALWAYS if n_fail == 0 else NEVER
            rows.append(_rule_row(strategy, rule, len(group), n_fail, n_fail))
            continue
        x = pd.concat(
            [group[factors], pd.get_dummies(group["cycle"], prefix="cycle", prefix_sep=" = ")], axis=1
        )
        tree = DecisionTreeClassifier(
            max_depth=max_depth, min_samples_leaf=max(5, round(0.05 * len(group))), random_state=0
        )
        tree.fit(x.to_numpy(dtype=float), fails.to_numpy())
        leaves = tree.apply(x.to_numpy(dtype=float))
        found = False
        for leaf in np.unique(leaves):
            inside = leaves == leaf
            k = int(fails[inside].sum())
            if k * 2 <= inside.sum():
                continue
            words = _conditions(tree, list(x.columns), int(leaf)) or ["always"]
            rows.append(_rule_row(strategy, " and ".join(words), int(inside.sum()), k, n_fail))
            found = True
        if not found:
            rows.append(_rule_row(strategy, NO_RULE, len(group), n_fail, n_fail))
    table = pd.DataFrame(rows, columns=["strategy", "rule", "runs", "failures", "failure_share", "coverage"])
    return table.sort_values(["strategy", "failures"], ascending=[True, False]).reset_index(drop=True)


def _rule_row(strategy: str, rule: str, n: int, k: int, n_fail: int) -> dict:
    return {
        "strategy": strategy,
        "rule": rule,
        "runs": n,
        "failures": k,
        "failure_share": k / n if n else np.nan,
        "coverage": k / n_fail if n_fail else np.nan,
    }


def describe_failures(table: pd.DataFrame, horizon_end_year: int) -> list[str]:
    """The failure rules as sentences a municipal economist can read."""
    out = []
    for row in table.itertuples():
        if row.rule in (ALWAYS, NEVER):
            out.append(f"{row.strategy} {row.rule} ({row.runs} runs).")
            continue
        if row.rule == NO_RULE:
            out.append(f"{row.strategy} fails in {row.failures} of {row.runs} runs; {row.rule}.")
            continue
        out.append(
            f"{row.strategy} does not pay back by the end of {horizon_end_year} in {row.failures} of "
            f"{row.runs} runs ({row.failure_share:.0%}) where {row.rule}; these are {row.coverage:.0%} "
            f"of its failures."
        )
    return out
