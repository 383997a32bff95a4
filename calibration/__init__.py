"""Calibration of raaderum to the four cases in ``docs/CASES.md``.

The targets (``targets.toml``) and the parameter space (``space.toml``) are data files in this
package. :mod:`raaderum.calibration.smm` finds a point estimate by the simulated method of moments,
:mod:`raaderum.calibration.abc` a posterior sample by approximate Bayesian computation, and
:mod:`raaderum.calibration.calibrate` runs both and writes the fit report.
"""
