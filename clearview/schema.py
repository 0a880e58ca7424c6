"""The data's shape, declared once: each raw file's columns, required values, key and references; the columns the
build adds to agencies (clearview/headline.py's summary) and what they reference; which files are facts and which
vocabularies. build_db.py checks and loads by it; make add, make release, the tests and the benchmarks read it."""

from __future__ import annotations

import csv
from pathlib import Path

# Each raw file: its columns, which must be filled, its key, and the columns that name a row of another file (each
# reference once: the build checks it and the database declares it as a foreign key).
TABLES: dict[str, dict] = {
    "agency_types": {
        "columns": ["agency_type", "label", "description"],
        "required": ["agency_type", "label"],
        "key": ["agency_type"],
    },
    "response_statuses": {
        "columns": ["response_status", "label", "description", "precedence", "confirms_use", "symbol", "colour"],
        "required": ["response_status", "label", "precedence", "symbol", "colour"],
        "key": ["response_status"],
    },
    "use_periods": {
        "columns": ["use_period", "label", "agency_label", "description"],
        "required": ["use_period", "label", "agency_label"],
        "key": ["use_period"],
    },
    "count_measures": {
        "columns": ["measure", "label", "counts_searches", "description"],
        "required": ["measure", "label", "counts_searches"],
        "key": ["measure"],
    },
    "search_ranges": {
        "columns": [
            "search_range",
            "label",
            "searches_min",
            "searches_max",
            "sort_order",
            "seen_in_sources",
            "explanation",
        ],
        "required": ["search_range", "label", "sort_order"],
        "key": ["search_range"],
    },
    "sources": {
        "columns": ["source_id", "url", "document", "title", "publisher", "published", "language"],
        "required": ["source_id"],
        "key": ["source_id"],
    },
    "agencies": {
        "columns": [
            "agency_id",
            "name",
            "aliases",
            "agency_type",
            "city",
            "county",
            "state_province",
            "country",
            "latitude",
            "longitude",
            "location_note",
        ],
        "required": ["agency_id", "name", "agency_type", "country"],
        "key": ["agency_id"],
        "references": {"agency_type": "agency_types"},
    },
    "responses": {
        "columns": [
            "agency_id",
            "source_id",
            "response_status",
            "statement",
            "statement_by",
            "response_date",
            "use_period",
            "evidence_quote",
            "response_evidence",
            "translation",
        ],
        "required": ["agency_id", "source_id", "response_status", "use_period", "evidence_quote"],
        "key": ["agency_id", "source_id"],
        "references": {
            "agency_id": "agencies",
            "source_id": "sources",
            "response_status": "response_statuses",
            "use_period": "use_periods",
        },
    },
    "search_counts": {
        "columns": [
            "agency_id",
            "source_id",
            "search_range",
            "searches_min",
            "searches_max",
            "searches_reported",
            "measure",
            "period_start",
            "period_end",
            "note",
            "evidence_quote",
            "translation",
        ],
        "required": ["agency_id", "source_id", "measure", "evidence_quote"],
        "key": ["agency_id", "source_id"],
        "references": {
            "measure": "count_measures",
            "agency_id": "agencies",
            "source_id": "sources",
            "search_range": "search_ranges",
        },
    },
    "published_totals": {
        "columns": [
            "published_table",
            "scope",
            "measure",
            "subset_of",
            "value",
            "value_reported",
            "source_id",
            "evidence_quote",
        ],
        "required": ["published_table", "scope", "measure", "value_reported", "source_id", "evidence_quote"],
        "key": ["published_table", "measure"],
        "references": {"source_id": "sources", "subset_of": "response_statuses"},
    },
    # Written by `make release` (scripts/release.py), never by hand.
    "releases": {
        "columns": ["version", "released", "added", "removed", "changed"],
        "required": ["version", "released"],
        "key": ["version"],
    },
    "changes": {
        "columns": ["version", "table_name", "record", "change", "column_name", "old_value", "new_value"],
        "required": ["version", "table_name", "record", "change"],
        "key": ["version", "table_name", "record", "change", "column_name"],
        "references": {"version": "releases"},
    },
}
# The columns clearview.build.summarise adds to agencies that name a row elsewhere: the database declares them too.
DERIVED_REFERENCES: dict[str, dict[str, str]] = {
    "agencies": {
        "country": "countries",
        "search_range": "search_ranges",
        "response_status": "response_statuses",
        "search_count_source_id": "sources",
        "statement_source_id": "sources",
        "response_source_id": "sources",
        "use_period": "use_periods",
    },
    "search_counts": {"use_period": "use_periods"},
}

# The columns the build adds (geocode, summarise), after the raw file's own, in the order the database has them.
DERIVED_COLUMNS: dict[str, list[str]] = {
    "agencies": [
        "location_precision",
        "location_place",
        "response_status",
        "response_source_id",
        "statement",
        "statement_by",
        "statement_source_id",
        "source_count",
        "source_words",
        "response_quote",
        "count_words",
        "count_quote",
        "use_period",
        "country_name",
        "place",
        "search_range",
        "searches_min",
        "searches_max",
        "searches_reported",
        "search_count_source_id",
        "range_stated",
        "count_period",
    ],
    "search_counts": ["range_stated", "use_period"],
}


def loaded_columns(table: str) -> list[str]:
    """A table's columns in the database: the raw file's, then those the build adds."""
    raw = TABLES[table]["columns"]
    return raw + [column for column in DERIVED_COLUMNS.get(table, []) if column not in raw]


# What a published total may count, besides the response statuses.
PUBLISHED_MEASURES = {"entities", "countries", "searches"}
PUBLISHED_SCOPES = {"US", "outside US"}

CODE_COLUMNS = {"agency_type", "response_status", "use_period", "measure"}
DATE_COLUMNS = {"published", "response_date", "period_start", "period_end", "released"}
INTEGER_COLUMNS = {"searches_min", "searches_max", "precedence", "sort_order", "value", "added", "removed", "changed"}


FACT_TABLES = ["agencies", "sources", "responses", "search_counts", "published_totals"]  # what a release publishes
VOCABULARIES = ["agency_types", "response_statuses", "use_periods", "count_measures", "search_ranges"]


def references_of(table: str) -> dict[str, str]:
    """column -> the file it names a row of, for a raw file."""
    return TABLES.get(table, {}).get("references", {})


def foreign_keys(table: str) -> list[tuple[str, str]]:
    """(column, table) for each reference of the loaded table, raw and derived."""
    return [*references_of(table).items(), *DERIVED_REFERENCES.get(table, {}).items()]


def write_table(path: Path, rows: list[dict], columns: list[str] | None = None) -> None:
    """A raw file as data/ has it: the file's own columns in their order (else the rows'), "\n" line ends. make add,
    make release, the tests and the benchmarks all write files this way."""
    name = path.name.removesuffix(".csv")
    columns = columns or (TABLES[name]["columns"] if name in TABLES else list(rows[0]))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
