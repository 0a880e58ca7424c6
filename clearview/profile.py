"""Everything the site says about one agency, with the source of each fact."""

from __future__ import annotations

from typing import Any

from clearview.search import LOCAL_PRECISIONS, NEARBY_KM, Found, agency_index, is_local

AGENCY_SQL = """
select agency_shown.*, search_ranges.explanation as range_explanation, agencies.location_note
from agency_shown join agencies using (agency_id) join search_ranges using (search_range)
where agency_id = :agency_id
"""

RESPONSES_SQL = """
select responses.*, response_statuses.label as status_label, response_statuses.symbol, response_statuses.colour,
  response_statuses.confirms_use, use_periods.label as period_label, sources.url, sources.document, sources.title,
  sources.publisher, sources.published, sources.language
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
  sources.publisher, sources.published, sources.language
from search_counts
join search_ranges using (search_range)
join count_measures using (measure)
join use_periods using (use_period)
join sources using (source_id)
where agency_id = :agency_id
order by count_measures.counts_searches = 'yes' desc, search_counts.use_period = 'leaked' desc,
  coalesce(sources.published, '') desc
"""

NEARBY_SHOWN = 10


async def nearby_agencies(database: Any, agency: dict) -> list[Found]:
    """Other listed agencies within NEARBY_KM of a locally placed agency, nearest first, as search finds a town's."""
    if not is_local(agency):
        return []
    index = await agency_index(database)
    itself = {index.order[agency["agency_id"]]} if agency["agency_id"] in index.order else set()
    near = index.nearby(agency["latitude"], agency["longitude"], itself)[:NEARBY_SHOWN]
    return [Found(index.agencies[i], "nearby", distance_km=km) for km, i in near]


async def agency_profile(database: Any, agency_id: str) -> dict | None:
    """database is a datasette.database.Database; returns None for an unknown agency."""
    params = {"agency_id": agency_id}
    agency = (await database.execute(AGENCY_SQL, params)).first()
    if agency is None:
        return None
    agency = dict(agency)
    counts = [dict(row) for row in await database.execute(COUNTS_SQL, params)]
    responses = [dict(row) for row in await database.execute(RESPONSES_SQL, params)]
    return {
        "agency": agency,
        "placed_locally": agency["location_precision"] in LOCAL_PRECISIONS,
        "nearby_km": NEARBY_KM,
        "nearby": await nearby_agencies(database, agency),
        "responses": responses,
        # The language of each source's words, for the quotes the headline card takes from them.
        "languages": {row["source_id"]: row["language"] for row in responses + counts if row["language"]},
        "search_counts": counts,
        "count_source": next((c for c in counts if c["source_id"] == agency["search_count_source_id"]), None),
    }
