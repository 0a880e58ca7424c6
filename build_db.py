"""Build clearview.db from the raw CSVs in data/.

    read -> clean -> validate -> geocode -> summarise -> load -> index

Any problem stops the build with a message naming file, line, column, value and fix, and the
last good database stays where it was: the new one is written beside it and renamed into place.

Usage: python build_db.py [--data DIR] [--db PATH]
"""

from __future__ import annotations

import argparse
import codecs
import csv
import difflib
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pycountry
import sqlite_utils
from rapidfuzz.distance import Levenshtein

from clearview import gazetteer, headline, ids
from clearview.normalise import (
    clean_code,
    clean_date,
    clean_text,
    fold,
    range_key,
    slugify,
    subdivision_name,
    valid_date,
)
from clearview.schema import (
    CODE_COLUMNS,
    DATE_COLUMNS,
    FACT_TABLES,
    INTEGER_COLUMNS,
    PUBLISHED_MEASURES,
    PUBLISHED_SCOPES,
    TABLES,
    VOCABULARIES,
    foreign_keys,
    references_of,
)

ROOT = Path(__file__).resolve().parent
MAX_VALUE_LENGTH = 10_000  # characters: longer is a paste gone wrong, not a name or a quote
FORMULA_STARTS = ("=", "+", "@", "-")  # a spreadsheet formula pasted as a value
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")  # -75.25 starts with "-" and is no formula
# The csv module's own limit (131,072) would report a long value as bad CSV; the length check names it instead.
csv.field_size_limit(sys.maxsize)
TYPO_DISTANCE = 2  # characters: "denyed" for "denied"; a new agency's id is further from any other

REQUIRED_FIX = {
    "evidence_quote": "copy the source's own words that state this fact: no fact is published without them",
    "source_id": "name the source in data/sources.csv that states this fact",
}


@dataclass
class Problem:
    file: str
    line: int
    column: str
    value: str
    message: str
    fix: str

    @classmethod
    def in_file(cls, file: str, line: int, message: str, fix: str) -> Problem:
        """A problem with a whole file or row rather than one value."""
        return cls(file, line, "", "", message, fix)

    def __str__(self) -> str:
        # Line 0 is the file as a whole (missing, or a record that is no longer in it).
        where = (f"{self.file}:{self.line}" if self.line else self.file) + (
            f", column '{self.column}'" if self.column else ""
        )
        value = f" (value {self.value!r})" if self.value else ""
        return f"{where}: {self.message}{value}. Fix: {self.fix}"


class BuildError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the data")
        self.problems = problems


Row = dict[str, str]  # one CSV record; "_line" holds the line it starts on
Tables = dict[str, list[Row]]


def read(data_dir: Path) -> Tables:
    """Every raw CSV as rows of text, with the line each row starts on."""
    tables: Tables = {}
    problems: list[Problem] = []
    for name, spec in TABLES.items():
        path = data_dir / f"{name}.csv"
        label = f"data/{name}.csv"
        if not path.exists():
            problems.append(Problem.in_file(label, 0, "file is missing", f"restore {label} (see data/README.md)"))
            continue
        try:
            text = decode(path.read_bytes())
        except UnicodeDecodeError as error:
            problems.append(
                Problem(
                    label,
                    text_line(path.read_bytes(), error.start),
                    "",
                    "",
                    "file is not UTF-8",
                    "save the file as UTF-8",
                )
            )
            continue
        reader = csv.reader(text.splitlines(keepends=True), strict=True)
        try:
            header = [clean_text(h) for h in next(reader, [])]
        except csv.Error as error:
            problems.append(Problem.in_file(label, 1, f"the header is not valid CSV ({error})", "fix the quoting"))
            continue
        if not header:
            problems.append(Problem.in_file(label, 1, "file is empty", "restore the header row"))
            continue
        problems += check_header(label, header, spec["columns"])
        rows, start, last = [], reader.line_num + 1, 1
        try:
            for record in reader:
                if any(cell.strip() for cell in record):
                    last = start
                    if len(record) != len(header):
                        problems.append(
                            Problem.in_file(
                                label,
                                start,
                                f"row has {len(record)} fields, header has {len(header)}",
                                "quote any value that contains a comma"
                                if len(record) > len(header)
                                else "fill in the missing values; leave an empty one as nothing between two commas",
                            )
                        )
                    else:
                        rows.append(dict(zip(header, record, strict=True)) | {"_line": start})
                start = reader.line_num + 1
        except csv.Error as error:
            problems.append(
                Problem.in_file(
                    label,
                    start,
                    f"not valid CSV ({error})",
                    'close the quotes; write a quote inside a value as ""',
                )
            )
        if text and not text.endswith(("\n", "\r")):
            problems.append(
                Problem.in_file(
                    label,
                    last,
                    "the file ends in the middle of a line: it may have been cut short",
                    f"if that row is complete, end the file with a newline; if not, restore it (git checkout {label})",
                )
            )
        tables[name] = rows
    if problems:
        raise BuildError(problems)
    return tables


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark); UTF-16 when its byte-order mark says so (Excel's "Unicode text")."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def text_line(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def check_header(label: str, header: list[str], expected: list[str]) -> list[Problem]:
    problems = []
    for column in header:
        if column not in expected:
            guess = difflib.get_close_matches(column, expected, n=1)
            fix = f"rename it to '{guess[0]}'" if guess else f"remove it; the columns are {', '.join(expected)}"
            problems.append(Problem(label, 1, column, "", "unknown column", fix))
    for column in expected:
        if column not in header:
            problems.append(Problem(label, 1, column, "", "column is missing", "add it to the header row"))
    if len(set(header)) != len(header):
        problems.append(Problem.in_file(label, 1, "a column is named twice", "keep one of each column"))
    return problems


def clean(tables: Tables) -> Tables:
    """The documented normalisations: whitespace, Unicode NFC, codes, dates, range labels, places."""
    special = {column: clean_code for column in CODE_COLUMNS} | {column: clean_date for column in DATE_COLUMNS}
    special |= {"search_range": range_key, "country": lambda value: clean_text(value).upper()}
    for rows in tables.values():
        if not rows:
            continue
        # Each column's cleaning chosen once per file, not once per cell.
        cleaners = [(column, special.get(column, clean_text)) for column in rows[0] if column != "_line"]
        for row in rows:
            for column, cleaner in cleaners:
                row[column] = cleaner(row[column])
    for row in tables["agencies"]:
        row["state_province"] = subdivision_name(row["state_province"], row["country"])
    return tables


def validate(tables: Tables) -> None:
    problems: list[Problem] = []
    for name, rows in tables.items():
        spec, label = TABLES[name], f"data/{name}.csv"
        seen: dict[tuple, int] = {}
        integers = sorted(INTEGER_COLUMNS & set(rows[0])) if rows else []
        dates = sorted(DATE_COLUMNS & set(rows[0])) if rows else []
        for row in rows:
            for column in spec["required"]:
                if not row[column]:
                    fix = REQUIRED_FIX.get(column, "fill it in")
                    problems.append(Problem(label, row["_line"], column, "", "value is missing", fix))
            key = tuple(row[c] for c in spec["key"])
            if key in seen:
                problems.append(
                    Problem(
                        label,
                        row["_line"],
                        ", ".join(spec["key"]),
                        " / ".join(key),
                        f"duplicate of line {seen[key]}",
                        "merge the two rows or change the id",
                    )
                )
            seen.setdefault(key, row["_line"])
            problems += validate_values(label, row)
            for column in integers:
                if row[column] and not row[column].isdigit():
                    problems.append(
                        Problem(
                            label,
                            row["_line"],
                            column,
                            row[column],
                            "not a whole number",
                            "write digits only, without separators",
                        )
                    )
            for column in dates:
                if row[column] and not valid_date(row[column]):
                    problems.append(
                        Problem(
                            label, row["_line"], column, row[column], "not a date", "write YYYY-MM-DD, YYYY-MM or YYYY"
                        )
                    )
    problems += validate_references(tables)
    problems += validate_periods(tables)
    problems += validate_ids(tables)
    problems += validate_sources_cited(tables)
    problems += validate_agencies(tables)
    problems += validate_search_counts(tables)
    problems += validate_published_totals(tables)
    if problems:
        raise BuildError(problems)


def validate_published_totals(tables: Tables) -> list[Problem]:
    statuses = {row["response_status"] for row in tables["response_statuses"]}
    measures = sorted(statuses | PUBLISHED_MEASURES)
    problems = []
    for row in tables["published_totals"]:
        label = "data/published_totals.csv"
        if row["measure"] not in measures:
            problems.append(
                Problem(label, row["_line"], "measure", row["measure"], "unknown measure", f"use one of {measures}")
            )
        if row["scope"] not in PUBLISHED_SCOPES:
            problems.append(
                Problem(label, row["_line"], "scope", row["scope"], "unknown scope", f"use {sorted(PUBLISHED_SCOPES)}")
            )
    return problems


def validate_values(label: str, row: Row) -> list[Problem]:
    values = [v for v in row.values() if isinstance(v, str) and v]
    if all(len(v) <= MAX_VALUE_LENGTH and v[0] not in FORMULA_STARTS for v in values):
        return []  # the common case, checked in one pass
    problems = []
    for column, value in row.items():
        if column == "_line" or not isinstance(value, str) or not value:
            continue
        if len(value) > MAX_VALUE_LENGTH:
            problems.append(
                Problem(
                    label,
                    row["_line"],
                    column,
                    value[:40] + "…",
                    f"value is {len(value):,} characters long, more than {MAX_VALUE_LENGTH:,}",
                    "shorten it: keep the passage that states the fact",
                )
            )
        elif value.startswith(FORMULA_STARTS) and not NUMBER.match(value):
            problems.append(
                Problem(
                    label,
                    row["_line"],
                    column,
                    value[:60],
                    "value looks like a spreadsheet formula",
                    "write the text itself, without the leading = + - or @ (a dash – may start a text)",
                )
            )
    return problems


def validate_references(tables: Tables) -> list[Problem]:
    references = [(table, column, target) for table in TABLES for column, target in references_of(table).items()]
    problems = []
    for table, column, target in references:
        known = {row[TABLES[target]["key"][0]] for row in tables[target]}
        for row in tables[table]:
            if row[column] and row[column] not in known:
                problems.append(
                    Problem(
                        f"data/{table}.csv",
                        row["_line"],
                        column,
                        row[column],
                        f"not in data/{target}.csv",
                        reference_fix(row[column], known, target),
                    )
                )
    return problems


def reference_fix(value: str, known: set[str], target: str) -> str:
    """A suggestion only for a slip of a few characters: a new agency must not be attached to a look-alike."""
    close = [k for k in sorted(known) if Levenshtein.distance(value, k) <= TYPO_DISTANCE]
    facts = target in ("agencies", "sources")
    add_first = f"if it is new, add it to data/{target}.csv first (make add does both: see data/README.md)"
    if close:
        return f"did you mean '{close[0]}'?" + (f" Else {add_first}" if facts else "")
    return add_first if facts else f"use one of {', '.join(sorted(known))}"


def validate_periods(tables: Tables) -> list[Problem]:
    published = {row["source_id"]: row["published"] for row in tables["sources"]}
    problems = []
    for row in tables["responses"]:
        why = headline.response_period_problem(row["use_period"], published.get(row["source_id"], ""))
        if why:
            problems.append(
                Problem("data/responses.csv", row["_line"], "use_period", row["use_period"], why, "write leaked")
            )
    for row in tables["response_statuses"]:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", row["colour"]):
            problems.append(
                Problem(
                    "data/response_statuses.csv", row["_line"], "colour", row["colour"], "not a colour", "write #rrggbb"
                )
            )
    return problems


def validate_ids(tables: Tables) -> list[Problem]:
    """Agency and source ids are URLs for good: lower-case ASCII words joined by hyphens."""
    problems = []
    for table, column in (("agencies", "agency_id"), ("sources", "source_id")):
        for row in tables[table]:
            if row[column] and not ids.SLUG.match(row[column]):
                problems.append(
                    Problem(
                        f"data/{table}.csv",
                        row["_line"],
                        column,
                        row[column],
                        "not a slug (lower-case letters, digits and single hyphens)",
                        f"write '{slugify(row[column])}'",
                    )
                )
    return problems


def validate_sources_cited(tables: Tables) -> list[Problem]:
    cited = {row["source_id"] for name in ("responses", "search_counts", "published_totals") for row in tables[name]}
    return [
        Problem(
            "data/sources.csv",
            row["_line"],
            "source_id",
            row["source_id"],
            "no fact cites this source",
            "cite it from data/responses.csv or data/search_counts.csv, or remove the row",
        )
        for row in tables["sources"]
        if row["source_id"] not in cited
    ]


def validate_agencies(tables: Tables) -> list[Problem]:
    problems = []
    label = "data/agencies.csv"
    with_source = {row["agency_id"] for row in tables["responses"]}
    known = known_spellings(tables["agencies"])
    for row in tables["agencies"]:
        line = row["_line"]
        same = next((other for other in same_agencies(row, known) if other["_line"] < line), None)
        if same is not None:
            problems.append(
                Problem(
                    label,
                    line,
                    "name",
                    row["name"],
                    f"looks like the agency on line {same['_line']} ({same['name']}, {same['agency_id']})",
                    "merge the two rows, keeping one agency_id; or make the names say how the agencies differ",
                )
            )
        if row["country"] and not is_country(row["country"]):
            problems.append(
                Problem(
                    label,
                    line,
                    "country",
                    row["country"],
                    "not an ISO 3166 country code",
                    "write the two-letter code, such as US, CA or GB",
                )
            )
        elif (
            (names := subdivision_names(row["country"]))
            and row["state_province"]
            and row["state_province"] not in names
        ):
            problems.append(
                Problem(
                    label,
                    line,
                    "state_province",
                    row["state_province"],
                    f"not a state or province of {row['country']}",
                    "write its ISO 3166-2 name or code, such as Ontario or ON",
                )
            )
        problems += validate_coordinates(label, row)
        if row["agency_id"] not in with_source:
            problems.append(
                Problem(
                    label,
                    line,
                    "agency_id",
                    row["agency_id"],
                    "agency has no source",
                    "add a row to data/responses.csv naming the source that reports it",
                )
            )
    for row in tables["sources"]:
        if not row["url"] and not row["document"]:
            problems.append(
                Problem(
                    "data/sources.csv",
                    row["_line"],
                    "url",
                    "",
                    "source has no address",
                    "give its url, or the document name for an archived copy",
                )
            )
        elif row["url"] and not row["url"].startswith(("https://", "http://")):
            problems.append(
                Problem(
                    "data/sources.csv",
                    row["_line"],
                    "url",
                    row["url"],
                    "not a web address",
                    "start it with https://, or put a document name in 'document'",
                )
            )
    return problems


PUNCTUATION = re.compile(r"[^\w\s]")


@lru_cache(maxsize=1 << 18)  # each name is compared many times; folded once
def spelling_key(name: str) -> str:
    """Names that differ only in case, accents, punctuation, 'Saint'/'St', '&'/'and' or a plural 's'."""
    name = PUNCTUATION.sub(" ", fold(name).replace("&", " and "))
    # Every character left is a word character, so "a plural 's'" is an s ending a word of three letters or more.
    words = ("st" if word == "saint" else word for word in name.split())
    return " ".join(word[:-1] if len(word) > 2 and word[-1] == "s" else word for word in words)


def name_variants(row: Row) -> set[str]:
    """The agency's name with and without a parenthesis: 'Toronto Police Service (TPS)' is Toronto Police Service."""
    return {spelling_key(row["name"]), spelling_key(re.sub(r"\s*\([^)]*\)", " ", row["name"]))} - {""}


def known_spellings(agencies: list[Row]) -> dict[tuple[str, str], list[Row]]:
    """(country, spelling) -> the agencies it names, by name (with or without a parenthesis) or by alias."""
    known: dict[tuple[str, str], list[Row]] = {}
    for row in agencies:
        aliases = {spelling_key(alias) for alias in row["aliases"].split(";")} - {""}
        for key in name_variants(row) | aliases:
            known.setdefault((row["country"], key), []).append(row)
    return known


def same_agencies(row: Row, known: dict[tuple[str, str], list[Row]]) -> list[Row]:
    """Other agencies this row's name already names in its country, in its state or where a state is missing."""
    state = fold(row["state_province"])
    return [
        other
        for key in name_variants(row)
        for other in known.get((row["country"], key), [])
        if other is not row and (not state or not other["state_province"] or fold(other["state_province"]) == state)
    ]


@cache
def is_country(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code) is not None


@cache  # asked once per agency: a scan of pycountry's subdivisions each time cost 5 s at 100k agencies
def subdivision_names(country: str) -> frozenset[str]:
    """The ISO 3166-2 names of a country's subdivisions (empty where pycountry lists none: then any name goes)."""
    return frozenset(s.name for s in pycountry.subdivisions.get(country_code=country) or [])


def validate_coordinates(label: str, row: Row) -> list[Problem]:
    latitude, longitude = row["latitude"], row["longitude"]
    if not latitude and not longitude:
        return []
    if not latitude or not longitude:
        return [
            Problem(
                label,
                row["_line"],
                "latitude" if not latitude else "longitude",
                "",
                "only one coordinate given",
                "give both latitude and longitude, or neither",
            )
        ]
    try:
        lat, lon = float(latitude), float(longitude)
    except ValueError:
        return [
            Problem(
                label,
                row["_line"],
                "latitude",
                f"{latitude}, {longitude}",
                "coordinates are not numbers",
                "write decimal degrees such as 43.65, -79.38",
            )
        ]
    if not -90 <= lat <= 90:
        swapped = -90 <= lon <= 90 and -180 <= lat <= 180
        return [
            Problem(
                label,
                row["_line"],
                "latitude",
                latitude,
                "latitude outside -90..90",
                "latitude and longitude look swapped" if swapped else "use decimal degrees",
            )
        ]
    if not -180 <= lon <= 180:
        return [
            Problem(label, row["_line"], "longitude", longitude, "longitude outside -180..180", "use decimal degrees")
        ]
    return []


def validate_search_counts(tables: Tables) -> list[Problem]:
    problems = []
    buckets = {row["search_range"]: row for row in tables["search_ranges"]}
    for row in tables["search_counts"]:
        label, line = "data/search_counts.csv", row["_line"]
        low, high = row["searches_min"], row["searches_max"]
        if low.isdigit() and high.isdigit() and int(low) > int(high):
            problems.append(
                Problem(label, line, "searches_min", f"{low} > {high}", "minimum above maximum", "swap them")
            )
        bucket = buckets.get(row["search_range"])
        if bucket and (low or high) and bucket_for(low, high, tables["search_ranges"]) != row["search_range"]:
            problems.append(
                Problem(
                    label,
                    line,
                    "search_range",
                    row["search_range"],
                    f"does not agree with searches_min/max {low or '?'}..{high or '?'}",
                    "keep the range the source states and leave min/max blank",
                )
            )
        if not (row["search_range"] or row["searches_reported"]):
            problems.append(
                Problem(
                    label, line, "searches_reported", "", "no count given", "copy the source's own wording of the count"
                )
            )
        if row["period_start"] and row["period_end"] and row["period_start"] > row["period_end"]:
            problems.append(
                Problem(
                    label,
                    line,
                    "period_start",
                    row["period_start"],
                    "period starts after it ends",
                    "swap period_start and period_end",
                )
            )
    return problems


def bucket_for(low: str, high: str, ranges: list[Row]) -> str:
    """The bucket that holds every value between the bounds, or 'unknown': derive only what they support."""
    if not low:
        return "unknown"
    for bucket in ranges:
        if not bucket["searches_min"]:
            continue
        inside_low = int(bucket["searches_min"]) <= int(low)
        inside_high = (
            (not bucket["searches_max"])
            if not high
            else (not bucket["searches_max"] or int(high) <= int(bucket["searches_max"]))
        )
        if inside_low and inside_high:
            return bucket["search_range"]
    return "unknown"


def compare_with_release(tables: Tables, data_dir: Path, allow_removed: bool = False) -> list[str]:
    """Every record of the last release must still be here: an agency's id is its permanent URL, and a file cut
    short or emptied loses records without a word. Removals pass only when the editor says so (allow_removed);
    they are then returned, to be printed."""
    released = data_dir / "released"
    if not released.is_dir():
        return []
    version = f"release {tables['releases'][-1]['version']}" if tables["releases"] else "the last release"
    problems, removed = [], []
    for name in FACT_TABLES:
        path, key = released / f"{name}.csv", TABLES[name]["key"]
        if not path.exists():
            continue
        with open(path, encoding="utf-8-sig", newline="") as handle:
            before = {tuple(clean_text(row[c]) for c in key): row for row in csv.DictReader(handle)}
        now = {tuple(row[c] for c in key) for row in tables[name]}
        for record in sorted(before.keys() - now):
            removed.append(f"data/{name}.csv: {' / '.join(record)} (in {version}) is removed")
            fix = (
                f"restore the row (git diff data/{name}.csv shows what went); if it is meant to go, build with "
                "ALLOW_REMOVED=1 (make build ALLOW_REMOVED=1) and record it with make release ALLOW_REMOVED=1"
            )
            if name == "agencies":
                renamed = [row["agency_id"] for row in tables[name] if row["name"] == before[record]["name"]]
                if renamed:
                    fix = f"an agency_id is its permanent URL: keep '{record[0]}' instead of '{renamed[0]}'; " + fix
            what = f"in {version}, now missing"
            problems.append(Problem(f"data/{name}.csv", 0, ", ".join(key), " / ".join(record), what, fix))
    if problems and not allow_removed:
        raise BuildError(problems)
    return removed


def geocode(tables: Tables) -> None:
    """Coordinates for every agency: the manual columns win; otherwise the offline gazetteer."""
    places = gazetteer.load()
    problems = []
    for row in tables["agencies"]:
        if row["latitude"]:
            row["location_precision"], row["location_place"] = "manual", row["location_note"]
            continue
        found = places.locate(row["city"], row["county"], row["state_province"], row["country"])
        # A town or county the gazetteer does not know must not quietly become the state's or the capital's point.
        wanted = "city" if row["city"] else "county" if row["county"] else None
        county_known = places.find_county(row["county"], row["country"], row["state_province"]) if row["county"] else 1
        if row["city"] and not county_known:
            wanted = "county"  # a county that does not exist is wrong even where the town is right
        if found is None or (wanted and found.precision != wanted):
            problems.append(
                Problem(
                    "data/agencies.csv",
                    row["_line"],
                    wanted or "country",
                    row[wanted or "country"],
                    "no place of that name in the gazetteer",
                    "check the spelling and the state, or fill latitude, longitude and location_note by hand",
                )
            )
            continue
        row["latitude"], row["longitude"] = str(found.latitude), str(found.longitude)
        row["location_precision"], row["location_place"] = found.precision, found.place
    if problems:
        raise BuildError(problems)


def summarise(tables: Tables) -> None:
    """What the site shows first for each agency, by the rules of clearview/headline.py."""
    ranges = tables["search_ranges"]
    bounds = {row["search_range"]: (row["searches_min"], row["searches_max"]) for row in ranges}
    labels = {row["search_range"]: row["label"] for row in ranges}
    sources = {row["source_id"]: row for row in tables["sources"]}
    for count in tables["search_counts"]:
        count["range_stated"] = "yes" if count["search_range"] else "no"
        if count["search_range"]:
            low, high = bounds[count["search_range"]]
            count["searches_min"], count["searches_max"] = count["searches_min"] or low, count["searches_max"] or high
        else:
            count["search_range"] = bucket_for(count["searches_min"], count["searches_max"], ranges)
        published = sources[count["source_id"]]["published"]
        count["use_period"] = headline.count_period(count["period_start"], count["period_end"], published)
    precedence = {row["response_status"]: int(row["precedence"]) for row in tables["response_statuses"]}
    confirms = {row["response_status"] for row in tables["response_statuses"] if row["confirms_use"] == "yes"}
    searches = {row["measure"] for row in tables["count_measures"] if row["counts_searches"] == "yes"}
    responses, counts = group(tables["responses"]), group(tables["search_counts"])
    for agency in tables["agencies"]:
        agency_id = agency["agency_id"]
        # A response is dated by when the source says the agency answered; undated ones rank after dated ones.
        dated = [r | {"date": r["response_date"]} for r in responses[agency_id]]
        best = headline.headline_response(dated, precedence, confirms)
        agency["response_status"], agency["response_source_id"] = best["response_status"], best["source_id"]
        agency["statement"], agency["statement_by"] = best["statement"], best["statement_by"]
        agency["statement_source_id"] = best["source_id"] if best["statement"] else ""
        agency["source_count"] = len(responses[agency_id])
        agency["source_words"] = headline.source_in_words(sources[best["source_id"]])
        own = [
            c | {"period": c["use_period"], "date": sources[c["source_id"]]["published"]}
            for c in counts.get(agency_id, [])
        ]
        count = headline.headline_count(own, searches)
        agency["count_words"] = headline.count_in_words(count, labels[count["search_range"]] if count else "")
        agency["use_period"] = headline.agency_period(
            [r["use_period"] for r in responses[agency_id]] + [c["use_period"] for c in own]
        )
        agency["country_name"] = country_name(agency["country"])
        agency["place"] = headline.place_in_words(agency)
        # The searches facet groups the leaked data only: a later count is never put in one of BuzzFeed's buckets.
        in_facet = count is not None and count["period"] == headline.LEAKED
        agency.update(
            search_range=count["search_range"] if in_facet else "unknown",
            searches_min=count["searches_min"] if count else "",
            searches_max=count["searches_max"] if count else "",
            searches_reported=count["searches_reported"] if count else "",
            search_count_source_id=count["source_id"] if count else "",
            range_stated=count["range_stated"] if in_facet else "",
            count_period=count["period"] if count else "",
        )


@cache
def country_name(code: str) -> str:
    return pycountry.countries.get(alpha_2=code).name


def group(rows: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row["agency_id"], []).append(row)
    return grouped


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
        columns, marks = ", ".join(f"[{k}]" for k in names), ", ".join("?" * len(names))
        with db.conn:
            db.conn.executemany(
                f"insert into [{name}] ({columns}) values ({marks})",
                ([None if row[k] == "" else row[k] for k in names] for row in rows),
            )

    whole = {column: int for column in INTEGER_COLUMNS | {"source_count"}}
    number = whole | {"latitude": float, "longitude": float}
    countries = sorted({r["country"] for r in tables["agencies"]})
    tables = tables | {"countries": [{"country": c, "name": country_name(c)} for c in countries]}
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


def build(data_dir: Path, db_path: Path, allow_removed: bool = False) -> dict[str, int]:
    tables = clean(read(data_dir))
    validate(tables)
    for removal in compare_with_release(tables, data_dir, allow_removed):
        print(f"note: {removal}", file=sys.stderr)
    geocode(tables)
    summarise(tables)
    handle, temporary = tempfile.mkstemp(prefix=".building-", suffix=".sqlite", dir=db_path.parent)
    os.close(handle)
    try:
        load(tables, Path(temporary))
        index(Path(temporary))
        os.replace(temporary, db_path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return {name: len(rows) for name, rows in tables.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--db", type=Path, default=ROOT / "clearview.db")
    parser.add_argument(
        "--allow-removed",
        action="store_true",
        default=os.environ.get("ALLOW_REMOVED") == "1",
        help="let records of the last release go (default: refused; ALLOW_REMOVED=1 sets it)",
    )
    args = parser.parse_args(argv)
    try:
        counts = build(args.data, args.db, args.allow_removed)
    except BuildError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"build failed: {len(error.problems)} problem(s); {args.db} was not changed", file=sys.stderr)
        return 1
    print(json.dumps({"database": str(args.db), "rows": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
