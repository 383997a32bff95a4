"""Experiments on the simulator: paired (counterfactual) runs; batches come later."""

from .paired import PairedResult, run_paired, run_single

__all__ = ["PairedResult", "run_paired", "run_single"]
