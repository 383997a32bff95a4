"""The interactive dashboard (``raaderum dashboard``): a strategy and its baseline, stepped live.

:mod:`raaderum.sim.dashboard.model` needs only the core install; :mod:`raaderum.sim.dashboard.app` needs the
``viz`` extra (Mesa's SolaraViz).
"""

from .model import PairedMunicipality, Snapshot

__all__ = ["PairedMunicipality", "Snapshot"]
