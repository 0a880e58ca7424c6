"""What the build refuses, and how it says so: every problem names the file, line, column, value and the fix.
The rules read clearview/schema.py for what each file must hold."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path

import pycountry
from rapidfuzz.distance import Levenshtein

from clearview import headline, ids
from clearview.normalise import (
    CONTROL,
    clean_text,
    fold,
    slugify,
    valid_date,
)
from clearview.schema import (
    DATE_COLUMNS,
    FACT_TABLES,
    INTEGER_COLUMNS,
    PUBLISHED_MEASURES,
    PUBLISHED_SCOPES,
    TABLES,
    references_of,
)

MAX_VALUE_LENGTH = 10_000  # characters: longer is a paste gone wrong, not a name or a quote
FORMULA_STARTS = ("=", "+", "@", "-")  # a spreadsheet formula pasted as a value
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")  # -75.25 starts with "-" and is no formula
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
    def at(cls, file: str, row: Row, column: str, message: str, fix: str) -> Problem:
        """A problem with one value of a row: its line and value come from the row."""
        return cls(file, int(row["_line"]), column, row[column], message, fix)

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


def validate(tables: Tables) -> None:
    problems: list[Problem] = []
    for name, rows in tables.items():
        problems += validate_rows(f"data/{name}.csv", rows, TABLES[name])
    problems += validate_references(tables)
    problems += validate_periods(tables)
    problems += validate_ids(tables)
    problems += validate_sources_cited(tables)
    problems += validate_agencies(tables)
    problems += validate_search_counts(tables)
    problems += validate_published_totals(tables)
    if problems:
        raise BuildError(problems)


def validate_rows(label: str, rows: list[Row], spec: dict) -> list[Problem]:
    """Each row on its own: required values, a unique key, sane values, whole numbers and dates. Checked a column at
    a time (each distinct value once), and reported row by row."""
    if not rows:
        return []
    values = {column: list(map(itemgetter(column), rows)) for column in rows[0] if column != "_line"}
    problems = []
    for column in spec["required"]:
        if not all(values[column]):
            fix = REQUIRED_FIX.get(column, "fill it in")
            problems += [
                Problem(label, row["_line"], column, "", "value is missing", fix) for row in rows if not row[column]
            ]
    keys = list(zip(*(values[column] for column in spec["key"]), strict=True))
    if len(set(keys)) < len(keys):
        seen: dict[tuple, int] = {}
        for row, key in zip(rows, keys, strict=True):
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
    suspect = [column for column, column_values in values.items() if not values_are_plain(column_values)]
    if suspect:
        problems += [problem for row in rows for problem in validate_values(label, row, suspect)]
    for column in sorted(INTEGER_COLUMNS & values.keys()):
        if not all(value.isdigit() for value in set(values[column]) - {""}):
            fix = "write digits only, without separators"
            problems += [
                Problem.at(label, row, column, "not a whole number", fix)
                for row in rows
                if row[column] and not row[column].isdigit()
            ]
    for column in sorted(DATE_COLUMNS & values.keys()):
        wrong = {value for value in set(values[column]) - {""} if not valid_date(value)}
        if wrong:
            fix = "write YYYY-MM-DD, YYYY-MM or YYYY"
            problems += [Problem.at(label, row, column, "not a date", fix) for row in rows if row[column] in wrong]
    # Reported in line order, and on one line in the order of the checks above.
    return sorted(problems, key=lambda problem: problem.line)


def values_are_plain(values: list[str]) -> bool:
    """No value too long and none starting like a formula: the common case, for a whole column in a few C passes."""
    if max(map(len, values)) > MAX_VALUE_LENGTH:
        return False
    joined = "\x00" + "\x00".join(values)
    return not any(f"\x00{start}" in joined for start in FORMULA_STARTS)


def validate_published_totals(tables: Tables) -> list[Problem]:
    statuses = {row["response_status"] for row in tables["response_statuses"]}
    measures = sorted(statuses | PUBLISHED_MEASURES)
    problems = []
    for row in tables["published_totals"]:
        label = "data/published_totals.csv"
        if row["measure"] not in measures:
            problems.append(Problem.at(label, row, "measure", "unknown measure", f"use one of {measures}"))
        if row["scope"] not in PUBLISHED_SCOPES:
            problems.append(Problem.at(label, row, "scope", "unknown scope", f"use {sorted(PUBLISHED_SCOPES)}"))
    return problems


def validate_values(label: str, row: Row, columns: list[str]) -> list[Problem]:
    problems = []
    for column in columns:
        value = row[column]
        if not value:
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
                    Problem.at(
                        f"data/{table}.csv",
                        row,
                        column,
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
            problems.append(Problem.at("data/responses.csv", row, "use_period", why, "write leaked"))
    for row in tables["response_statuses"]:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", row["colour"]):
            problems.append(Problem.at("data/response_statuses.csv", row, "colour", "not a colour", "write #rrggbb"))
    return problems


def validate_ids(tables: Tables) -> list[Problem]:
    """Agency and source ids are URLs for good: lower-case ASCII words joined by hyphens."""
    problems = []
    for table, column in (("agencies", "agency_id"), ("sources", "source_id")):
        for row in tables[table]:
            if row[column] and not ids.SLUG.match(row[column]):
                problems.append(
                    Problem.at(
                        f"data/{table}.csv",
                        row,
                        column,
                        "not a slug (lower-case letters, digits and single hyphens)",
                        f"write '{slugify(row[column])}'",
                    )
                )
    return problems


def validate_sources_cited(tables: Tables) -> list[Problem]:
    cited = {row["source_id"] for name in ("responses", "search_counts", "published_totals") for row in tables[name]}
    return [
        Problem.at(
            "data/sources.csv",
            row,
            "source_id",
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
    # Only an agency that shares a spelling with another can be a duplicate: the rest need no comparing.
    shared = {id(row) for rows in known.values() if len(rows) > 1 for row in rows}
    for row in tables["agencies"]:
        line = row["_line"]
        same = None
        if id(row) in shared:
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
                Problem.at(
                    "data/sources.csv",
                    row,
                    "url",
                    "not a web address",
                    "start it with https://, or put a document name in 'document'",
                )
            )
    return problems


PUNCTUATION = re.compile(r"[^\w\s]")
# The same for ASCII, in one pass over bytes: punctuation (not "_", a word character) becomes a space, and the
# control characters clean_text drops go.
ASCII_PUNCTUATION = bytes.maketrans(
    punctuation := bytes(c for c in range(128) if PUNCTUATION.fullmatch(chr(c)) and not CONTROL.fullmatch(chr(c))),
    b" " * len(punctuation),
)
ASCII_CONTROL = bytes(c for c in range(128) if CONTROL.fullmatch(chr(c)))
PARENTHESIS = re.compile(r"\s*\([^)]*\)")


@lru_cache(maxsize=1 << 18)  # each name is compared many times; folded once
def spelling_key(name: str) -> str:
    """Names that differ only in case, accents, punctuation, 'Saint'/'St', '&'/'and' or a plural 's'."""
    if name.isascii():
        spaced = name.encode().lower().replace(b"&", b" and ").translate(ASCII_PUNCTUATION, ASCII_CONTROL).decode()
    else:
        spaced = PUNCTUATION.sub(" ", fold(name).replace("&", " and "))
    # Every character left is a word character, so "a plural 's'" is an s ending a word of three letters or more.
    words = ["st" if word == "saint" else word for word in spaced.split()]
    return " ".join([word[:-1] if len(word) > 2 and word[-1] == "s" else word for word in words])


def name_variants(row: Row) -> set[str]:
    """The agency's name with and without a parenthesis: 'Toronto Police Service (TPS)' is Toronto Police Service."""
    name = row["name"]
    variants = {spelling_key(name), spelling_key(PARENTHESIS.sub(" ", name))} if "(" in name else {spelling_key(name)}
    return variants - {""}


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
