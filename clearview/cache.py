"""Answers computed once per database file: the site serves immutable databases, and a rebuild gets a new hash."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

_answers: dict[tuple[str, str], Any] = {}


async def once_per_database(database: Any, name: str, compute: Callable[[Any], Awaitable[Any]]) -> Any:
    """await compute(database), remembered under name for this database (a datasette.database.Database)."""
    key = (name, str(database.hash or database.path))
    if key not in _answers:
        answer = await compute(database)
        for stale in [k for k in _answers if k[0] == name and k != key]:
            del _answers[stale]
        _answers[key] = answer
    return _answers[key]
