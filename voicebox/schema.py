"""Load TOML tables into frozen dataclasses, with errors that name the file, key and problem.

A settings class declares its keys as dataclass fields with type hints; `field(metadata=
{"range": (lo, hi)})` bounds a number and `Literal[...]` restricts a string. Unknown keys,
wrong types and out-of-range values raise ConfigError (exit 2).
"""
from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from voicebox.errors import ConfigError

T = TypeVar("T")


def load(cls: type[T], data: Any, where: str, key: str = "") -> T:
    """Build `cls` from a TOML table; `where` is the file, `key` the dotted path so far."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: {key or 'top level'}: expected a table, got {_kind(data)}")
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        allowed = ", ".join(sorted(fields))
        raise ConfigError(f"{where}: {_join(key, unknown[0])}: unknown key (allowed: {allowed})")
    values = {}
    for name, f in fields.items():
        dotted = _join(key, name)
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ConfigError(f"{where}: {dotted}: required key is missing")
            continue
        values[name] = _convert(hints[name], data[name], where, dotted)
        bounds = f.metadata.get("range")
        if bounds and not bounds[0] <= values[name] <= bounds[1]:
            raise ConfigError(f"{where}: {dotted}: {values[name]!r} is outside {bounds[0]}..{bounds[1]}")
    return cls(**values)


def _convert(hint: Any, value: Any, where: str, key: str) -> Any:
    origin, args = get_origin(hint), get_args(hint)
    if dataclasses.is_dataclass(hint):
        return load(hint, value, where, key)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value, where, key)
    if origin is Literal:
        if value not in args:
            choices = ", ".join(repr(a) for a in args)
            raise ConfigError(f"{where}: {key}: {value!r} is not one of {choices}")
        return value
    if origin in (tuple, list):
        if not isinstance(value, list):
            raise ConfigError(f"{where}: {key}: expected a list, got {_kind(value)}")
        return tuple(_convert(args[0], v, where, f"{key}[{i}]") for i, v in enumerate(value))
    if origin is dict or hint is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: {key}: expected a table, got {_kind(value)}")
        val_hint = args[1] if args else Any
        return {k: _convert(val_hint, v, where, _join(key, k)) for k, v in value.items()}
    if hint is Any:
        return value
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (int, float) and isinstance(value, bool) or not isinstance(value, hint):
        raise ConfigError(f"{where}: {key}: expected {_name(hint)}, got {_kind(value)} {value!r}")
    return value


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _name(hint: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(hint, str(hint))


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean",
            int: "an integer", float: "a number"}.get(type(value), type(value).__name__)
