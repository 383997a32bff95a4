"""The interactive dashboard (``raaderum dashboard``): a strategy and its baseline, stepped live.

:mod:`sim.dashboard.model` needs only the core install; :mod:`sim.dashboard.app` needs the
``viz`` extra (Mesa's SolaraViz).
"""

from sim.dashboard.model import PairedMunicipality, Snapshot

__all__ = ["PairedMunicipality", "Snapshot"]
