"""Answers computed once per database file: the site serves immutable databases, and a rebuild gets a new hash.

Concurrent first requests for the same answer wait for one computation instead of each starting their own (20 cold
requests for the search index took 205 s when each computed it)."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

_answers: dict[tuple[str, str], Any] = {}
# Per event loop, since an asyncio.Lock belongs to one (the tests run several).
_computing: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def once_per_database(database: Any, name: str, compute: Callable[[Any], Awaitable[Any]]) -> Any:
    """await compute(database), remembered under name for this database (a datasette.database.Database)."""
    key = (name, str(database.hash or database.path))
    if key in _answers:
        return _answers[key]
    lock = _computing.setdefault(asyncio.get_running_loop(), {}).setdefault(key, asyncio.Lock())
    async with lock:
        if key not in _answers:
            answer = await compute(database)
            for stale in [k for k in _answers if k[0] == name and k != key]:
                del _answers[stale]
            _answers[key] = answer
            # Kept as long as the database, as the start-up's answers are (plugins/warm_start.py): out of the cycle
            # collector's full passes, which over a search index built at 100,000 agencies paused a request 170 ms.
            gc.freeze()
    return _answers[key]
