"""raaderum: an agent-based simulator of a Danish municipality's employment services."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("raaderum")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
