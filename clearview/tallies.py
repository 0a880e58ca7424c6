"""Counts of the listed agencies: the tallies page (by status, range, country and type, beside the totals the original
tables published), and the key numbers the landing page and /browse give."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from clearview.cache import once_per_database
from clearview.sql_limits import own_rows

# For each published total, two counts of the agencies here within its scope ('US' or 'outside US'):
# - from_table: built the same way as the table (agencies that this table's own source names, with the status that
#   source gives them), so a share of the published figure can be given;
# - leaked_here: agencies whose use any source places in 2018 to February 2020, with their headline status from all
#   reporting: built differently from the table, so it stands beside it with no share.
# confirmed_use includes its subsets (unaware, denied then confirmed), as the published 335 and 36 do.
COVERAGE_SQL = """
with scoped as (
  select published_totals.*, agency_shown.agency_id, agency_shown.country, agency_shown.use_period = 'leaked' as leaked,
    agency_shown.response_status as headline_status, agency_shown.confirms_use as headline_confirms,
    responses.response_status as table_status, table_statuses.confirms_use as table_confirms
  from published_totals
  left join agency_shown
    on (published_totals.scope = 'US') = (agency_shown.country = 'US')
  left join responses
    on responses.agency_id = agency_shown.agency_id and responses.source_id = published_totals.source_id
  left join response_statuses as table_statuses on table_statuses.response_status = responses.response_status
)
select published_table, scope, measure, subset_of, value, value_reported, source_id, evidence_quote,
  case
    when measure = 'entities' then count(table_status)
    when measure = 'countries' then count(distinct case when table_status is not null then country end)
    when measure = 'searches' then (
      select sum(searches_min) from search_counts
      where search_counts.source_id = scoped.source_id and search_counts.measure = 'searches')
    when measure = 'confirmed_use' then sum(table_confirms = 'yes')
    else sum(table_status = measure)
  end as from_table,
  case
    when measure = 'entities' then sum(leaked)
    when measure = 'countries' then count(distinct case when leaked then country end)
    when measure = 'searches' then null
    when measure = 'confirmed_use' then sum(leaked and headline_confirms = 'yes')
    else sum(leaked and headline_status = measure)
  end as leaked_here
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

# Every listed agency by its headline response, in the vocabulary's order: the tallies and the landing page.
BY_STATUS_SQL = """
select response_statuses.*, response_statuses.response_status as code, count(agency_shown.agency_id) as agencies
from response_statuses left join agency_shown using (response_status)
group by response_statuses.response_status order by response_statuses.precedence
"""

BY_RANGE_SQL = """
select search_ranges.search_range as code, search_ranges.label, count(agency_shown.agency_id) as agencies
from search_ranges left join agency_shown using (search_range)
group by search_ranges.search_range order by search_ranges.sort_order
"""

BY_COUNTRY_SQL = """
select country as code, country_name as label, count(*) as agencies
from agency_shown group by country order by agencies desc, label
"""

BY_TYPE_SQL = """
select agency_types.agency_type as code, agency_types.label, count(agency_shown.agency_id) as agencies
from agency_types left join agency_shown using (agency_type)
group by agency_types.agency_type order by agencies desc, label
"""

BY_US_STATE_SQL = """
select state_province as code, state_province as label, count(*) as agencies
from agency_shown where country = 'US' and state_province is not null and state_province != ''
group by state_province order by agencies desc, label
"""

# Every source by the year it was published (its date's first four characters); undated sources last.
SOURCES_BY_YEAR_SQL = """
select nullif(substr(published, 1, 4), '') as code, nullif(substr(published, 1, 4), '') as label, count(*) as sources
from sources group by 1 order by code is null, code
"""

MEASURE_LABELS = {"entities": "Agencies (entities)", "countries": "Countries", "searches": "Searches"}
# The international totals are BuzzFeed News's (archive-004, 2021-08-25); the US totals are BuzzFeed News's table of
# 2021-04-06 as the idtechwire.com page cited for them summarises it ("Buzzfeed News has published ... list").
TABLE_LABELS = {
    "us_2021": "US list (BuzzFeed News, 2021-04-06, as summarised by idtechwire.com)",
    "intl_2021": "International list (BuzzFeed News, 2021-08-25)",
}


async def tallies(database: Any) -> dict:
    """database is a datasette.database.Database."""
    counts = await counted(database)
    published = counts["published"]
    for total in published:
        total["label"] = total["status_label"] or MEASURE_LABELS.get(total["measure"], total["measure"])
        total["table_label"] = TABLE_LABELS.get(total["published_table"], total["published_table"])
        # A share only where the two sets are built alike: the table's own source, the table's own statuses.
        comparable = total["value"] and total["measure"] != "searches" and total["from_table"]
        total["coverage"] = round(100 * total["from_table"] / total["value"], 1) if comparable else None
    tables: dict[str, list[dict]] = {}
    for total in published:
        tables.setdefault(total["table_label"], []).append(total)
    return {
        "published": list(tables.items()),
        **{name: counts[name] for name in ("by_status", "by_range", "by_country", "by_type", "by_us_state")},
        "sources_by_year": counts["sources_by_year"],
    }


# From agency_shown and the vocabularies, as every other page counts: every listed entry, including the places whose
# agency the source does not name (agency_type not_specified), which the page says.
NUMBERS_SQL = """
select count(*) as agencies, count(distinct country) as countries, sum(confirms_use = 'yes') as confirmed,
  sum(use_period = 'leaked') as leaked, sum(use_period = 'after') as after,
  sum(use_period = 'not_stated') as not_stated, sum(agency_type = 'not_specified') as not_named
from agency_shown
"""
PERIODS_SQL = "select * from use_periods"


# Every count a reader's page shows, counted by the build into the tallies table (clearview.load.index): they are
# facts of the release, and at 100,000 agencies they take up to a second, which no reader's request should wait for
# or fail on.
COUNTED = {
    "numbers": NUMBERS_SQL,
    "by_status": BY_STATUS_SQL,
    "periods": PERIODS_SQL,
    "by_range": BY_RANGE_SQL,
    "by_country": BY_COUNTRY_SQL,
    "by_type": BY_TYPE_SQL,
    "by_us_state": BY_US_STATE_SQL,
    "sources_by_year": SOURCES_BY_YEAR_SQL,
    "published": TOTALS_SQL,
}


def count_tallies(conn: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    """(tally, its rows as JSON) for each of COUNTED."""
    for name, sql in COUNTED.items():
        cursor = conn.execute(sql)
        columns = [column[0] for column in cursor.description]
        yield name, json.dumps([dict(zip(columns, row, strict=True)) for row in cursor], ensure_ascii=False)


async def counted(database: Any) -> dict[str, list[dict]]:
    """The tallies table, read once per database; each caller gets its own copy to decorate."""
    counts = await once_per_database(database, "tallies", read_tallies)
    return {name: [dict(row) for row in rows] for name, rows in counts.items()}


async def read_tallies(database: Any) -> dict[str, list[dict]]:
    return {row["tally"]: json.loads(row["rows"]) for row in await own_rows(database, "select * from tallies")}


async def landing_numbers(database: Any) -> dict:
    """The key numbers the landing and browse pages show."""
    counts = await counted(database)
    numbers = counts["numbers"][0]
    numbers["by_status"] = counts["by_status"]
    numbers["periods"] = {row["use_period"]: row for row in counts["periods"]}
    return numbers
