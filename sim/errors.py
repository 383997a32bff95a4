"""Typed errors for malformed scenarios and experiment files.

Each error names the field (as a dotted path, e.g. ``population.activity_ready``) and the rule
that was broken, so the command line can print one clear line.
"""


class ScenarioError(Exception):
    """Base class: a scenario (or its file) is not valid."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


class ScenarioFileError(ScenarioError):
    """The file is missing, unreadable or not valid TOML."""


class UnknownFieldError(ScenarioError):
    """A key that the section does not define."""


class FieldTypeError(ScenarioError):
    """A value of the wrong type."""


class FieldValueError(ScenarioError):
    """A value of the right type that breaks a rule (sign, range, order)."""


class OutputFolderError(ScenarioError):
    """An output folder that may not be written: it holds files raaderum did not write, or is not writable."""


class WriteFailedError(OutputFolderError):
    """Writing an output failed while the command worked (a full disk): a fault, not bad input."""


class ResourceLimitError(ScenarioError):
    """Work that cannot run on this machine (memory) or in any sensible time (a batch's size)."""
