"""`make add`: sourced facts in the research's shape become rows of data/, checked by a full build.

    python -m clearview.add FACTS.csv            (what `make add FILE=FACTS.csv` runs)
    python -m clearview.add --agency-name "..." --country US --source-url https://... --evidence-quote "..."

One row per agency and source, with the columns of COLUMNS (a spreadsheet's CSV export will do). Each row:
- finds its agency by name, parenthesised alias or alias in the same country and state; more than one match, or
  a near match only, is refused with the candidates (write `agency_id` to choose one, or to name a new agency);
- finds its source by URL, or adds it under the id data/README.md documents (clearview/ids.py);
- adds the response, and the count if the row gives one; a row for an agency and source already in data/ is a
  correction: the values it gives replace the old ones, and the change is printed.
Then the whole data set is built. If anything is wrong the files are put back as they were, so nothing is half
added, and the problems are printed with their fixes. On success it prints each agency page's address.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import os
import shutil
import sqlite3
import sys
import unicodedata
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from urllib.parse import quote

from confusable_homoglyphs import categories, confusables
from rapidfuzz import fuzz

from clearview import build, evidence, gazetteer, headline, ids, languages, schema, transaction, validate
from clearview.normalise import clean_date, clean_text, fold, subdivision_name

# The research's columns (the columns the compiled research files use), then what an editor may add to say more.
COLUMNS = {
    "agency_name": "the agency's name as the source gives it; an abbreviation or native name in parentheses",
    "agency_type": "police, sheriff, federal, ... (clearview/ids.py AGENCY_TYPES) or a key of agency_types.csv",
    "city": "the town the agency sits in",
    "county": "its county ('Polk' or 'Polk County')",
    "state": "state or province: name or code",
    "country": "country: name or ISO code",
    "search_range_label": "a BuzzFeed bucket, only where the source states it ('11-50')",
    "searches_reported_text": "the count in the source's own words, and nothing else",
    "response_category": "what the source says the agency answered (a key of response_statuses.csv)",
    "response_quote": "the agency's own words, where the source quotes them",
    "source_url": "the source's address (or seed:FILE for an archived document)",
    "source_title": "the source's title",
    "source_date": "its date: YYYY-MM-DD, YYYY-MM or YYYY",
    "evidence_quote": "the source's words that state the response (and the count, unless count_evidence_quote)",
    # Optional, beyond the research's columns.
    "agency_id": "to choose among candidates, or to give a new agency its id",
    "source_publisher": "the publisher, when it is not the web site's name",
    "source_language": "the language the source is written in (ISO 639-1: en, fi, fr); default: told from its words",
    "count_evidence_quote": "the source's words that state the count, when they are not evidence_quote",
    "response_evidence": "the source's words that state the agency's answer, when evidence_quote states only the use",
    "translation": "an English translation of evidence_quote, where the source is not in English (shown beside it, "
    "marked as a translation); say whose in brackets at its end where it is not the editor's",
    "count_translation": "an English translation of count_evidence_quote, where there is one and it is not English",
    "searches_min": "the lowest number the wording supports ('more than 3,400' -> 3401)",
    "searches_max": "the highest number the wording supports ('up to 500' -> 500)",
    "period_start": "the first month or year the count covers, where the source says",
    "period_end": "the last month or year the count covers, where the source says",
    "measure": "what the count counts, a key of count_measures.csv (default searches)",
    "count_note": "a note on the count in your words (shown as a note, never as the source's)",
    "use_period": "when the use the source reports happened: leaked (2018 to February 2020), after, not_stated "
    "(default: proposed from the dates the quote gives, else from the source's date; the reason is printed)",
    "new_agency": "yes: a new agency, though its name is near one already listed",
    "latitude": "where the gazetteer cannot place the agency: decimal degrees (with longitude and location_note)",
    "longitude": "decimal degrees, with latitude",
    "location_note": "where a latitude and longitude come from",
}
REQUIRED = ("source_url", "evidence_quote")
NEAR = 90  # rapidfuzz ratio: 'Seattle Police Dept' near 'Seattle Police Department'; North Miami is not Miami


class Refused(Exception):
    """A row that cannot be applied as it stands: the column, what is wrong, and what to write."""

    def __init__(self, message: str, column: str = "", fix: str = "") -> None:
        super().__init__(message)
        self.column, self.message, self.fix = column, message, fix

    def __str__(self) -> str:
        return self.message + (f". Fix: {self.fix}" if self.fix else "")

    def at(self, where: str) -> str:
        """facts.csv:3, column 'searches_reported_text': ... Fix: ..."""
        column = f", column '{self.column}'" if self.column else ""
        return f"{where}{column}: {self.message}" + (f". Fix: {self.fix}" if self.fix else "")


@dataclass
class Outcome:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what make add chose for the editor, with its reason
    rows: dict[tuple[str, str], str] = field(default_factory=dict)  # (file, record key) -> the fact's row
    preview: list[str] = field(default_factory=list)  # each agency's headline before and after, and its pages


def decode_facts(path: Path, notes: list[str]) -> str:
    """UTF-8 (or UTF-16 with its mark); else Windows-1252 (a spreadsheet's "CSV" on Windows) when every byte is one
    it defines, and the editor is told; else refused with the line."""
    data = path.read_bytes()
    try:
        return build.decode(data)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise Refused(
                f"{path.name}:{line}: the file is not UTF-8 (byte {data[error.start]:#04x})",
                fix="save it as 'CSV UTF-8' and run make add again",
            ) from None
        notes.append(f"{path.name} is not UTF-8: read as Windows-1252 (first at line {line}); check its accents")
        return text


def read_facts(path: Path, notes: list[str] | None = None) -> list[dict[str, str]]:
    text = decode_facts(path, notes if notes is not None else [])
    reader = csv.DictReader(io.StringIO(text, newline=""))
    unknown = [c for c in reader.fieldnames or [] if clean_text(c) not in COLUMNS]
    if unknown:
        raise Refused(
            f"{path.name}:1: unknown column(s) {', '.join(unknown)}",
            fix=f"use the columns {', '.join(COLUMNS)} (data/README.md)",
        )
    rows = []
    for line, row in enumerate(reader, start=2):
        cleaned = {clean_text(k): clean_text(v) for k, v in row.items() if k is not None}
        if any(cleaned.values()):
            rows.append({c: cleaned.get(c, "") for c in COLUMNS} | {"_where": f"{path.name}:{line}"})
    return rows


def read_data(data: Path) -> dict[str, list[dict[str, str]]]:
    tables = {}
    for name in [*schema.FACT_TABLES, "agency_types"]:
        with open(data / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
            tables[name] = list(csv.DictReader(handle))
    return tables


def write_data(data: Path, tables: dict[str, list[dict[str, str]]]) -> None:
    for name in schema.FACT_TABLES:
        schema.write_table(data / f"{name}.csv", tables[name])


def find_agency(fact: dict[str, str], agencies: list[dict[str, str]]) -> dict[str, str] | None:
    """The one agency the fact names, None for a new one; Refused when it could be more than one."""
    if fact["agency_id"]:
        return next((a for a in agencies if a["agency_id"] == fact["agency_id"]), None)
    name, aliases = ids.split_name(fact["agency_name"])
    country = ids.country_code(fact["country"])
    wanted = {"name": name, "country": country, "state_province": subdivision_name(fact["state"], country)}
    known = validate.known_spellings(agencies)
    matches = {a["agency_id"]: a for a in validate.same_agencies(wanted | {"_line": 0}, known)}
    for alias in aliases:
        matches |= {a["agency_id"]: a for a in validate.same_agencies(wanted | {"name": alias, "_line": 0}, known)}
    if len(matches) == 1:
        return next(iter(matches.values()))
    if len(matches) > 1:
        raise Refused(
            f"'{fact['agency_name']}' could be any of: {candidates(matches.values(), name)}",
            "agency_name",
            "write the agency_id of the one the source means in agency_id",
        )
    if clean_text(fact["new_agency"]).lower() == "yes":
        return None
    near = [
        a
        for a in agencies
        if a["country"] == country
        and (
            not wanted["state_province"]
            or subdivision_name(a["state_province"], country) in ("", wanted["state_province"])
        )
        and max(fuzz.ratio(fold(name), fold(n)) for n in (a["name"], ids.split_name(a["name"])[0])) >= NEAR
    ]
    if near:
        raise Refused(
            f"'{name}' is near an agency already listed: {candidates(near, name)}",
            "agency_name",
            "if the source means that agency, write its agency_id in agency_id; if it is another agency, write yes "
            "in new_agency",
        )
    return None


def candidates(agencies, typed: str) -> str:
    return "; ".join(
        f"{a['name']} ({a['agency_id']}, {subdivision_name(a['state_province'], a['country']) or a['country']}; "
        f"{difference(typed, a['name'])})"
        for a in agencies
    )


def difference(typed: str, listed: str) -> str:
    """What differs between two names, word by word: "'Dept' here, 'Department' there"."""
    ours, theirs = typed.split(), listed.split()
    changes = [
        (" ".join(ours[i1:i2]), " ".join(theirs[j1:j2]))
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=ours, b=theirs).get_opcodes()
        if tag != "equal"
    ]
    return ", ".join(f"'{a or '(nothing)'}' here, '{b or '(nothing)'}' there" for a, b in changes) or "the same words"


def mixed_script(name: str) -> str:
    """A letter of another script among a name's letters (a Cyrillic 'а' in a Latin name), or ''."""
    found = confusables.is_mixed_script(name) and confusables.is_dangerous(name, preferred_aliases=["latin"])
    if not found:
        return ""
    scripts = {categories.alias(c) for c in name if c.isalpha()}
    main = max(scripts, key=lambda s: sum(1 for c in name if c.isalpha() and categories.alias(c) == s))
    position, letter = next((i, c) for i, c in enumerate(name, 1) if c.isalpha() and categories.alias(c) != main)
    return f"'{letter}' (U+{ord(letter):04X}, {unicodedata.name(letter, 'unnamed')}) at character {position}"


def new_agency(fact: dict[str, str], types: set[str], notes: list[str]) -> dict[str, str]:
    name, aliases = ids.split_name(fact["agency_name"])
    if not name:
        raise Refused("agency_name is empty", "agency_name", "name the agency as the source does")
    country = ids.country_code(fact["country"])
    if not country:
        raise Refused(f"'{fact['country']}' is not a country pycountry knows", "country", "write its ISO code (US, GB)")
    agency_type = ids.agency_type(fact["agency_type"])
    if agency_type not in types:
        raise Refused(
            f"'{fact['agency_type']}' is not an agency type",
            "agency_type",
            f"write one of {', '.join(sorted(types))} (data/agency_types.csv)",
        )
    agency = {
        "agency_id": fact["agency_id"] or ids.agency_id(name),
        "name": name,
        "aliases": "; ".join(aliases),
        "agency_type": agency_type,
        "city": fact["city"],
        "county": ids.county_name(fact["county"], country),
        "state_province": subdivision_name(fact["state"], country),
        "country": country,
        "latitude": fact["latitude"],
        "longitude": fact["longitude"],
        "location_note": fact["location_note"],
    }
    if not agency["latitude"]:
        place(agency, notes)
    return agency


def place(agency: dict[str, str], notes: list[str]) -> None:
    """A town or county the gazetteer lacks (Connecticut's former counties) is kept as the source gives it, and the
    agency is placed at the next level the gazetteer knows, with a note saying so."""
    places = gazetteer.load()
    country, state = agency["country"], agency["state_province"]
    missing = [
        (column, agency[column])
        for column, known in (
            ("city", lambda: places.find_city(agency["city"], country, state, agency["county"])),
            ("county", lambda: places.find_county(agency["county"], country, state)),
        )
        if agency[column] and not known()
    ]
    if not missing:
        return
    known_county = agency["county"] and ("county", agency["county"]) not in missing
    found = places.locate("", agency["county"] if known_county else "", state, country)
    if found is None:
        raise Refused(
            f"the gazetteer knows neither {' nor '.join(v for _, v in missing)} nor its region",
            missing[0][0],
            "check the spelling, or give latitude, longitude and location_note",
        )
    lacking = " or ".join(f"the {column} {value}" for column, value in missing)
    agency["latitude"], agency["longitude"] = str(found.latitude), str(found.longitude)
    agency["location_note"] = f"the gazetteer lacks {lacking}: placed at {found.place} ({found.precision})"
    notes.append(f"warning: {agency['agency_id']}: {agency['location_note']}")


def find_or_add_source(fact: dict[str, str], sources: list[dict[str, str]], outcome: Outcome) -> str:
    url = ids.canonical_url(fact["source_url"])
    document = url.removeprefix("seed:") if url.startswith("seed:") else ""
    source = next(
        (
            s
            for s in sources
            if (url and ids.canonical_url(s["url"]) == url) or (document and s["document"] == document)
        ),
        None,
    )
    given = {
        "title": fact["source_title"],
        "publisher": fact["source_publisher"],
        "published": fact["source_date"],
        "language": fact["source_language"],
    }
    if source is None:
        words = [fact[c] for c in ("evidence_quote", "response_quote", "response_evidence", "count_evidence_quote")]
        source = {
            "source_id": ids.source_id(url),
            "url": "" if document else url,
            "document": document,
            "title": given["title"],
            "publisher": given["publisher"] or ("" if document else ids.host(url)),
            "published": clean_date(given["published"]),
            "language": given["language"] or languages.detect(*words),
        }
        sources.append(source)
        outcome.added.append(f"source {source['source_id']} ({url})")
        if not given["language"] and source["language"]:
            language = source["language"]
            outcome.notes.append(
                f"{fact['_where']}: source {source['source_id']}: its words read as "
                f"{languages.language_name(language)} ({language}); if not, give source_language"
            )
    else:
        correct(source, given, f"source {source['source_id']}", outcome)
    return source["source_id"]


def correct(row: dict[str, str], given: dict[str, str], what: str, outcome: Outcome) -> None:
    """Values the fact gives replace the old ones; what it leaves blank stays."""
    for column, value in given.items():
        if value and value != row[column]:
            outcome.changed.append(f"{what}: {column} '{row[column]}' -> '{value}'")
            row[column] = value


def apply(fact: dict[str, str], tables: dict[str, list[dict[str, str]]], outcome: Outcome) -> None:
    missing = [c for c in REQUIRED if not fact[c]] + ([] if fact["agency_name"] or fact["agency_id"] else ["agency"])
    if missing:
        raise Refused("missing", missing[0], "every fact needs its agency, its source and the source's words")
    if problem := mixed_script(fact["agency_name"]):
        raise Refused(
            f"the name mixes scripts: {problem}",
            "agency_name",
            "retype the name in one script (a letter pasted from another alphabet looks the same but is not)",
        )
    agency = find_agency(fact, tables["agencies"])
    if agency is None:
        types = {row["agency_type"] for row in tables["agency_types"]}
        agency = new_agency(fact, types, outcome.notes)
        tables["agencies"].append(agency)
        outcome.added.append(f"agency {agency['agency_id']} ({agency['name']})")
    outcome.rows[("agencies", agency["agency_id"])] = fact["_where"]
    agency_id = agency["agency_id"]
    source_id = find_or_add_source(fact, tables["sources"], outcome)
    outcome.rows[("sources", source_id)] = fact["_where"]
    key = (agency_id, source_id)
    date = clean_date(fact["source_date"])
    response = {
        "response_status": fact["response_category"],
        "statement": fact["response_quote"],
        "response_date": date,
        "use_period": fact["use_period"],
        "evidence_quote": fact["evidence_quote"],
        "response_evidence": fact["response_evidence"],
        "translation": fact["translation"],
    }

    def first_response() -> dict[str, str]:
        """A new response: what the fact leaves out is unknown, and its period is proposed (a correction changes only
        what the fact gives)."""
        if fact["use_period"]:
            return {"response_status": "unknown"}
        period, reason = headline.propose_period(fact["evidence_quote"], date)
        outcome.notes.append(f"{fact['_where']}: use_period {period}: {reason} (write use_period to say otherwise)")
        return {"response_status": "unknown", "use_period": period}

    upsert(tables, "responses", key, response, outcome, fact["_where"], first_response)
    if fact["search_range_label"] or fact["searches_reported_text"]:
        quote = fact["count_evidence_quote"] or fact["evidence_quote"]
        wording = fact["searches_reported_text"] or fact["search_range_label"]
        if (missing := evidence.unstated(wording, quote)) and not fact["count_note"]:
            raise Refused(
                f"the count's '{missing}' is not in its evidence quote",
                "searches_reported_text",
                "put the source's sentence that states the number in count_evidence_quote; if the source states it "
                "where no sentence can be quoted (a table, a chart), say where in count_note",
            )
        count = {
            "search_range": fact["search_range_label"],
            "searches_min": fact["searches_min"],
            "searches_max": fact["searches_max"],
            "searches_reported": fact["searches_reported_text"],
            "measure": fact["measure"],
            "period_start": fact["period_start"],
            "period_end": fact["period_end"],
            "note": fact["count_note"],
            "evidence_quote": fact["count_evidence_quote"] or fact["evidence_quote"],
            "translation": fact["count_translation"] if fact["count_evidence_quote"] else fact["translation"],
        }
        upsert(tables, "search_counts", key, count, outcome, fact["_where"], lambda: {"measure": "searches"})
    if agency_id not in outcome.agencies:
        outcome.agencies.append(agency_id)


WHAT = {"responses": "response", "search_counts": "count"}  # as the printed lines name them


def upsert(
    tables: dict,
    table: str,
    key: tuple[str, str],
    values: dict[str, str],
    outcome: Outcome,
    where: str,
    defaults: Callable[[], dict[str, str]],
) -> None:
    """The row of this agency and source: added (defaults() filling what the values leave blank), or corrected with
    the values given."""
    rows = tables[table]
    existing = next((r for r in rows if (r["agency_id"], r["source_id"]) == key), None)
    label = f"{WHAT[table]} {key[0]} / {key[1]}"
    outcome.rows[(table, "/".join(key))] = where
    if existing is None:
        template = dict.fromkeys(schema.TABLES[table]["columns"], "")
        filled = {column: value for column, value in defaults().items() if not values.get(column)}
        rows.append(template | {"agency_id": key[0], "source_id": key[1]} | values | filled)
        outcome.added.append(label)
    else:
        correct(existing, values, label, outcome)


def add(facts: list[dict[str, str]], data: Path, db: Path, dry_run: bool = False) -> Outcome:
    """Apply every fact to a staged copy of data/ and build it; only if all is well move the changed files and the
    new database into place at once (clearview/transaction.py). A refusal, a failed build or an interrupt leaves
    data/ and the database as they were; so does dry_run."""
    tables, outcome, refused = read_data(data), Outcome(), []
    for fact in facts:
        try:
            apply(fact, tables, outcome)
        except Refused as error:
            refused.append(error.at(fact["_where"]))
    if refused:
        raise Refused("\n".join(refused))
    root = data.resolve().parent
    folder = transaction.staging(root)
    try:
        staged = transaction.copy_data(data, folder)
        write_data(staged, tables)
        try:
            build.build(staged, folder / "clearview.db")
        except validate.BuildError as error:
            keys = cache(lambda table: record_lines(staged / f"{table}.csv", schema.TABLES[table]["key"]))
            raise validate.BuildError([at_fact(problem, keys, outcome) for problem in error.problems]) from None
        outcome.preview = preview(outcome.agencies, db, folder / "clearview.db")
        if not dry_run:
            transaction.commit(root, transaction.changed_files(staged, data) + [(folder / "clearview.db", db)])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return outcome


HEADLINE = ("response_label", "count_words", "period_label", "source_words")


def preview(agency_ids: list[str], before: Path, after: Path) -> list[str]:
    """What a reader will see change: each agency's headline (response, count, period, strongest source) before and
    after, and the pages that show it."""
    old_rows, new_rows = shown(before, agency_ids), shown(after, agency_ids)
    lines = []
    for agency_id in agency_ids:
        old, new = old_rows.get(agency_id), new_rows.get(agency_id)
        if new is None:
            continue
        lines.append(f"{new['name']} ({'new agency' if old is None else 'changed'}):")
        for column in HEADLINE:
            was = "" if old is None or old[column] == new[column] else f"{old[column]} -> "
            lines.append(f"  {column.removesuffix('_label').removesuffix('_words')}: {was}{new[column]}")
        place = new["city"] or new["county"] or new["state_province"] or new["country_name"]
        lines.append(
            f"  pages: /agency/{agency_id}, /search?q={quote(place)}, /browse/country/{new['country'].lower()}, "
            "/map, /tallies"
        )
    return lines


def shown(path: Path, agency_ids: list[str]) -> dict[str, dict]:
    """These agencies as agency_shown has them in the database at path (none if it is not built yet)."""
    if not path.exists():
        return {}
    with closing(sqlite3.connect(path)) as connection:
        connection.row_factory = sqlite3.Row
        marks = ", ".join("?" * len(agency_ids))
        rows = connection.execute(f"select * from agency_shown where agency_id in ({marks})", agency_ids)
        return {row["agency_id"]: dict(row) for row in rows}


# The facts' columns that write each file's columns, so that the build's problems name what the editor wrote.
FACT_COLUMNS = {
    "name": "agency_name",
    "state_province": "state",
    "url": "source_url",
    "title": "source_title",
    "published": "source_date",
    "publisher": "source_publisher",
    "language": "source_language",
    "response_status": "response_category",
    "statement": "response_quote",
    "response_date": "source_date",
    "searches_reported": "searches_reported_text",
    "search_range": "search_range_label",
    "note": "count_note",
}


def record_lines(path: Path, key: list[str]) -> dict[int, str]:
    """Each record's key by the line it starts on, as the build counts lines."""
    lines, start = {}, 2
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            lines[start] = "/".join(row[column] for column in key)
            start = reader.line_num + 1
    return lines


def at_fact(
    problem: validate.Problem, keys: Callable[[str], dict[int, str]], outcome: Outcome
) -> validate.Problem | str:
    """A problem the build found in a row a fact wrote, told at the fact's row and column; keys(table) gives the
    staged file's record keys by line, read once a file."""
    table = problem.file.removeprefix("data/").removesuffix(".csv")
    if table not in schema.TABLES or not problem.line:
        return problem
    where = outcome.rows.get((table, keys(table).get(problem.line, "")))
    if where is None:
        return problem  # a row already in data/: its own file and line
    column = FACT_COLUMNS.get(problem.column, problem.column)
    if table == "search_counts" and problem.column == "evidence_quote":
        column = "count_evidence_quote"
    value = f" (value {problem.value!r})" if problem.value else ""
    return Refused(f"{problem.message}{value}", column, problem.fix).at(where)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("facts", nargs="?", type=Path, help="a CSV of facts with the columns below")
    for column, meaning in COLUMNS.items():
        parser.add_argument("--" + column.replace("_", "-"), default="", help=meaning)
    parser.add_argument("--data", type=Path, default=build.ROOT / "data")
    parser.add_argument("--db", type=Path, default=build.ROOT / "clearview.db")
    parser.add_argument("--site", default=os.environ.get("SITE", "http://127.0.0.1:8001"), help="for the page URLs")
    parser.add_argument("--dry-run", action="store_true", help="check and build, but change nothing")
    args = parser.parse_args(argv)
    notes: list[str] = []
    try:
        if args.facts:
            facts = read_facts(args.facts, notes)
        else:
            facts = [{c: clean_text(getattr(args, c)) for c in COLUMNS} | {"_where": "the command line"}]
        work = partial(add, facts, args.data, args.db, args.dry_run)
        outcome = transaction.run(args.data.resolve().parent, "make add", "make add", work)
    except transaction.Stopped as stop:
        return stop.code
    except KeyboardInterrupt:  # while the facts are read, before anything is changed
        return transaction.interrupted("make add")
    except Refused as error:
        print(f"{error}\nnothing was added: data/ is as it was", file=sys.stderr)
        return 1
    except validate.BuildError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print("the build refused the new rows: data/ is as it was, and so is the database", file=sys.stderr)
        return 1
    for line in notes + outcome.notes:
        print(line)
    for line in outcome.added:
        print(f"added {line}")
    for line in outcome.changed:
        print(f"changed {line}")
    for agency_id in outcome.agencies:
        print(f"{args.site.rstrip('/')}/agency/{agency_id}")
    for line in outcome.preview:
        print(line)
    if args.dry_run:
        print("dry run: the facts build cleanly; nothing was changed")
    else:
        print("built clearview.db; next: make check, then make release to publish the change")
    return 0


if __name__ == "__main__":
    sys.exit(main())
