"""The engine: parameters and scenarios, the model and its weekly rules, the budget, and the CLI."""

from .. import __version__

__all__ = ["__version__"]
