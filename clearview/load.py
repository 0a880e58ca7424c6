"""The database as the site reads it: the tables (foreign keys from clearview/schema.py), the one definition of an
agency as shown (the agency_shown view) and the views built on it, the indexes and full-text search."""

from __future__ import annotations

from operator import itemgetter
from pathlib import Path

import sqlite_utils

from clearview.schema import (
    INTEGER_COLUMNS,
    TABLES,
    VOCABULARIES,
    foreign_keys,
)
from clearview.validate import Row, Tables


def load(tables: Tables, path: Path) -> None:
    db = sqlite_utils.Database(path, recreate=True)
    # A new file renamed into place only when complete (build): no journal is needed to survive a crash.
    db.execute("pragma journal_mode = off")
    db.execute("pragma synchronous = off")

    def insert(name: str, rows: list[Row], pk: str | tuple, foreign_keys=(), types=None) -> None:
        # A file with a header and no rows still makes its table (with the raw file's columns).
        names = [k for k in (rows[0] if rows else TABLES[name]["columns"]) if k != "_line"]
        db[name].create({k: (types or {}).get(k, str) for k in names}, pk=pk, foreign_keys=foreign_keys)
        # One statement for all rows: sqlite-utils' insert_all cost 3 s at 10,000 agencies checking each value's
        # type. The columns' affinity makes "12" an integer where the column is one, as insert_all's would.
        # An empty value is null, in SQLite's C rather than in a Python loop over every cell.
        columns, marks = ", ".join(f"[{k}]" for k in names), ", ".join(["nullif(?, '')"] * len(names))
        values = map(itemgetter(*names), rows) if len(names) > 1 else ([row[names[0]]] for row in rows)
        with db.conn:
            db.conn.executemany(f"insert into [{name}] ({columns}) values ({marks})", values)

    whole = {column: int for column in INTEGER_COLUMNS | {"source_count"}}
    number = whole | {"latitude": float, "longitude": float}
    countries = {r["country"]: r["country_name"] for r in tables["agencies"]}  # named by build_db.summarise
    tables = tables | {"countries": [{"country": c, "name": countries[c]} for c in sorted(countries)]}
    # Referenced tables first, so each foreign key names a table that exists.
    order = [*VOCABULARIES, "countries", "sources", "agencies", "responses", "search_counts", "published_totals"]
    for name in [*order, "releases", "changes"]:
        key = TABLES[name]["key"] if name in TABLES else ["country"]
        pk = None if name == "changes" else key[0] if len(key) == 1 else tuple(key)
        insert(name, tables[name], pk, foreign_keys=foreign_keys(name), types=number)
    db.create_view("agency_shown", AGENCY_SHOWN_VIEW)
    db.create_view("agency_map", MAP_VIEW)
    db.create_view("source_facts", SOURCE_FACTS_VIEW)


# An agency as every page shows it: one definition, read by the agency page, search cards, both maps and their
# popups, browse pages, the landing numbers, tallies, canned queries, downloads and the static site.
AGENCY_SHOWN_VIEW = """
select
  agencies.agency_id, agencies.name, agencies.aliases, agencies.agency_type, agency_types.label as type_label,
  agencies.place, agencies.city, agencies.county, agencies.state_province, agencies.country,
  agencies.country_name, agencies.latitude, agencies.longitude, agencies.location_precision, agencies.location_place,
  agencies.response_status, response_statuses.label as response_label, response_statuses.symbol as response_symbol,
  response_statuses.colour as response_colour, response_statuses.description as response_meaning,
  response_statuses.confirms_use, response_statuses.precedence as response_order,
  agencies.statement, agencies.statement_by, agencies.statement_source_id,
  agencies.count_words, agencies.search_range, search_ranges.label as range_label,
  search_ranges.sort_order as range_order, agencies.range_stated, agencies.searches_min, agencies.searches_max,
  agencies.searches_reported, agencies.search_count_source_id, agencies.count_period,
  agencies.use_period, use_periods.agency_label as period_label,
  agencies.response_source_id as source_id, agencies.source_words, agencies.source_count
from agencies
join agency_types on agency_types.agency_type = agencies.agency_type
join search_ranges on search_ranges.search_range = agencies.search_range
join response_statuses on response_statuses.response_status = agencies.response_status
join use_periods on use_periods.use_period = agencies.use_period
order by agencies.name
"""

MAP_VIEW = """
select
  rowid, agency_id, name, type_label as agency_type, city, county, state_province, country_name as country,
  range_label as search_range, response_label as response_status, response_status as response_code,
  period_label as period, source_count, latitude, longitude, location_precision,
  json_object(
    'title', name,
    'description', 'Response: ' || response_label || char(10) || 'Searches: ' || count_words
      || case when use_period = 'leaked' then '' else char(10) || period_label end,
    'link', '/agency/' || agency_id
  ) as popup
from (select agencies.rowid as rowid, agency_shown.* from agency_shown join agencies using (agency_id))
order by name
"""

# Provenance: every published fact with the source that states it and the source's words.
SOURCE_FACTS_VIEW = """
select facts.source_id, sources.publisher, sources.published, sources.url, sources.document, sources.title,
  facts.agency_id, agencies.name as agency, facts.fact, facts.value, facts.wording, facts.evidence_quote
from (
  select source_id, agency_id, 'response' as fact, response_statuses.label as value, statement as wording,
    evidence_quote
  from responses join response_statuses using (response_status)
  union all
  select source_id, agency_id, 'count of ' || count_measures.label, search_ranges.label, searches_reported,
    evidence_quote
  from search_counts join search_ranges using (search_range) join count_measures using (measure)
  union all
  select source_id, null, 'published total', published_table || ': ' || measure, value_reported, evidence_quote
  from published_totals
) as facts
join sources using (source_id)
left join agencies using (agency_id)
order by facts.source_id, agency, facts.fact
"""


def index(path: Path) -> None:
    """Indexes on every facet column, full-text search over names and places."""
    db = sqlite_utils.Database(path)
    for column in ("agency_type", "country", "state_province", "search_range", "response_status", "city"):
        db["agencies"].create_index([column])
    for table in ("responses", "search_counts"):
        db[table].create_index(["source_id"])
        db[table].create_index(["search_range" if table == "search_counts" else "response_status"])
    db["agencies"].enable_fts(
        ["name", "aliases", "city", "county", "state_province", "country_name"],
        tokenize="unicode61 remove_diacritics 2",
    )
    db.analyze()
