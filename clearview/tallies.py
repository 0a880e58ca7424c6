"""The tallies page: our counts by status, range, country and type, beside the totals the original tables published."""

from __future__ import annotations

from typing import Any

# For each published total: how many agencies here it compares with, within its scope.
# A total's scope is 'US' or 'outside US'; confirmed_use includes its subsets (unaware, denied then confirmed),
# as the published 335 and 36 do.
COVERAGE_SQL = """
with scoped as (
  select published_totals.*, agencies.agency_id, agencies.country, agencies.response_status,
    response_statuses.confirms_use, agencies.searches_min
  from published_totals
  left join agencies on (published_totals.scope = 'US') = (agencies.country = 'US')
  left join response_statuses on response_statuses.response_status = agencies.response_status
)
select published_table, scope, measure, subset_of, value, value_reported, source_id, evidence_quote,
  case
    when measure = 'entities' then count(agency_id)
    when measure = 'countries' then count(distinct country)
    when measure = 'searches' then sum(searches_min)
    when measure = 'confirmed_use' then sum(confirms_use = 'yes')
    else sum(response_status = measure)
  end as listed_here
from scoped
group by published_table, measure
"""

TOTALS_SQL = f"""
select coverage.*, response_statuses.label as status_label, sources.url, sources.document, sources.title,
  sources.publisher, sources.published
from ({COVERAGE_SQL}) as coverage
join sources using (source_id)
left join response_statuses on response_statuses.response_status = coverage.measure
order by coverage.published_table desc,
  case
    when coverage.measure = 'entities' then 0
    when coverage.measure = 'countries' then 1
    when coverage.measure = 'confirmed_use' then 2
    when coverage.subset_of is not null then 3
    when coverage.measure = 'searches' then 9
    else 4
  end,
  response_statuses.precedence
"""

BY_STATUS_SQL = """
select response_statuses.response_status as code, response_statuses.label, count(agencies.agency_id) as agencies
from response_statuses left join agencies using (response_status)
group by response_statuses.response_status order by response_statuses.precedence
"""

BY_RANGE_SQL = """
select search_ranges.search_range as code, search_ranges.label, count(agencies.agency_id) as agencies
from search_ranges left join agencies using (search_range)
group by search_ranges.search_range order by search_ranges.sort_order
"""

BY_COUNTRY_SQL = """
select country as code, country_name as label, count(*) as agencies
from agencies group by country order by agencies desc, label
"""

BY_TYPE_SQL = """
select agency_types.agency_type as code, agency_types.label, count(agencies.agency_id) as agencies
from agency_types left join agencies using (agency_type)
group by agency_types.agency_type order by agencies desc, label
"""

MEASURE_LABELS = {"entities": "Agencies (entities)", "countries": "Countries", "searches": "Searches"}
# Only what the cited sources say: the international totals are BuzzFeed News's (archive-004, 2021-08-25); the US
# totals come from an idtechwire.com summary that the research gives without title, date or original publisher.
TABLE_LABELS = {
    "us_2021": "US list (totals as reported by idtechwire.com)",
    "intl_2021": "International list (BuzzFeed News, 2021-08-25)",
}


async def tallies(database: Any) -> dict:
    """database is a datasette.database.Database."""

    async def rows(sql: str) -> list[dict]:
        return [dict(row) for row in await database.execute(sql)]

    published = await rows(TOTALS_SQL)
    for total in published:
        total["label"] = total["status_label"] or MEASURE_LABELS.get(total["measure"], total["measure"])
        total["table_label"] = TABLE_LABELS.get(total["published_table"], total["published_table"])
        # Statuses here come from all reporting, some of it after the tables: a count can exceed the table's.
        comparable = total["value"] and total["measure"] != "searches" and total["listed_here"] <= total["value"]
        total["coverage"] = round(100 * total["listed_here"] / total["value"], 1) if comparable else None
    tables: dict[str, list[dict]] = {}
    for total in published:
        tables.setdefault(total["table_label"], []).append(total)
    return {
        "published": list(tables.items()),
        "by_status": await rows(BY_STATUS_SQL),
        "by_range": await rows(BY_RANGE_SQL),
        "by_country": await rows(BY_COUNTRY_SQL),
        "by_type": await rows(BY_TYPE_SQL),
    }
