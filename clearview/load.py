"""The staging database of the large files, and the database as the site reads it: the tables (foreign keys from
clearview/schema.py), the one definition of an agency as shown (the agency_shown view) and the views built on it,
the indexes and full-text search."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import sqlite_utils

from clearview.charts import charts
from clearview.parallel import beside
from clearview.schema import (
    INTEGER_COLUMNS,
    TABLES,
    VOCABULARIES,
    foreign_keys,
    loaded_columns,
)
from clearview.tallies import COUNTED, count_tallies
from clearview.validate import STREAMED, Row, Tables


class Staging:
    """Every file as cleaned, each row with its line, in a SQLite database beside the build: the checks across rows
    run there (validate.check_across), and summarise reads the large ones (validate.STREAMED) back by agency."""

    def __init__(self, path: Path, names: list[str]) -> None:
        """A staging file for the files named (the agencies' comes with their spellings)."""
        self.names, self.db_path = names, path
        self.db = sqlite3.connect(path)
        # A scratch file, deleted with the build's folder: no journal, no waiting for the disk.
        self.db.execute("pragma journal_mode = off")
        self.db.execute("pragma synchronous = off")
        self.db.execute("pragma cache_size = -32768")  # 32 MB: summarise reads by agency, not in the file's order
        # Rows appended in the file's order (_position, the rowid); index() adds the agency_id index summarise reads by.
        for name in names:
            columns = ", ".join(f"[{column}] text" for column in TABLES[name]["columns"])
            self.db.execute(f"create table [{name}] (_position integer primary key, _line integer, {columns})")
        if "agencies" in names:
            self.db.execute(
                "create table spellings (country text, spelling text, line integer, state text, agency_id text, "
                "name text, of_name integer)"
            )

    def add(self, name: str, rows: list[Row]) -> None:
        """Rows of a file, in its order: each keeps its place (_position), which becomes its rowid in the database."""
        columns = ["_line", *TABLES[name]["columns"]]
        marks = ", ".join("?" * len(columns))
        names = ", ".join(f"[{column}]" for column in columns)
        # Appended to a table whose rows were all appended in order: SQLite's next rowid is the row's place.
        with self.db:
            self.db.executemany(f"insert into [{name}] ({names}) values ({marks})", map(itemgetter(*columns), rows))

    def add_spellings(self, spellings: list[tuple]) -> None:
        with self.db:
            self.db.executemany("insert into spellings values (?, ?, ?, ?, ?, ?, ?)", spellings)

    def index(self) -> None:
        # Each file's id, which references look up, and the agency_id summarise reads the large files by.
        for name in self.names:
            for column in {TABLES[name]["key"][0], "agency_id"} & set(TABLES[name]["columns"]):
                self.db.execute(f"create index [{name}_{column}] on [{name}] ([{column}])")
        if "agencies" in self.names:
            self.db.execute("create index spellings_spelling on spellings (country, spelling)")
        self.db.commit()

    def attach(self, path: Path, names: list[str]) -> None:
        """Another staging file's tables (names), read as this one's: SQLite finds a table in any attached file."""
        self.db.execute(f"attach database ? as [{path.stem}]", [str(path)])
        self.names += names

    def rows(self, name: str, share: Share) -> Iterator[Row]:
        """The staged rows of a share of the agencies by agency_id (ties in file order), each with its _position."""
        cursor = self.db.execute(
            f"select * from [{name}] where {share.where} order by agency_id, _position", share._asdict()
        )
        names = [column[0] for column in cursor.description]
        return (dict(zip(names, values, strict=True)) for values in cursor)

    def halves(self, count: int) -> tuple[Share, Share]:
        """The agencies (count of them, as read) in two shares by agency_id, as equal as can be."""
        middle = self.db.execute("select agency_id from agencies order by agency_id limit 1 offset ?", [count // 2])
        after = (middle.fetchone() or [None])[0]
        return Share("", after, count // 2), Share(after or "", None, count - count // 2)

    def reconnect(self) -> None:
        """A connection of this process's own (a forked process must not use its parent's), the files attached."""
        attached = self.db.execute("select name, file from pragma_database_list where name not in ('main', 'temp')")
        attached = attached.fetchall()
        self.db = sqlite3.connect(self.db_path)
        for name, file in attached:
            self.db.execute(f"attach database ? as [{name}]", [file])


class Share(NamedTuple):
    """The agencies whose agency_id is first or after it and before after (to the last where after is None)."""

    first: str
    after: str | None
    count: int

    @property
    def where(self) -> str:
        """The share's rows, as SQL (its fields the parameters)."""
        return "agency_id >= :first" + ("" if self.after is None else " and agency_id < :after")


WHOLE = {column: int for column in INTEGER_COLUMNS | {"source_count"}}
TYPES = WHOLE | {"latitude": float, "longitude": float}
# Referenced tables first, so each foreign key names a table that exists.
ORDER = [*VOCABULARIES, "countries", "sources", "agencies", "responses", "search_counts", "published_totals"]


class Output:
    """The database as the site reads it, written table by table: the small files whole, the agencies and their
    counts as summarise yields them, the responses copied from the staging database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite_utils.Database(path, recreate=True)
        # A new file renamed into place only when complete (build): no journal is needed to survive a crash.
        self.db.execute("pragma journal_mode = off")
        self.db.execute("pragma synchronous = off")
        self.db.execute("pragma cache_size = -32768")  # agencies arrive by id, each at its file position (rowid)
        for name in [*ORDER, "releases", "changes"]:
            columns = ["country", "name"] if name == "countries" else loaded_columns(name)
            key = TABLES[name]["key"] if name in TABLES else ["country"]
            pk = None if name == "changes" else key[0] if len(key) == 1 else tuple(key)
            self.db[name].create(
                {column: TYPES.get(column, str) for column in columns}, pk=pk, foreign_keys=foreign_keys(name)
            )
        # Each sentence of a statement, an evidence quote or a source's title (clearview/said.py): reporters search it
        # in Datasette (/clearview/said?_search=), readers through /search.
        self.db["said"].create(
            {"agency_id": str, "fact": str, "sentence": str, "source_id": str, "words": str},
            foreign_keys=[("agency_id", "agencies", "agency_id"), ("source_id", "sources", "source_id")],
        )

    def insert(self, name: str, rows: Iterable[Row], rowid: bool = False) -> None:
        # One statement for all rows; an empty value is null, in SQLite's C rather than in a Python loop. The columns'
        # affinity makes "12" an integer where the column is one.
        columns = (["_position"] if rowid else []) + (
            ["country", "name"] if name == "countries" else loaded_columns(name)
        )
        names = ", ".join("rowid" if column == "_position" else f"[{column}]" for column in columns)
        marks = ", ".join(["nullif(?, '')"] * len(columns))
        with self.db.conn:
            self.db.conn.executemany(
                f"insert into [{name}] ({names}) values ({marks})", map(itemgetter(*columns), rows)
            )

    def said(self, rows: Iterable[tuple]) -> None:
        """Rows of the said table (clearview.said.said_rows), in its order."""
        with self.db.conn:
            self.db.conn.executemany("insert into said values (?, ?, ?, ?, ?)", rows)

    def release_state(self, unreleased: bool) -> None:
        """Whether data/ holds changes the last release does not (every page's footer says so until make release)."""
        self.db["release_state"].insert({"unreleased": int(unreleased)})

    def small(self, small: Tables) -> None:
        for name, rows in small.items():
            if name not in STREAMED:
                self.insert(name, rows)

    def agencies(self, summarised: Iterable[tuple[Row, list[Row], list[tuple]]]) -> dict[str, str]:
        """Each agency and its counts, at their places in their files (rowid), and what it said, a batch at a time;
        the countries they are in (code: name)."""
        countries: dict[str, str] = {}
        agencies: list[Row] = []
        counts: list[Row] = []
        said: list[tuple] = []
        for agency, own_counts, own_said in summarised:
            countries[agency["country"]] = agency["country_name"]
            agencies.append(agency)
            counts += own_counts
            said += own_said
            if len(agencies) >= 5_000:
                self.insert("agencies", agencies, rowid=True)
                self.insert("search_counts", counts, rowid=True)
                self.said(said)
                agencies, counts, said = [], [], []
        self.insert("agencies", agencies, rowid=True)
        self.insert("search_counts", counts, rowid=True)
        self.said(said)
        return countries

    def countries(self, countries: dict[str, str]) -> None:
        self.insert("countries", [{"country": code, "name": countries[code]} for code in sorted(countries)])

    def append(self, path: Path) -> None:
        """What another Output wrote (a share of the agencies, with their responses, counts and said rows), after
        this one's."""
        self.db.execute("attach database ? as share", [str(path)])
        with self.db.conn:
            for name in ("agencies", "responses", "search_counts"):
                names = ", ".join(f"[{column}]" for column in loaded_columns(name))
                self.db.conn.execute(
                    f"insert into [{name}] (rowid, {names}) select rowid, {names} from share.[{name}] order by rowid"
                )
            self.db.conn.execute("insert into said select * from share.said order by rowid")
        self.db.execute("detach database share")

    def copy(self, staging: Staging, name: str, share: Share) -> None:
        """A share's rows of a staged file as they are, each at its place in the file (rowid)."""
        staging.db.commit()
        columns = loaded_columns(name)
        names = ", ".join(f"[{column}]" for column in columns)
        values = ", ".join(f"nullif([{column}], '')" for column in columns)
        self.db.execute("attach database ? as staging", [str(staging.db_path)])
        with self.db.conn:
            self.db.conn.execute(
                f"insert into [{name}] (rowid, {names}) select _position, {values} from staging.[{name}] "
                f"where {share.where} order by agency_id, _position",
                share._asdict(),
            )
        self.db.execute("detach database staging")

    def views(self) -> None:
        self.db.create_view("agency_shown", AGENCY_SHOWN_VIEW)
        self.db.create_view("agency_map", MAP_VIEW)
        self.db.create_view("source_facts", SOURCE_FACTS_VIEW)

    def close(self) -> None:
        self.db.conn.close()


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
  agencies.response_source_id as source_id, agencies.source_words, agencies.source_count,
  agencies.response_quote, agencies.count_quote,
  coalesce(nullif(sources.publisher, ''), 'publisher unknown') as source_publisher,
  sources.published as source_published
from agencies
cross join sources on sources.source_id = agencies.response_source_id
cross join agency_types on agency_types.agency_type = agencies.agency_type
cross join search_ranges on search_ranges.search_range = agencies.search_range
cross join response_statuses on response_statuses.response_status = agencies.response_status
cross join use_periods on use_periods.use_period = agencies.use_period
order by agencies.name
"""
# "cross join" keeps agencies the outer loop (SQLite's join-order hint), read in name order from agencies_name: each
# vocabulary row is then looked up by its key. Left to choose, SQLite built an index over agencies for every query
# and sorted: at 100,000 agencies a count of the view took 0.66 s, and 0.30 s so.

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


# The full-text search tables: each table's searched columns. Names and places for the search; of what was said, the
# words as clearview.said folds them, not the sentence: SQLite's tokenizer would split and fold some characters its
# own way ("¹", "ﬁ"), and then the two editions would find different sentences.
SEARCHED = {
    "agencies": ["name", "aliases", "city", "county", "state_province", "country_name"],
    "said": ["words"],
}
TOKENIZE = "unicode61 remove_diacritics 2"
# What FTS5 keeps of a full-text table: copied as they are, they are the search tables built elsewhere.
FTS5_SHADOWS = ("data", "idx", "docsize", "config")


def index(path: Path) -> None:
    """Indexes on every facet column, full-text search over names and places and over what was said; the tallies.
    Three at once: the indexes here, the tallies counted by a thread, the full-text tables in a second process."""
    db = sqlite_utils.Database(path)
    # A new file, renamed into place only when complete: nothing to wait on the disk for. Write-ahead, so that the
    # tallies and the full-text tables are read from it while this connection builds the indexes (SQLite lets go of
    # Python's lock as it works).
    db.execute("pragma journal_mode = wal")
    db.execute("pragma synchronous = off")
    searchable = path.with_name("searchable.sqlite")
    counter, stop = sqlite3.connect(path, check_same_thread=False), threading.Event()
    counter.set_progress_handler(stop.is_set, 1_000_000)  # once stop is set, its queries end ("interrupted")
    with closing(counter), ThreadPoolExecutor(max_workers=1) as pool, beside(full_text, path, searchable) as built:
        counting = pool.submit(counted_tallies, counter)
        try:
            facets = ("agency_type", "country", "state_province", "search_range", "response_status", "city", "name")
            for column in facets:
                db["agencies"].create_index([column])
            for table in ("responses", "search_counts"):
                db[table].create_index(["source_id"])
                db[table].create_index(["search_range" if table == "search_counts" else "response_status"])
            db["said"].create_index(["agency_id"])
            counted = counting.result()
            built()
        except BaseException:
            stop.set()  # an error or Ctrl-C here does not wait for the tallies' queries to end
            raise
    copy_full_text(db, searchable)
    tallies(db, counted)
    db.analyze()
    db.execute("pragma journal_mode = delete")  # one file again, as the site opens it
    db.close()


def full_text(path: Path, searchable: Path) -> None:
    """The full-text tables of the built database (path), built into a database of their own (searchable)."""
    db = sqlite_utils.Database(searchable, recreate=True)
    db.execute("pragma journal_mode = off")  # a scratch file in the build's folder
    db.execute("attach database ? as built", [str(path)])  # where the searched tables are found
    for table, columns in SEARCHED.items():
        db[table].enable_fts(columns, tokenize=TOKENIZE)
    db.close()


def copy_full_text(db: sqlite_utils.Database, searchable: Path) -> None:
    """The full-text tables built by full_text, made this database's: each declared as it was there, then its
    contents copied whole (SQLite's full-text tables keep everything in ordinary tables)."""
    db.execute("attach database ? as searchable", [str(searchable)])
    with db.conn:
        for table in SEARCHED:
            fts = f"{table}_fts"
            [declared] = db.execute("select sql from searchable.sqlite_master where name = ?", [fts]).fetchone()
            db.conn.execute(declared)
            for shadow in FTS5_SHADOWS:
                db.conn.execute(f"delete from [{fts}_{shadow}]")
                db.conn.execute(f"insert into [{fts}_{shadow}] select * from searchable.[{fts}_{shadow}]")
    db.execute("detach database searchable")


def counted_tallies(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """The counts reader pages show (clearview/tallies.py), counted once here rather than under a reader's request."""
    db = sqlite_utils.Database(connection)
    # Each tally reads agency_shown, which joins five tables and carries every quote: a temporary table of the
    # columns the tallies name, under the same name, is found first (SQLite looks in temp before main). At 100,000
    # agencies the tallies took 1.7 s, and 0.5 s so.
    named = " ".join(COUNTED.values())
    columns = [c.name for c in db["agency_shown"].columns if re.search(rf"\b{c.name}\b", named)]
    db.execute(f"create temp table agency_shown as select {', '.join(columns)} from main.agency_shown")
    # Tallies join each vocabulary to it by the vocabulary's key: indexed once here, rather than by SQLite for each
    # query (an automatic index: 0.2 s a tally at 100,000 agencies).
    for column in {TABLES[name]["key"][0] for name in VOCABULARIES} & set(columns):
        db.execute(f"create index temp.agency_shown_{column} on agency_shown ([{column}])")
    return list(count_tallies(db.conn))


def tallies(db: sqlite_utils.Database, counted: list[tuple[str, str]]) -> None:
    """The tallies (counted_tallies) and the charts drawn from them (clearview/charts.py), written."""
    db["tallies"].create({"tally": str, "rows": str}, pk="tally")
    db["charts"].create({"chart": str, "title": str, "svg": str}, pk="chart")
    with db.conn:
        db.conn.executemany("insert into tallies values (?, ?)", counted)
        counts = {name: json.loads(rows) for name, rows in counted}
        db.conn.executemany("insert into charts values (?, ?, ?)", charts(counts))
