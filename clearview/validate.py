"""What the build refuses, and how it says so: every problem names the file, line, column, value and the fix.
The rules read clearview/schema.py for what each file must hold."""

from __future__ import annotations

import csv
import re
import sqlite3
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path

import pycountry
from rapidfuzz.distance import Levenshtein

from clearview import evidence, headline, ids
from clearview.languages import is_language
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


STREAMED = ("agencies", "responses", "search_counts")  # the files that grow with the data: never held whole


def check_rows(name: str, rows: list[Row], small: Tables) -> list[Problem]:
    """Every check a row of data/<name>.csv can fail on its own, or against the small files read before it (the
    vocabularies and sources). Keys and references, which need every row, are check_across's."""
    label = f"data/{name}.csv"
    problems = validate_rows(label, rows, TABLES[name])
    if name == "responses":
        problems += check_periods(rows, small)
    if name == "response_statuses":
        problems += [
            Problem.at(label, row, "colour", "not a colour", "write #rrggbb")
            for row in rows
            if not re.fullmatch(r"#[0-9a-fA-F]{6}", row["colour"])
        ]
    if name in ("agencies", "sources"):
        problems += check_ids(label, rows, "agency_id" if name == "agencies" else "source_id")
    if name == "agencies":
        problems += check_places(rows)
    if name == "sources":
        problems += check_sources(rows)
    if name == "search_counts":
        problems += check_counts(rows, small)
    if name == "published_totals":
        problems += check_totals(rows, small)
    return problems


def validate_rows(label: str, rows: list[Row], spec: dict) -> list[Problem]:
    """Each row on its own: required values, sane values, whole numbers and dates. Checked a column at a time (each
    distinct value once), and reported row by row."""
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


def check_totals(rows: list[Row], small: Tables) -> list[Problem]:
    statuses = {row["response_status"] for row in small["response_statuses"]}
    measures = sorted(statuses | PUBLISHED_MEASURES)
    problems = []
    for row in rows:
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


def reference_fix(value: str, known: set[str], target: str) -> str:
    """A suggestion only for a slip of a few characters: a new agency must not be attached to a look-alike."""
    close = [k for k in sorted(known) if Levenshtein.distance(value, k) <= TYPO_DISTANCE]
    facts = target in ("agencies", "sources")
    add_first = f"if it is new, add it to data/{target}.csv first (make add does both: see data/README.md)"
    if close:
        return f"did you mean '{close[0]}'?" + (f" Else {add_first}" if facts else "")
    return add_first if facts else f"use one of {', '.join(sorted(known))}"


def check_periods(rows: list[Row], small: Tables) -> list[Problem]:
    published = {row["source_id"]: row["published"] for row in small["sources"]}
    problems = []
    for row in rows:
        why = headline.response_period_problem(row["use_period"], published.get(row["source_id"], ""))
        if why:
            problems.append(Problem.at("data/responses.csv", row, "use_period", why, "write leaked"))
    return problems


def check_ids(label: str, rows: list[Row], column: str) -> list[Problem]:
    """Agency and source ids are URLs for good: lower-case ASCII words joined by hyphens."""
    return [
        Problem.at(
            label,
            row,
            column,
            "not a slug (lower-case letters, digits and single hyphens)",
            f"write '{slugify(row[column])}'",
        )
        for row in rows
        if row[column] and not ids.SLUG.match(row[column])
    ]


def check_places(rows: list[Row]) -> list[Problem]:
    """An agency's country, state and coordinates."""
    problems = []
    label = "data/agencies.csv"
    for row in rows:
        line = row["_line"]
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
    return problems


def check_sources(rows: list[Row]) -> list[Problem]:
    """Each source's address, and its language code where it has one."""
    problems = []
    for row in rows:
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
        if row.get("language") and not is_language(row["language"]):
            problems.append(
                Problem.at(
                    "data/sources.csv",
                    row,
                    "language",
                    "not a language code",
                    "write the ISO 639-1 code of the language the source is written in: en, fi, fr, de, nl, ...",
                )
            )
        if row["url"] and not row["url"].startswith(("https://", "http://")):
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


def check_keys(staging: sqlite3.Connection, names: list[str]) -> list[Problem]:
    """Each file's key unique (check_across's first check, which the build runs for the files it has staged while the
    agencies' are still being read)."""
    problems = []
    for name in names:
        key = TABLES[name]["key"]
        columns = ", ".join(key)
        # Keys are nearly always unique: a grouping finds that at half the cost of ranking each row within its key.
        if not staging.execute(f"select 1 from [{name}] group by {columns} having count(*) > 1 limit 1").fetchone():
            continue
        for line, first, *values in staging.execute(
            f"select _line, first, {columns} from (select _line, {columns}, "
            f"min(_line) over (partition by {columns}) as first from [{name}]) where _line > first order by _line"
        ):
            problems.append(
                Problem(
                    f"data/{name}.csv",
                    line,
                    ", ".join(key),
                    " / ".join(values),
                    f"duplicate of line {first}",
                    "merge the two rows or change the id",
                )
            )
    return problems


def check_across(staging: sqlite3.Connection, small: Tables, cited: set[str], keyed: set[str]) -> list[Problem]:
    """The checks that need every row: unique keys (of the files not in keyed, whose check_keys has run),
    references to another file, a source for each agency, a citation for each source, and no agency listed twice
    under two spellings. Run in SQLite over the staged files (clearview/load.py's Staging), so no file is held
    whole."""
    problems = []
    for name in TABLES:
        if name not in keyed:
            problems += check_keys(staging, [name])
        for column, target in references_of(name).items():
            target_key = TABLES[target]["key"][0]
            missing = staging.execute(
                f"select _line, [{column}] from [{name}] where [{column}] != '' and not exists "
                f"(select 1 from [{target}] where [{target}].[{target_key}] = [{name}].[{column}]) order by _line"
            ).fetchall()
            known = (
                {value for (value,) in staging.execute(f"select [{target_key}] from [{target}]")} if missing else set()
            )
            problems += [
                Problem(
                    f"data/{name}.csv",
                    line,
                    column,
                    value,
                    f"not in data/{target}.csv",
                    reference_fix(value, known, target),
                )
                for line, value in missing
            ]
    for line, agency_id in staging.execute(
        "select _line, agency_id from agencies where not exists "
        "(select 1 from responses where responses.agency_id = agencies.agency_id) order by _line"
    ):
        problems.append(
            Problem(
                "data/agencies.csv",
                line,
                "agency_id",
                agency_id,
                "agency has no source",
                "add a row to data/responses.csv naming the source that reports it",
            )
        )
    # An agency whose name, with or without a parenthesis, is the name or an alias of an earlier agency of its
    # country: in its state, or where either gives no state (the spellings are staged with the agencies). Only
    # spellings that two agencies share are joined: found from the index alone, they are few.
    for line, name, other_line, other_name, other_id in staging.execute(
        """
        with shared as (select country, spelling from spellings group by country, spelling having count(*) > 1)
        select agency.line, agency.name, min(other.line), other.name, other.agency_id
        from shared cross join spellings as agency using (country, spelling)
        join spellings as other
          on other.country = agency.country and other.spelling = agency.spelling and other.line < agency.line
        where agency.of_name and (agency.state = '' or other.state = '' or agency.state = other.state)
        group by agency.line order by agency.line
        """
    ):
        problems.append(
            Problem(
                "data/agencies.csv",
                line,
                "name",
                name,
                f"looks like the agency on line {other_line} ({other_name}, {other_id})",
                "merge the two rows, keeping one agency_id; or make the names say how the agencies differ",
            )
        )
    cited |= {row["source_id"] for row in small["published_totals"]}
    problems += [
        Problem.at(
            "data/sources.csv",
            row,
            "source_id",
            "no fact cites this source",
            "cite it from data/responses.csv or data/search_counts.csv, or remove the row",
        )
        for row in small["sources"]
        if row["source_id"] not in cited
    ]
    return problems


def spellings(rows: list[Row]) -> list[tuple]:
    """(country, spelling, line, folded state, agency_id, name, whether it is a spelling of the name) of each
    agency: the spellings its name has, and its aliases'. check_across compares them."""
    staged = []
    for row in rows:
        name, country, line, agency_id = row["name"], row["country"], row["_line"], row["agency_id"]
        state, of_name = fold(row["state_province"]), name_variants(row)
        staged += [(country, spelling, line, state, agency_id, name, 1) for spelling in of_name]
        if row["aliases"]:
            aliases = {spelling_key(alias) for alias in row["aliases"].split(";")} - {""} - of_name
            staged += [(country, spelling, line, state, agency_id, name, 0) for spelling in aliases]
    return staged


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
    return " ".join(
        [
            "st" if word == "saint" else word[:-1] if len(word) > 2 and word[-1] == "s" else word
            for word in spaced.split()
        ]
    )


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


def check_counts(rows: list[Row], small: Tables) -> list[Problem]:
    problems = []
    buckets = {row["search_range"]: row for row in small["search_ranges"]}
    for row in rows:
        label, line = "data/search_counts.csv", row["_line"]
        low, high = row["searches_min"], row["searches_max"]
        if low.isdigit() and high.isdigit() and int(low) > int(high):
            problems.append(
                Problem(label, line, "searches_min", f"{low} > {high}", "minimum above maximum", "swap them")
            )
        bucket = buckets.get(row["search_range"])
        if bucket and (low or high) and headline.bucket_for(low, high, small["search_ranges"]) != row["search_range"]:
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
        if not row["note"] and (missing := evidence.count_unstated(row)):
            problems.append(
                Problem(
                    label,
                    line,
                    "evidence_quote",
                    "",
                    f"does not state the count's '{missing}'",
                    "quote the source's sentence that states the number; where no sentence can be quoted (a table, a "
                    "chart), say in note where the source states it",
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


def compare_with_release(
    small: Tables, staging: sqlite3.Connection, data_dir: Path, allow_removed: bool = False
) -> list[str]:
    """Every record of the last release must still be here: an agency's id is its permanent URL, and a file cut
    short or emptied loses records without a word. Removals pass only when the editor says so (allow_removed);
    they are then returned, to be printed."""
    released = data_dir / "released"
    if not released.is_dir():
        return []
    version = f"release {small['releases'][-1]['version']}" if small["releases"] else "the last release"
    problems, removed = [], []
    for name in FACT_TABLES:
        path, key = released / f"{name}.csv", TABLES[name]["key"]
        if not path.exists():
            continue
        with open(path, encoding="utf-8-sig", newline="") as handle:
            before = {tuple(clean_text(row[c]) for c in key): row for row in csv.DictReader(handle)}
        if name in STREAMED:
            now = set(staging.execute(f"select {', '.join(key)} from [{name}]"))
        else:
            now = {tuple(row[c] for c in key) for row in small[name]}
        for record in sorted(before.keys() - now):
            removed.append(f"data/{name}.csv: {' / '.join(record)} (in {version}) is removed")
            fix = (
                f"restore the row (git diff data/{name}.csv shows what went); if it is meant to go, build with "
                "ALLOW_REMOVED=1 (make build ALLOW_REMOVED=1) and record it with make release ALLOW_REMOVED=1"
            )
            if name == "agencies":
                named = staging.execute("select agency_id from agencies where name = ?", [before[record]["name"]])
                renamed = [agency_id for (agency_id,) in named]
                if renamed:
                    fix = f"an agency_id is its permanent URL: keep '{record[0]}' instead of '{renamed[0]}'; " + fix
            what = f"in {version}, now missing"
            problems.append(Problem(f"data/{name}.csv", 0, ", ".join(key), " / ".join(record), what, fix))
    if problems and not allow_removed:
        raise BuildError(problems)
    return removed
