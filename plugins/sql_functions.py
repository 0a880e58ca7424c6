"""SQL functions for queries and pages: distance_km(lat1, lon1, lat2, lon2), fts_prefix(text) and fts_phrase(text)."""

from __future__ import annotations

import re

from datasette import hookimpl

from clearview.said import fts_query, phrase
from clearview.search import distance_km


def sql_distance_km(lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None) -> float | None:
    # SQL passes NULL for an agency without coordinates, and may pass text: neither should raise mid-query.
    try:
        return distance_km(float(lat1), float(lon1), float(lat2), float(lon2))
    except (TypeError, ValueError):
        return None


def fts_prefix(text: str | None) -> str:
    """Any typed text as an FTS5 query that cannot fail: each word quoted, as a prefix; '""' matches nothing."""
    words = re.findall(r"\w+", text or "")
    return " ".join(f'"{word}"*' for word in words) or '""'


def fts_phrase(text: str | None) -> str:
    """Typed text as the phrase the reader's search looks for in what was said (clearview.said): '""' for none."""
    return fts_query(phrase(text or ""))


@hookimpl
def prepare_connection(conn):
    conn.create_function("distance_km", 4, sql_distance_km, deterministic=True)
    conn.create_function("fts_prefix", 1, fts_prefix, deterministic=True)
    conn.create_function("fts_phrase", 1, fts_phrase, deterministic=True)
