"""Everything the site says about one agency, with the source of each fact."""

from __future__ import annotations

from typing import Any

AGENCY_SQL = """
select agencies.*, agency_types.label as agency_type_label,
  search_ranges.label as search_range_label, search_ranges.explanation as search_range_explanation,
  response_statuses.label as response_status_label, response_statuses.description as response_status_description
from agencies
join agency_types using (agency_type)
join search_ranges using (search_range)
join response_statuses using (response_status)
where agency_id = :agency_id
"""

RESPONSES_SQL = """
select responses.*, response_statuses.label as status_label, sources.url, sources.document, sources.title,
  sources.publisher, sources.published
from responses
join response_statuses using (response_status)
join sources using (source_id)
where agency_id = :agency_id
order by response_statuses.precedence, coalesce(sources.published, '') desc
"""

COUNTS_SQL = """
select search_counts.*, search_ranges.label as range_label, sources.url, sources.document, sources.title,
  sources.publisher, sources.published
from search_counts
join search_ranges using (search_range)
join sources using (source_id)
where agency_id = :agency_id
order by search_counts.in_leaked_data = 'yes' desc, coalesce(sources.published, '') desc
"""


async def agency_profile(database: Any, agency_id: str) -> dict | None:
    """database is a datasette.database.Database; returns None for an unknown agency."""
    params = {"agency_id": agency_id}
    agency = (await database.execute(AGENCY_SQL, params)).first()
    if agency is None:
        return None
    return {
        "agency": dict(agency),
        "responses": [dict(row) for row in await database.execute(RESPONSES_SQL, params)],
        "search_counts": [dict(row) for row in await database.execute(COUNTS_SQL, params)],
    }
