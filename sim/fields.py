"""Declared parameters: a default, a rule, a unit and a source for every number.

Parameter sections are frozen dataclasses whose fields are made with :func:`param`. They check
themselves when built (``__post_init__`` calls :func:`check_section`), so an invalid value never
reaches a model, whether it comes from a TOML file or from Python.
"""

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Mapping
from typing import Any

from .errors import FieldTypeError, FieldValueError, UnknownFieldError

RULES = ("any", "positive", "nonneg", "share", "year", "name", "label")
#: Longest horizon the year rule allows (1990-2100), in weeks and years: no duration is longer.
MAX_WEEKS = 111 * 52
#: Bounds implied by a parameter's unit, where it declares none of its own.
UNIT_MAXIMUM = {"weeks": MAX_WEEKS, "week": MAX_WEEKS, "years": 111}
#: Any integer parameter is stored in 32-bit arrays; any other number stays far from overflow.
MAX_INT = 2**31 - 1
MAX_FLOAT = 1e15
#: Longest name or label (a file name must fit in 255 bytes, with room for a suffix).
MAX_NAME_LENGTH = 100


def param(
    default: Any,
    rule: str = "any",
    *,
    unit: str = "",
    source: str,
    doc: str = "",
    maximum: float | None = None,
) -> Any:
    """Declare a parameter field.

    Args:
        default: Default value (tuples for sequences, never empty; dataclasses are frozen).
        rule: One of ``any``, ``positive`` (> 0), ``nonneg`` (>= 0), ``share`` (in [0, 1]),
            ``year`` (1990-2100), ``name`` (a safe file name: it names an output folder) or
            ``label`` (printable text). Applied to every element of a tuple.
        unit: Unit of the value, e.g. ``DKK/month`` or ``per week``.
        source: Where the value comes from; ``assumption`` if it is one.
        doc: What the parameter means in the model.
        maximum: Largest physically meaningful value, if the rule alone allows absurd ones.
            Without one, a duration in weeks or years is bounded by the longest horizon, an
            integer by 2**31 - 1 and any other number by 1e15.
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}")
    if maximum is None and unit in UNIT_MAXIMUM:
        maximum = UNIT_MAXIMUM[unit]
    meta = {"rule": rule, "unit": unit, "source": source, "doc": doc, "maximum": maximum}
    return dataclasses.field(default=default, metadata=meta)


def check_text(path: str, value: str, *, file_name: bool) -> None:
    """Check a name or label: printable, 1-100 characters; a file name also has no path parts.

    Raises:
        FieldValueError: The first rule broken.
    """
    if not value.strip():
        raise FieldValueError(path, "must not be empty")
    if len(value) > MAX_NAME_LENGTH:
        raise FieldValueError(path, f"must be at most {MAX_NAME_LENGTH} characters, got {len(value)}")
    if not value.isprintable():
        raise FieldValueError(path, "must be printable text, without control characters such as NUL")
    if not file_name:
        return
    if "/" in value or "\\" in value:
        raise FieldValueError(path, f"names an output folder and must not contain / or \\, got {value!r}")
    if value.startswith(".") or value != value.strip():
        raise FieldValueError(
            path, f"names an output folder and must not start with '.' or a space, got {value!r}"
        )


@functools.cache
def type_hints(cls: Any) -> dict[str, Any]:
    """The resolved field types of a parameter dataclass (computed once per class)."""
    return typing.get_type_hints(cls)


@functools.cache
def _field_list(cls: Any) -> tuple[dataclasses.Field, ...]:
    return dataclasses.fields(cls)


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", str(tp))


def _check_type(path: str, value: Any, tp: Any) -> Any:
    """Return ``value`` converted to ``tp`` or raise :class:`FieldTypeError`."""
    origin = typing.get_origin(tp)
    if origin is tuple:
        (elem, _ellipsis) = typing.get_args(tp)
        if not isinstance(value, (list, tuple)):
            raise FieldTypeError(path, f"must be a list of {_type_name(elem)}, got {value!r}")
        if not value:
            raise FieldValueError(path, "must have at least one value")
        return tuple(_check_type(f"{path}[{i}]", v, elem) for i, v in enumerate(value))
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _check_type(path, value, args[0])
    if tp is bool:
        if not isinstance(value, bool):
            raise FieldTypeError(path, f"must be true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldTypeError(path, f"must be an integer, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FieldTypeError(path, f"must be a number, got {value!r}")
        if not math.isfinite(value):
            raise FieldValueError(path, f"must be finite, got {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise FieldTypeError(path, f"must be a string, got {value!r}")
        return value
    return value


def _check_rule(path: str, value: Any, rule: str, maximum: float | None = None) -> None:
    if isinstance(value, tuple):
        for i, v in enumerate(value):
            _check_rule(f"{path}[{i}]", v, rule, maximum)
        return
    if isinstance(value, str) and rule in ("name", "label"):
        check_text(path, value, file_name=rule == "name")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    if maximum is None:
        maximum = MAX_INT if isinstance(value, int) else MAX_FLOAT
    if value > maximum:
        raise FieldValueError(path, f"must be <= {format_bound(maximum)}, got {value!r}")
    if rule == "positive" and not value > 0:
        raise FieldValueError(path, f"must be > 0, got {value!r}")
    if rule == "nonneg" and not value >= 0:
        raise FieldValueError(path, f"must be >= 0, got {value!r}")
    if rule == "share" and not 0 <= value <= 1:
        raise FieldValueError(path, f"must be a share in [0, 1], got {value!r}")
    if rule == "year" and not 1990 <= value <= 2100:
        raise FieldValueError(path, f"must be a year in 1990-2100, got {value!r}")


def format_bound(x: float) -> str:
    """A bound as text: ``6,000,000`` or ``0.5``."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def check_section(obj: Any, section: str) -> None:
    """Check types and rules of every field of a parameter dataclass, in place.

    Values given as ints for float fields (or lists for tuple fields) are converted.
    """
    cls: Any = type(obj)
    hints = type_hints(cls)
    for f in _field_list(cls):
        path = f"{section}.{f.name}" if section else f.name
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(hints[f.name]):
            continue
        converted = _check_type(path, value, hints[f.name])
        _check_rule(path, converted, f.metadata.get("rule", "any"), f.metadata.get("maximum"))
        if converted is not value:
            object.__setattr__(obj, f.name, converted)


def build_section(cls: type, data: Any, section: str) -> Any:
    """Build a parameter dataclass from a mapping, rejecting unknown keys.

    Nested parameter dataclasses are built from nested tables.

    Raises:
        UnknownFieldError: A key the section does not define; the valid keys are listed.
        FieldTypeError: ``data`` is not a table, or a value has the wrong type.
        FieldValueError: A value breaks its rule.
    """
    if not isinstance(data, Mapping):
        raise FieldTypeError(section, f"must be a table, got {data!r}")
    hints = type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    kwargs = {}
    for key, value in data.items():
        path = f"{section}.{key}" if section else key
        if key not in names:
            raise UnknownFieldError(path, f"unknown key; valid keys: {', '.join(names)}")
        if dataclasses.is_dataclass(hints[key]):
            kwargs[key] = build_section(hints[key], value, path)
        else:
            kwargs[key] = _check_type(path, value, hints[key])
    return cls(**kwargs)


def describe(cls: type) -> list[dict[str, Any]]:
    """List a section's parameters with default, rule, unit, source and meaning (for docs)."""
    return [
        {"name": f.name, "default": f.default, **f.metadata} for f in dataclasses.fields(cls) if f.metadata
    ]
