"""Which parameters the targets pin down: distance slices, posterior contraction, trade-offs.

A calibrated parameter is *identified* by the targets when moving it away from its fitted value
makes the fit worse and the posterior is narrower than the prior. Three measures, all on the
prior's unit scale (:meth:`Parameter.to_unit`, where the prior is uniform on [0, 1]):

* **Distance slice** (:func:`distance_slices`). Each parameter in turn is moved over a grid
  spanning its bounds, every other value held at the fitted one, and the distance is measured on
  common seeds. Its *rise* is (highest - lowest) / lowest over the grid. A flat slice (rise below
  ``flat_rise``) means the targets do not respond to the parameter even where the others are
  fitted: no combination of these targets can pin it down. A steep slice shows the parameter
  matters locally; it may still trade off against another one (below). The slice also names the
  target that would pin the parameter down: the one whose simulated mean moves most, in
  tolerances, over the grid.
* **Posterior contraction** (from the ABC particles), ``1 - var_posterior / var_prior`` (Schad,
  Betancourt & Vasishth 2021, "Toward a principled Bayesian workflow in cognitive science",
  Psychological Methods 26(1)): 0 when the data teach nothing, near 1 when they pin the value
  down. The prior's variance on the unit scale is 1/12.
* **Trade-offs**: pairs of parameters whose weighted posterior correlation is at least
  ``strong_correlation`` in absolute value: the targets fix a combination of the two, not each.

The posterior measures need a posterior worth the name. Their effective sample size (Kish,
over distinct particles) is reported, and below ``min_ess`` they are shown but do not enter the
verdict: a population that has collapsed onto a few particles looks narrow and correlated
whatever the data say.
"""

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .journal import Journal
from .smm import evaluate, mean_moments
from .space import ParameterSpace
from .targets import Targets, distance

#: Prefix of the slice columns that hold a target's simulated mean.
SIMULATED = "simulated."
#: Variance of a uniform prior on the unit interval.
PRIOR_VARIANCE = 1.0 / 12.0


def distance_slices(
    values: Mapping[str, float],
    space: ParameterSpace,
    targets: Targets,
    seeds: Sequence[np.random.SeedSequence],
    jobs: int = 1,
    points: int = 9,
    journal: Journal | None = None,
) -> pd.DataFrame:
    """The distance, and every target's simulated mean, along each parameter's range.

    Args:
        values: The fitted values (every other parameter is held there).
        space: The parameters; each is moved over ``points`` values evenly spaced on its unit
            scale, bounds included, and its fitted value.
        targets: The targets (their cases are run).
        seeds: Common seeds of every point.
        jobs: Parallel workers (results do not depend on it).
        points: Grid points per parameter.
        journal: Replications already run and where to record new ones.

    Returns:
        One row per parameter and value: ``parameter``, ``value``, ``unit``, ``fitted``,
        ``distance`` and ``simulated.<target>``.
    """
    rows, grid_rows = [], []
    for p in space.parameters:
        fitted = float(values[p.path])
        for i, x in enumerate([fitted, *p.from_unit(np.linspace(0.0, 1.0, points))]):
            grid_rows.append({**values, p.path: float(x)})
            unit = float(p.to_unit(np.array([x]))[0])
            rows.append({"parameter": p.path, "value": float(x), "unit": unit, "fitted": i == 0})
    for row, runs in zip(rows, evaluate(grid_rows, targets, space, list(seeds), jobs, journal), strict=True):
        means = mean_moments(runs)
        row["distance"] = distance(targets, means)
        row.update({SIMULATED + k: v for k, v in means.items()})
    out = pd.DataFrame(rows)
    return out


def effective_sample_size(particles: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Kish's effective sample size, ``(sum w)^2 / sum w^2``, after merging identical particles.

    Identical rows (a sample resampled with replacement) are one particle with their summed
    weight, so a posterior sample drawn from few particles is not mistaken for a large one.
    """
    w = np.full(len(particles), 1.0) if weights is None else np.asarray(weights, dtype=float)
    _, which = np.unique(np.asarray(particles), axis=0, return_inverse=True)
    merged = np.bincount(which.ravel(), weights=w)
    return float(merged.sum() ** 2 / np.sum(merged**2))


def _weighted_unit(
    posterior: pd.DataFrame, space: ParameterSpace, weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    u = space.to_unit(posterior[space.names].to_numpy(dtype=float))
    w = np.full(len(u), 1.0 / len(u)) if weights is None else np.asarray(weights, dtype=float)
    return u, w / w.sum()


def contraction(
    posterior: pd.DataFrame, space: ParameterSpace, weights: np.ndarray | None = None
) -> pd.Series:
    """Posterior contraction ``1 - var_posterior / var_prior`` of each parameter, on the unit scale."""
    u, w = _weighted_unit(posterior, space, weights)
    mean = w @ u
    var = w @ (u - mean) ** 2
    return pd.Series(1.0 - var / PRIOR_VARIANCE, index=space.names, name="contraction")


def tradeoffs(
    posterior: pd.DataFrame,
    space: ParameterSpace,
    weights: np.ndarray | None = None,
    strong_correlation: float = 0.7,
) -> pd.DataFrame:
    """Pairs of parameters whose weighted posterior correlation is at least ``strong_correlation``.

    Returns:
        Columns ``parameter``, ``other``, ``correlation``; strongest first.
    """
    u, w = _weighted_unit(posterior, space, weights)
    cov = np.atleast_2d(np.cov(u, rowvar=False, aweights=w, bias=True))
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    rows = [
        {"parameter": a, "other": b, "correlation": float(corr[i, j])}
        for i, a in enumerate(space.names)
        for j, b in enumerate(space.names)
        if i < j and np.isfinite(corr[i, j]) and abs(corr[i, j]) >= strong_correlation
    ]
    out = pd.DataFrame(rows, columns=["parameter", "other", "correlation"])
    return out.reindex(out["correlation"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def identifiability(
    slices: pd.DataFrame,
    space: ParameterSpace,
    targets: Targets,
    posterior: pd.DataFrame | None = None,
    weights: np.ndarray | None = None,
    *,
    flat_rise: float = 0.25,
    identified_contraction: float = 0.5,
    strong_correlation: float = 0.7,
    min_ess: float = 50.0,
) -> pd.DataFrame:
    """One row per parameter: its slice, the target that moves most, its posterior, and a verdict.

    Verdicts, in order: ``not identified`` (flat slice); ``responds`` (steep slice, no usable
    posterior: none given, or its effective sample size below ``min_ess``); ``trades off``
    (a posterior correlation of at least ``strong_correlation`` with another parameter);
    ``identified`` (contraction at least ``identified_contraction``); ``weakly identified``.

    Args:
        slices: :func:`distance_slices`' table.
        space: The parameters.
        targets: The targets of the slices (for their tolerances).
        posterior: Posterior particles or draws (a column per parameter path), or None.
        weights: The particles' importance weights (None: equal).
        flat_rise: Relative rise of the slice's distance below which it is flat.
        identified_contraction: Contraction from which the posterior counts as informative.
        strong_correlation: Absolute posterior correlation that marks a trade-off.
        min_ess: Effective sample size from which the posterior enters the verdict.

    Returns:
        Columns ``parameter``, ``fitted``, ``slice_rise``, ``most_moved_target``,
        ``target_span_tolerances``, ``contraction``, ``posterior_ess``, ``trades_off_with``,
        ``verdict``.
    """
    tolerance = {t.id: t.tolerance for t in targets}
    ess, shrink, pairs = float("nan"), None, None
    if posterior is not None:
        ess = effective_sample_size(posterior[space.names].to_numpy(dtype=float), weights)
        shrink = contraction(posterior, space, weights)
        pairs = tradeoffs(posterior, space, weights, strong_correlation)
    usable = posterior is not None and ess >= min_ess
    rows = []
    for p in space.parameters:
        s = slices[slices["parameter"] == p.path]
        d = s["distance"].to_numpy(dtype=float)
        if d.max() == d.min():
            rise = 0.0  # the targets ignore it (also where every one is met: distance 0)
        else:
            rise = float((d.max() - d.min()) / d.min()) if d.min() > 0 else float("inf")
        spans = {
            k[len(SIMULATED) :]: float((s[k].max() - s[k].min()) / tolerance[k[len(SIMULATED) :]])
            for k in s.columns
            if k.startswith(SIMULATED) and k[len(SIMULATED) :] in tolerance
        }
        moved = max(spans, key=lambda k: spans[k]) if spans else ""
        partners = []
        if pairs is not None:
            for r in pairs.itertuples():
                if p.path in (r.parameter, r.other):
                    other = r.other if r.parameter == p.path else r.parameter
                    partners.append(f"{other} ({r.correlation:+.2f})")
        c = float(shrink[p.path]) if shrink is not None else float("nan")
        if rise < flat_rise:
            verdict = "not identified"
        elif not usable:
            verdict = "responds"
        elif partners:
            verdict = "trades off"
        else:
            verdict = "identified" if c >= identified_contraction else "weakly identified"
        rows.append(
            {
                "parameter": p.path,
                "fitted": float(s.loc[s["fitted"], "value"].iloc[0]),
                "slice_rise": rise,
                "most_moved_target": moved,
                "target_span_tolerances": spans.get(moved, float("nan")),
                "contraction": c,
                "posterior_ess": ess,
                "trades_off_with": "; ".join(partners),
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)


def identifiability_text(identified: pd.DataFrame, min_ess: float = 50.0) -> list[str]:
    """The fit report's section on :func:`identifiability`'s table, as Markdown lines.

    A posterior whose effective sample size is below ``min_ess`` is named, and its contraction
    and correlations are left out of the table (they are in the CSV).
    """
    counts = identified["verdict"].value_counts()
    ess = float(identified["posterior_ess"].iloc[0]) if len(identified) else float("nan")
    usable = ess >= min_ess  # False for NaN
    if np.isnan(ess):
        posterior = "There is no posterior."
    elif usable:
        posterior = f"Posterior effective sample size {ess:.0f}."
    else:
        posterior = (
            f"The posterior's effective sample size is {ess:.0f}, below {min_ess:.0f}: its contraction "
            "and correlations say nothing about the targets and are left out (`identifiability.csv` "
            "has them)."
        )
    out = [
        "## Which parameters the targets pin down",
        "",
        "Each parameter moved over its bounds with the others at the fitted values, on the SMM's "
        "seeds (`identify_slices.csv`; `raaderum.calibration.identify`): the rise of the distance "
        "over the slice, (highest − lowest) / lowest, flat below 0.25; the target whose simulated "
        "mean moves most over the slice, and by how many tolerances; the posterior contraction "
        "1 − var(posterior)/var(prior) on the prior's unit scale; posterior correlations of at "
        f"least 0.7. {posterior} " + ", ".join(f"**{n} {v}**" for v, n in counts.items()) + ".",
        "",
        "| parameter | fitted | slice rise | target moved most (tolerances) | contraction | trades off with "
        "| verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in identified.itertuples():
        moved = f"{r.most_moved_target} ({r.target_span_tolerances:.2f})" if r.most_moved_target else ""
        shrink, partners = (f"{r.contraction:.2f}", r.trades_off_with) if usable else ("–", "–")
        out.append(
            f"| {r.parameter} | {r.fitted:.4g} | {r.slice_rise:.2f} | {moved} | {shrink} | {partners} "
            f"| {r.verdict} |"
        )
    return out
