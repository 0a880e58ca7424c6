"""The build's pipeline, run by build_db.py (the entry point): clearview.db from the raw CSVs in data/.

    read -> clean -> check each row -> stage   (a file at a time, in chunks: no file is held whole)
    -> check across files -> compare with the release -> geocode -> summarise -> load -> index

Any problem stops the build with a message naming file, line, column, value and fix, and the last good database
stays where it was: the new one is written beside it and renamed into place. The large files (agencies, responses,
search counts) pass through a staging SQLite database, where the checks across rows run. Two processes share the work
(clearview/parallel.py's beside): the agencies' file is read in the second, the second half of the agencies
summarised there, and the full-text tables built there while the first builds the indexes.

Usage: python build_db.py [--data DIR] [--db PATH]; make add and make release call build().
"""

from __future__ import annotations

import argparse
import codecs
import csv
import difflib
import gc
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from pathlib import Path

from clearview import gazetteer, headline, transaction
from clearview.load import Output, Share, Staging, index
from clearview.normalise import (
    clean_code,
    clean_date,
    clean_text,
    clean_texts,
    country_name,
    range_key,
    subdivision_name,
)
from clearview.parallel import beside
from clearview.progress import bar, progress
from clearview.said import agency_texts, said_rows, title_texts
from clearview.schema import (
    CODE_COLUMNS,
    DATE_COLUMNS,
    FACT_TABLES,
    TABLES,
)
from clearview.validate import (
    STREAMED,
    BuildError,
    Problem,
    Row,
    Tables,
    check_across,
    check_keys,
    check_rows,
    compare_with_release,
    spellings,
)

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 10_000  # rows of a large file read, checked and staged at a time
# The csv module's own limit (131,072) would report a long value as bad CSV; the length check names it instead.
csv.field_size_limit(sys.maxsize)


# Read in a process of its own while this one reads the rest: the largest file, with its spellings to stage.
APART = "agencies"
ORDER = list(TABLES)  # the files in the order they are read and their problems reported


@dataclass
class Read:
    """What reading every file gave: the small files whole, the problems found, and what the checks across the
    large files need from them."""

    small: Tables = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    unreadable: list[Problem] = field(default_factory=list)  # the file itself: encoding, header, quoting
    problems: list[Problem] = field(default_factory=list)  # its rows
    cited: set[str] = field(default_factory=set)  # the sources responses and counts cite
    keyed: set[str] = field(default_factory=set)  # the files whose keys are checked (validate.check_keys)

    def unreadable_before(self, name: str) -> int:
        """How many of the problems with files are with files read before name's in TABLES' order."""
        earlier = {f"data/{n}.csv" for n in ORDER[: ORDER.index(name)]}
        return sum(problem.file in earlier for problem in self.unreadable)


def read(data_dir: Path, folder: Path) -> tuple[Read, Staging]:
    """Every raw file, cleaned and checked a chunk at a time: the small ones kept, the large ones staged (APART in
    a second process, into a staging file of its own that the first then attaches)."""
    before, after = ORDER[: ORDER.index(APART)], ORDER[ORDER.index(APART) + 1 :]
    staging = Staging(folder / "staging.sqlite", before + after)
    found = Read(rows=dict.fromkeys(TABLES, 0))
    read_files(data_dir, before, found, staging)
    # Forked once the files its checks read (the vocabularies, the sources) are in found.small.
    apart_path = folder / f"{APART}.sqlite"
    with beside(read_apart, data_dir, apart_path, found) as apart:
        # Quiet: the second process draws its bar for the largest file, and two processes' bars would overwrite.
        read_files(data_dir, after, found, staging, quiet=True)
        staging.index()
        found.problems += check_keys(staging.db, staging.names)
        found.keyed = set(staging.names)
        part = apart()
    # The file's problems go where reading the files in order would have put them.
    at = found.unreadable_before(APART)
    found.unreadable[at:at] = part.unreadable
    found.problems += part.problems
    found.rows[APART] = part.rows[APART]
    staging.attach(apart_path, [APART])
    return found, staging


def read_apart(data_dir: Path, path: Path, found: Read) -> Read:
    part = Read(small=found.small, rows={APART: 0})
    staging = Staging(path, [APART])
    read_files(data_dir, [APART], part, staging)
    staging.index()
    staging.db.close()
    return part


def read_files(data_dir: Path, names: list[str], found: Read, staging: Staging, quiet: bool = False) -> None:
    for name in names:
        label = f"data/{name}.csv"
        kept: list[Row] = []
        with bar(f"read {name}", quiet=quiet) as counted:
            for chunk in read_file(data_dir / f"{name}.csv", label, found.unreadable):
                counted.update(len(chunk))
                read_chunk(name, chunk, found, staging, kept)
        found.small[name] = kept


def read_chunk(name: str, chunk: list[Row], found: Read, staging: Staging, kept: list[Row]) -> None:
    """A chunk of a file cleaned, checked and staged; a small file's rows kept."""
    clean_rows(name, chunk)
    found.problems += check_rows(name, chunk, found.small)
    found.rows[name] += len(chunk)
    staging.add(name, chunk)
    if name not in STREAMED:
        kept += chunk
    elif name == "agencies":
        staging.add_spellings(spellings(chunk))
    else:
        found.cited |= {row["source_id"] for row in chunk}


def read_file(path: Path, label: str, problems: list[Problem]) -> Iterator[list[Row]]:
    """The rows of one raw file as text, with the line each starts on, in chunks; nothing if its header is wrong.
    Problems with the file itself go to problems."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        # Refused unread: its lines would reach the log, and a pipe would never end.
        problems.append(
            Problem.in_file(label, 0, "is a link or a special file, not a data file", f"put the file itself at {label}")
        )
        return
    if not path.exists():
        problems.append(Problem.in_file(label, 0, "file is missing", f"restore {label} (see data/README.md)"))
        return
    with open(path, "rb") as binary:
        start_bytes = binary.read(2)
        binary.seek(-1 if path.stat().st_size else 0, os.SEEK_END)
        last_byte = binary.read(1)
    if start_bytes in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):  # small enough to decode whole
        text = decode(path.read_bytes())
        handle, complete = io.StringIO(text, newline=""), text.endswith(("\n", "\r"))
    else:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the with below
        complete = last_byte in (b"\n", b"\r")
    with handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = [clean_text(h) for h in next(reader, [])]
        except csv.Error as error:
            problems.append(Problem.in_file(label, 1, f"the header is not valid CSV ({error})", "fix the quoting"))
            return
        except UnicodeDecodeError:
            problems.append(not_utf8(path, label))
            return
        if not header:
            problems.append(Problem.in_file(label, 1, "file is empty", "restore the header row"))
            return
        header_problems = check_header(label, header, TABLES[path.stem]["columns"])
        problems += header_problems
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
                    elif not header_problems:
                        row = dict(zip(header, record, strict=True))
                        row["_line"] = start
                        rows.append(row)
                        if len(rows) == CHUNK:
                            yield rows
                            rows = []
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
        except UnicodeDecodeError:
            problems.append(not_utf8(path, label))
            return
        if rows:
            yield rows
    if not complete:
        problems.append(
            Problem.in_file(
                label,
                last,
                "the file ends in the middle of a line: it may have been cut short",
                f"if that row is complete, end the file with a newline; if not, restore it (git checkout {label})",
            )
        )


def not_utf8(path: Path, label: str) -> Problem:
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
        offset = len(data)
    except UnicodeDecodeError as error:
        offset = error.start
    return Problem(label, text_line(data, offset), "", "", "file is not UTF-8", "save the file as UTF-8")


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


CLEANERS = {column: clean_code for column in CODE_COLUMNS} | {column: clean_date for column in DATE_COLUMNS}
CLEANERS |= {"search_range": range_key, "country": lambda value: clean_text(value).upper()}


def clean_rows(name: str, rows: list[Row]) -> list[Row]:
    """The documented normalisations: whitespace, Unicode NFC, codes, dates, range labels, places."""
    if not rows:
        return rows
    plain = [column for column in rows[0] if column != "_line" and column not in CLEANERS]
    for row in rows:
        values = [row[column] for column in plain]
        cleaned = clean_texts(values)
        if cleaned is not values:
            row.update(zip(plain, cleaned, strict=True))
    # Codes, dates and countries repeat: each distinct value is cleaned once, and shared by the rows.
    for column in CLEANERS.keys() & rows[0].keys():
        cleaner, done = CLEANERS[column], {}
        for row in rows:
            value = row[column]
            row[column] = done[value] if value in done else done.setdefault(value, cleaner(value))
    if name == "agencies":
        for row in rows:
            row["state_province"] = subdivision_name(row["state_province"], row["country"])
    return rows


def geocode(row: Row, places: gazetteer.Gazetteer) -> Problem | None:
    """Coordinates for an agency: the manual columns win; otherwise the offline gazetteer."""
    if row["latitude"]:
        row["location_precision"], row["location_place"] = "manual", row["location_note"]
        return None
    found = places.locate(row["city"], row["county"], row["state_province"], row["country"])
    # A town or county the gazetteer does not know must not quietly become the state's or the capital's point.
    wanted = "city" if row["city"] else "county" if row["county"] else None
    county_known = places.find_county(row["county"], row["country"], row["state_province"]) if row["county"] else 1
    if row["city"] and not county_known:
        wanted = "county"  # a county that does not exist is wrong even where the town is right
    if found is None or (wanted and found.precision != wanted):
        row["location_precision"] = row["location_place"] = ""
        return Problem(
            "data/agencies.csv",
            row["_line"],
            wanted or "country",
            row[wanted or "country"],
            "no place of that name in the gazetteer",
            "check the spelling and the state, or fill latitude, longitude and location_note by hand",
        )
    row["latitude"], row["longitude"] = str(found.latitude), str(found.longitude)
    row["location_precision"], row["location_place"] = found.precision, found.place
    if found.precision in ("city", "county") and not row["state_province"]:
        # A force in Great Britain is given no nation: its town's says it, so "Scotland" lists Scottish forces.
        row["state_province"] = found.state
    return None


class Rules:
    """What summarise reads from the small files: the vocabularies and the sources."""

    def __init__(self, small: Tables) -> None:
        self.ranges = small["search_ranges"]
        self.bounds = {row["search_range"]: (row["searches_min"], row["searches_max"]) for row in self.ranges}
        self.labels = {row["search_range"]: row["label"] for row in self.ranges}
        self.sources = {row["source_id"]: row for row in small["sources"]}
        self.source_words = {source_id: headline.source_in_words(row) for source_id, row in self.sources.items()}
        statuses = small["response_statuses"]
        self.precedence = {row["response_status"]: int(row["precedence"]) for row in statuses}
        self.confirms = {row["response_status"] for row in statuses if row["confirms_use"] == "yes"}
        self.searches = {row["measure"] for row in small["count_measures"] if row["counts_searches"] == "yes"}


def summarise_count(count: Row, rules: Rules) -> Row:
    """A count's range where its source states one or its bounds imply one, and its period."""
    count["range_stated"] = "yes" if count["search_range"] else "no"
    if count["search_range"]:
        low, high = rules.bounds[count["search_range"]]
        count["searches_min"], count["searches_max"] = count["searches_min"] or low, count["searches_max"] or high
    else:
        count["search_range"] = headline.bucket_for(count["searches_min"], count["searches_max"], rules.ranges)
        if count["search_range"] == "unknown" and count["searches_reported"] and count["measure"] in rules.searches:
            count["search_range"] = "approximate"  # wording without bounds: "around 2,000", "hundreds"
    published = rules.sources[count["source_id"]]["published"]
    count["use_period"] = headline.count_period(count["period_start"], count["period_end"], published)
    return count


def summarise(agency: Row, responses: list[Row], counts: list[Row], rules: Rules) -> Row:
    """What the site shows first for an agency, by the rules of clearview/headline.py (its counts summarised)."""
    sources = rules.sources
    # A response is dated by when the source says the agency answered; undated ones rank after dated ones.
    dated = [r | {"date": r["response_date"]} for r in responses]
    best = headline.headline_response(dated, rules.precedence, rules.confirms)
    agency["response_status"], agency["response_source_id"] = best["response_status"], best["source_id"]
    agency["statement"], agency["statement_by"] = best["statement"], best["statement_by"]
    agency["statement_source_id"] = best["source_id"] if best["statement"] else ""
    agency["source_count"] = len(responses)
    agency["source_words"] = rules.source_words[best["source_id"]]
    # The sentence that states the answer: the row's own for the answer, where its evidence states only the use.
    agency["response_quote"] = best["response_evidence"] or best["evidence_quote"]
    own = [c | {"period": c["use_period"], "date": sources[c["source_id"]]["published"]} for c in counts]
    count = headline.headline_count(own, rules.searches)
    agency["count_words"] = headline.count_in_words(count, rules.labels[count["search_range"]] if count else "")
    agency["count_quote"] = count["evidence_quote"] if count else ""
    agency["use_period"] = headline.agency_period([r["use_period"] for r in responses] + [c["use_period"] for c in own])
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
    return agency


def summarised(
    staging: Staging, share: Share, rules: Rules, problems: list[Problem], quiet: bool = False
) -> Iterator[tuple[Row, list[Row], list[tuple]]]:
    """Each agency of the share geocoded and summarised, with its counts and what it said (the said table's rows),
    in the order of agency_id: the three staged files read side by side, never whole. A place the gazetteer does not
    know goes to problems."""
    places = gazetteer.load()
    responses = groupby(staging.rows("responses", share), key=lambda row: row["agency_id"])
    counts = groupby(staging.rows("search_counts", share), key=lambda row: row["agency_id"])
    next_count = next(counts, None)
    for agency in progress(staging.rows("agencies", share), "geocode, summarise", share.count, quiet=quiet):
        agency_id = agency["agency_id"]
        # Every agency has a response and every response an agency (check_across), so the two run in step.
        _, own_responses = next(responses)
        own_counts = []
        if next_count is not None and next_count[0] == agency_id:
            own_counts = [summarise_count(count, rules) for count in next_count[1]]
            next_count = next(counts, None)
        problem = geocode(agency, places)
        if problem:
            problems.append(problem)
            continue
        own_responses = list(own_responses)
        own_said = list(said_rows(agency_id, agency_texts(own_responses, own_counts)))
        yield summarise(agency, own_responses, own_counts, rules), own_counts, own_said


def load_share(staging: Staging, share: Share, rules: Rules, path: Path) -> tuple[dict[str, str], list[Problem]]:
    """A share of the agencies summarised into a database of its own, in a second process: the countries they are
    in, and the places the gazetteer does not know."""
    gazetteer.forget()  # the connections this process uses are its own
    staging.reconnect()
    output, unplaced = Output(path), []
    # Quiet: the first process draws the bar for its half, and two processes' bars would overwrite.
    countries = output.agencies(summarised(staging, share, rules, unplaced, quiet=True))
    output.copy(staging, "responses", share)
    output.close()
    return countries, unplaced


def build(
    data_dir: Path, db_path: Path, allow_removed: bool = False, seconds: dict[str, float] | None = None
) -> dict[str, int]:
    """The rows of each table built into db_path; seconds, when given, gets the time each step took (bench/run.py)."""
    # Millions of rows and no reference cycles among them: the cycle collector's passes over them cost a fifth of a
    # large build and would free nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        transaction.remove_leftovers(db_path.parent)
        with tempfile.TemporaryDirectory(prefix=f".building-{os.getpid()}-", dir=db_path.parent) as folder:
            step = Steps(seconds if seconds is not None else {})
            return build_in(Path(folder), data_dir, db_path, allow_removed, step)
    finally:
        if collecting:
            gc.enable()


def build_in(folder: Path, data_dir: Path, db_path: Path, allow_removed: bool, step: Steps) -> dict[str, int]:
    with step("read, clean, check rows"):
        found, staging = read(data_dir, folder)
    if found.unreadable:
        raise BuildError(found.unreadable)
    with step("check across files"):
        problems = found.problems + check_across(staging.db, found.small, found.cited, found.keyed)
    if problems:
        raise BuildError(sorted(problems, key=lambda problem: (problem.file, problem.line)))
    for removal in compare_with_release(found.small, staging.db, data_dir, allow_removed):
        print(f"note: {removal}", file=sys.stderr)
    with step("geocode, summarise, load"):
        output = Output(folder / "clearview.sqlite")
        output.small(found.small)
        output.release_state(unreleased(data_dir))
        output.said(said_rows(None, title_texts(found.small["sources"])))  # the titles first, as they sort
        rules, (first, second), unplaced = Rules(found.small), staging.halves(found.rows[APART]), []
        gazetteer.load()  # its store made, if this machine has none, before two processes look for it
        # The second half in a second process, written to a database of its own and appended after the first's.
        with beside(load_share, staging, second, rules, folder / "second.sqlite") as other:
            countries = output.agencies(summarised(staging, first, rules, unplaced))
            output.copy(staging, "responses", first)
            other_countries, other_unplaced = other()
        if unplaced or other_unplaced:
            raise BuildError(sorted(unplaced + other_unplaced, key=lambda problem: problem.line))
        output.append(folder / "second.sqlite")
        output.countries(countries | other_countries)
        output.views()
        output.close()
        staging.db.close()
    with step("index"):
        index(output.path)
    os.replace(output.path, db_path)
    return found.rows


def unreleased(data_dir: Path) -> bool:
    """data/'s fact files differ from the last release's copies (data/released/, written by make release)."""
    released = data_dir / "released"
    return not all(transaction.same_file(data_dir / f"{n}.csv", released / f"{n}.csv") for n in FACT_TABLES)


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
        work = partial(build, args.data, args.db, args.allow_removed)
        counts = transaction.run(args.data.resolve().parent, "make build", "the build", work)
    except transaction.Stopped as stop:
        return stop.code
    except BuildError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"build failed: {len(error.problems)} problem(s); {args.db} was not changed", file=sys.stderr)
        return 1
    except OSError as error:  # a read-only folder, a full disk: the file and the fix, not a traceback
        where = error.filename or args.db.parent
        print(
            f"build failed: could not write {where}: {error.strerror or error}. Make sure {args.db.parent} exists, "
            f"is writable and has free space, then run make build again; {args.db} was not changed",
            file=sys.stderr,
        )
        return 1
    print(json.dumps({"database": str(args.db), "rows": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
