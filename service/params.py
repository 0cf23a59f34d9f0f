"""Request parameters: each given at most once (a 400 otherwise), integers typed; a 400
``bad_parameter`` for a malformed one."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from flask import request
from werkzeug.datastructures import MultiDict

from graph.errors import BadParameter

__all__ = ["arg", "int_arg", "date_arg", "bool_arg", "boolean", "single_values", "TRUE", "FALSE"]

#: The spellings of a boolean parameter (absent or empty is false).
TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no", "")


def _once(values: list[str], name: str) -> str | None:
    # `?seed=1&seed=x` used to be read as seed=1, the rest ignored: ambiguous, so refused
    if len(values) > 1:
        raise BadParameter(f"give '{name}' once, not {len(values)} times", {"param": name})
    return values[0] if values else None


def arg(name: str, default: str = "") -> str:
    """A query parameter given at most once, or ``default`` when it is absent."""
    value = _once(request.args.getlist(name), name)
    return default if value is None else value


def int_arg(name: str, default: int | None) -> int | None:
    """An integer query parameter, or ``default`` when it is absent or empty; a 400 when malformed."""
    raw = arg(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadParameter(f"'{name}' must be an integer, not {raw!r}", {"param": name}) from None


def date_arg(name: str) -> date | None:
    """A day (``YYYY-MM-DD``) given as a query parameter, or None when it is absent or empty;
    a 400 when malformed."""
    raw = arg(name).strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(f"'{name}' must be a day written YYYY-MM-DD, not {raw!r}", {"param": name}) from None


def bool_arg(name: str) -> bool:
    """A boolean query parameter: ``true``/``1``/``yes`` or ``false``/``0``/``no`` (absent or
    empty: false); a 400 for anything else."""
    return boolean(name, arg(name))


def boolean(name: str, value: str) -> bool:
    """The value of the boolean parameter ``name`` (as :func:`bool_arg` reads it)."""
    raw = value.strip().lower()
    if raw in FALSE:
        return False
    if raw in TRUE:
        return True
    raise BadParameter(f"'{name}' must be true or false, not {raw!r}", {"param": name})


def single_values(values: MultiDict, skip: Collection[str] = ()) -> dict[str, str]:
    """Each parameter of ``values`` but ``skip`` with its one value."""
    return {k: str(_once(values.getlist(k), k)) for k in values if k not in skip}
