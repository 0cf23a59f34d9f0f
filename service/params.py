"""Typed request parameters: an integer, or its default, or a 400 ``bad_parameter``."""

from __future__ import annotations

from flask import request

from graph.errors import BadParameter

__all__ = ["int_arg"]


def int_arg(name: str, default: int | None) -> int | None:
    """An integer query parameter, or ``default`` when it is absent; a 400 when malformed."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadParameter(f"'{name}' must be an integer, not {raw!r}", {"param": name}) from None
