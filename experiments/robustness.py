"""How surely, and when, a strategy pays back: tables over a batch's runs.

Every function takes the runs table of a batch (:meth:`ResultStore.read_runs`, one row per run)
and returns a pandas DataFrame. NPV is the municipality's, discounted to the investment start;
a run *pays back* when its cumulative net saving turns non-negative for good within the horizon.
"""

import numpy as np
import pandas as pd

from .spec import BASELINE

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
ALL_CYCLES = "all cycles"


def with_regret(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs with a ``regret_dkk`` column: the best NPV in the task minus the run's NPV.

    The best is taken over every strategy and the baseline (NPV 0: not investing) run with the
    same design point, cycle and seed, so regret is 0 for the best choice in that world.
    """
    out = runs.copy()
    best = out.groupby("task")["npv_dkk"].transform("max")
    out["regret_dkk"] = best - out["npv_dkk"]
    return out


def _quantiles(values: pd.Series, prefix: str) -> dict[str, float]:
    return {f"{prefix}_q{round(q * 100):02d}": float(values.quantile(q)) for q in QUANTILES}


def _summarise(group: pd.DataFrame, threshold: float) -> dict[str, float]:
    # Runs that never pay back count as infinitely late, so quantiles past their share are inf.
    years = group["payback_years"].fillna(np.inf)
    return {
        "runs": len(group),
        "p_payback": float(group["pays_back"].mean()),
        "p_npv_positive": float((group["npv_dkk"] > 0).mean()),
        "npv_mean_dkk": float(group["npv_dkk"].mean()),
        **_quantiles(group["npv_dkk"], "npv"),
        **{
            f"payback_years_q{round(q * 100):02d}": float(np.quantile(years, q, method="inverted_cdf"))
            for q in QUANTILES
        },
        "regret_mean_dkk": float(group["regret_dkk"].mean()),
        "regret_max_dkk": float(group["regret_dkk"].max()),
        "p_best": float((group["regret_dkk"] <= 0).mean()),
        "p_satisficing": float((group["npv_dkk"] >= threshold).mean()),
    }


def robustness_table(runs: pd.DataFrame, threshold_npv_dkk: float = 0.0) -> pd.DataFrame:
    """Per strategy × cycle scenario (and over all cycles): the payoff's distribution.

    Columns: ``runs``; ``p_payback`` (share paying back within the horizon); ``p_npv_positive``;
    ``npv_mean_dkk`` and NPV quantiles ``npv_q05`` … ``npv_q95``; payback quantiles in years after
    the investment start (``inf``: that share of runs does not pay back within the horizon);
    ``regret_mean_dkk``/``regret_max_dkk`` against the best choice in each task; ``p_best``
    (share of tasks where it is the best choice); ``p_satisficing`` (share with NPV at least
    ``threshold_npv_dkk``). The baseline's rows describe not investing (NPV 0).
    """
    runs = with_regret(runs)
    rows = []
    for strategy, by_strategy in runs.groupby("strategy", sort=False):
        groups = [*by_strategy.groupby("cycle", sort=False), (ALL_CYCLES, by_strategy)]
        for cycle, group in groups:
            rows.append({"strategy": strategy, "cycle": cycle, **_summarise(group, threshold_npv_dkk)})
    table = pd.DataFrame(rows).set_index(["strategy", "cycle"])
    baseline = table.index.get_level_values("strategy") == BASELINE
    table.loc[baseline, ["p_payback", *[c for c in table.columns if c.startswith("payback_")]]] = np.nan
    return table


def pairing_gain(runs: pd.DataFrame) -> pd.DataFrame:
    """What common random numbers buy: variance of the NPV estimate, paired vs independent seeds.

    Within each design point and cycle the replications differ only in their seed. With paired
    seeds the estimate is PV(baseline cost) − PV(strategy cost) from the same seed; with
    independent seeds the two runs would have different seeds, and the variance of the
    difference would be Var(PV baseline) + Var(PV strategy). Both are pooled over design points.
    Needs at least two replications; returns an empty table otherwise.

    Columns: ``var_paired``, ``var_independent`` (DKK²), ``variance_ratio`` (independent /
    paired: how many times more replications independent seeds need for the same precision) and
    ``se_ratio`` (its square root).
    """
    if runs["replication"].nunique() < 2:
        return pd.DataFrame()
    pv = runs.pivot_table(
        index=["cycle", "point", "replication"], columns="strategy", values="pv_net_cost_dkk", sort=False
    )
    rows = []
    for strategy in [c for c in pv.columns if c != BASELINE]:
        for cycle, frame in [*pv.groupby(level="cycle", sort=False), (ALL_CYCLES, pv)]:
            by_point = frame.groupby(level=["cycle", "point"])
            paired = by_point.apply(lambda f, s=strategy: (f[BASELINE] - f[s]).var(ddof=1)).mean()
            indep = by_point.apply(lambda f, s=strategy: f[BASELINE].var(ddof=1) + f[s].var(ddof=1)).mean()
            rows.append(
                {
                    "strategy": strategy,
                    "cycle": cycle,
                    "var_paired": paired,
                    "var_independent": indep,
                    "variance_ratio": indep / paired if paired > 0 else np.inf,
                    "se_ratio": np.sqrt(indep / paired) if paired > 0 else np.inf,
                }
            )
    return pd.DataFrame(rows).set_index(["strategy", "cycle"])
