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
import gc
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pycountry

from clearview import gazetteer, headline
from clearview.load import index, load
from clearview.normalise import (
    clean_code,
    clean_date,
    clean_text,
    clean_texts,
    range_key,
    subdivision_name,
)
from clearview.schema import (
    CODE_COLUMNS,
    DATE_COLUMNS,
    TABLES,
)
from clearview.validate import (
    BuildError,
    Problem,
    Row,
    Tables,
    bucket_for,
    compare_with_release,
    validate,
)

ROOT = Path(__file__).resolve().parent
# The csv module's own limit (131,072) would report a long value as bad CSV; the length check names it instead.
csv.field_size_limit(sys.maxsize)


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
                if "".join(record).strip():
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
                        row = dict(zip(header, record, strict=True))
                        row["_line"] = start
                        rows.append(row)
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
        plain = [column for column in rows[0] if column != "_line" and column not in special]
        for row in rows:
            values = [row[column] for column in plain]
            cleaned = clean_texts(values)
            if cleaned is not values:
                row.update(zip(plain, cleaned, strict=True))
        # Codes, dates and countries repeat: each distinct value is cleaned once, and shared by the rows.
        for column in special.keys() & rows[0].keys():
            cleaner, done = special[column], {}
            for row in rows:
                value = row[column]
                row[column] = done[value] if value in done else done.setdefault(value, cleaner(value))
    for row in tables["agencies"]:
        row["state_province"] = subdivision_name(row["state_province"], row["country"])
    return tables


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


def build(
    data_dir: Path, db_path: Path, allow_removed: bool = False, seconds: dict[str, float] | None = None
) -> dict[str, int]:
    """The rows of each table built into db_path; seconds, when given, gets the time each step took (bench/run.py)."""
    # Millions of rows and no reference cycles among them: the cycle collector's passes over them cost a fifth of a
    # large build and would free nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return build_tables(data_dir, db_path, allow_removed, Steps(seconds if seconds is not None else {}))
    finally:
        if collecting:
            gc.enable()


def build_tables(data_dir: Path, db_path: Path, allow_removed: bool, step: Steps) -> dict[str, int]:
    with step("read"):
        tables = read(data_dir)
    with step("clean"):
        clean(tables)
    with step("validate"):
        validate(tables)
        for removal in compare_with_release(tables, data_dir, allow_removed):
            print(f"note: {removal}", file=sys.stderr)
    with step("geocode"):
        geocode(tables)
    with step("summarise"):
        summarise(tables)
    handle, temporary = tempfile.mkstemp(prefix=".building-", suffix=".sqlite", dir=db_path.parent)
    os.close(handle)
    try:
        with step("load"):
            load(tables, Path(temporary))
        with step("index"):
            index(Path(temporary))
        os.replace(temporary, db_path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return {name: len(rows) for name, rows in tables.items()}


class Steps:
    """Times each step of the pipeline into a dict of seconds."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.seconds[name] = time.perf_counter() - started


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
