"""SQL function distance_km(lat1, lon1, lat2, lon2): great-circle kilometres, for queries and agency pages."""

from __future__ import annotations

from datasette import hookimpl

from clearview.search import distance_km


def sql_distance_km(lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None) -> float | None:
    # SQL passes NULL for an agency without coordinates, and may pass text: neither should raise mid-query.
    try:
        return distance_km(float(lat1), float(lon1), float(lat2), float(lon2))
    except (TypeError, ValueError):
        return None


@hookimpl
def prepare_connection(conn):
    conn.create_function("distance_km", 4, sql_distance_km, deterministic=True)
