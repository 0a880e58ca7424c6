"""Everything the site says about one agency, with the source of each fact."""

from __future__ import annotations

from typing import Any

from clearview.search import AGENCIES_SQL, LOCAL_PRECISIONS, NEARBY_KM, Found

AGENCY_SQL = """
select agency_shown.*, search_ranges.explanation as range_explanation, agencies.location_note
from agency_shown join agencies using (agency_id) join search_ranges using (search_range)
where agency_id = :agency_id
"""

RESPONSES_SQL = """
select responses.*, response_statuses.label as status_label, response_statuses.symbol, response_statuses.colour,
  response_statuses.confirms_use, use_periods.label as period_label, sources.url, sources.document, sources.title,
  sources.publisher, sources.published
from responses
join response_statuses using (response_status)
join use_periods using (use_period)
join sources using (source_id)
where agency_id = :agency_id
order by response_statuses.precedence, coalesce(sources.published, '') desc
"""

COUNTS_SQL = """
select search_counts.*, search_ranges.label as range_label, count_measures.label as measure_label,
  count_measures.counts_searches, use_periods.label as period_label, sources.url, sources.document, sources.title,
  sources.publisher, sources.published
from search_counts
join search_ranges using (search_range)
join count_measures using (measure)
join use_periods using (use_period)
join sources using (source_id)
where agency_id = :agency_id
order by count_measures.counts_searches = 'yes' desc, search_counts.use_period = 'leaked' desc,
  coalesce(sources.published, '') desc
"""

# distance_km() is the SQL function plugins/sql_functions.py registers; the latitude band keeps the scan short.
NEARBY_SQL = f"""
select * from (
  select listed.*, distance_km(:latitude, :longitude, listed.latitude, listed.longitude) as distance
  from ({AGENCIES_SQL}) as listed
  where listed.agency_id != :agency_id
    and listed.location_precision in ({", ".join(f"'{p}'" for p in sorted(LOCAL_PRECISIONS))})
    and listed.latitude between :latitude - :degrees and :latitude + :degrees
)
where distance <= :km
order by distance, name
limit 10
"""


async def nearby_agencies(database: Any, agency: dict) -> list[Found]:
    """Other listed agencies within NEARBY_KM of a locally placed agency, nearest first."""
    if agency["location_precision"] not in LOCAL_PRECISIONS or agency["latitude"] is None:
        return []
    params = {
        "agency_id": agency["agency_id"],
        "latitude": agency["latitude"],
        "longitude": agency["longitude"],
        "km": NEARBY_KM,
        "degrees": NEARBY_KM / 111.0,
    }
    rows = await database.execute(NEARBY_SQL, params)
    return [Found(dict(row), "nearby", distance_km=round(row["distance"], 1)) for row in rows]


async def agency_profile(database: Any, agency_id: str) -> dict | None:
    """database is a datasette.database.Database; returns None for an unknown agency."""
    params = {"agency_id": agency_id}
    agency = (await database.execute(AGENCY_SQL, params)).first()
    if agency is None:
        return None
    agency = dict(agency)
    return {
        "agency": agency,
        "placed_locally": agency["location_precision"] in LOCAL_PRECISIONS,
        "nearby_km": NEARBY_KM,
        "nearby": await nearby_agencies(database, agency),
        "responses": [dict(row) for row in await database.execute(RESPONSES_SQL, params)],
        "search_counts": [dict(row) for row in await database.execute(COUNTS_SQL, params)],
    }
