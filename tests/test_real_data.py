"""The published data on its own terms: every fact sourced in its source's words, ids stable, counts as worded."""

import csv
import re

import sqlite_utils

import build_db
from clearview import evidence, schema
from tests.conftest import ROOT

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def numbers_in(text: str) -> set[int]:
    """'more than 3,400', '11.000 searches', 'tra le 101 e le 500' -> {3400}, {11000}, {101, 500}."""
    words = {w: n for n, w in enumerate(NUMBER_WORDS)}
    digits = {int(re.sub(r"[,.\s]", "", n)) for n in re.findall(r"\d{1,3}(?:[,.\s]\d{3})+|\d+", text)}
    return digits | {words[w] for w in re.findall(r"[a-z]+", text.lower()) if w in words}


def test_every_fact_carries_the_sources_words(real_db):
    db = sqlite_utils.Database(real_db)
    for table in ("responses", "search_counts", "published_totals"):
        empty = db.execute(f"select count(*) from {table} where trim(coalesce(evidence_quote, '')) = ''").fetchone()
        assert empty[0] == 0, table


def test_count_bounds_come_from_numbers_in_the_wording(real_db):
    """A bound is a number the source wrote, or one more ('more than 3,400' -> 3401); never computed or guessed.
    Written-out numbers are read in English only, so a wording without digits in another language is not checked."""
    db = sqlite_utils.Database(real_db)
    stated = db.query(
        "select c.*, r.searches_min as range_min, r.searches_max as range_max from search_counts c"
        " join search_ranges r using (search_range)"
    )
    failures = []
    for count in stated:
        numbers = numbers_in(count["searches_reported"] or "")
        # Wording with no digits ('honderd tot vijfhonderd') is the one case this cannot read.
        if count["range_stated"] == "no" and numbers:
            for bound in (count["searches_min"], count["searches_max"]):
                if bound is not None and not (bound in numbers or bound - 1 in numbers):
                    failures.append((count["agency_id"], count["source_id"], bound, count["searches_reported"]))
    assert failures == []


def test_a_published_total_is_the_number_its_source_wrote(real_db):
    for total in sqlite_utils.Database(real_db).query("select * from published_totals"):
        if total["value"] is not None:
            assert numbers_in(total["value_reported"]) == {total["value"]}
        assert total["evidence_quote"].strip()


def test_every_released_record_is_still_published(real_db):
    """data/released/ is the last release: an agency id is a permanent URL, so none of its records may vanish."""
    db = sqlite_utils.Database(real_db)
    for table in schema.FACT_TABLES:
        key = schema.TABLES[table]["key"]
        with open(ROOT / "data" / "released" / f"{table}.csv", encoding="utf-8", newline="") as handle:
            released = {tuple(row[c] for c in key) for row in csv.DictReader(handle)}
        now = {tuple(row[c] for c in key) for row in db[table].rows}
        assert released <= now, table


def test_every_agency_has_coordinates_and_a_source(real_db):
    db = sqlite_utils.Database(real_db)
    unplaced = list(
        db.query(
            "select agency_id from agencies where latitude is null or longitude is null or location_precision is null"
        )
    )
    assert unplaced == []
    unsourced = list(
        db.query("select agency_id from agencies where agency_id not in (select agency_id from responses)")
    )
    assert unsourced == []
    assert list(db.query("select source_id from sources where url is null and document is null")) == []


def test_no_later_count_is_shown_as_part_of_the_leaked_data(real_db):
    db = sqlite_utils.Database(real_db)
    shown = list(
        db.query("""
        select agencies.agency_id, agencies.count_words from agencies join search_counts
          on search_counts.agency_id = agencies.agency_id
         and search_counts.source_id = agencies.search_count_source_id
        where search_counts.use_period != 'leaked'
          and (agencies.search_range != 'unknown' or agencies.count_words like '%February 2020'
               or agencies.count_words like '%BuzzFeed%')""")
    )
    assert [s for s in shown if not s["count_words"].endswith("after February 2020")] == []
    assert db.execute("select count(*) from search_counts where use_period = 'after'").fetchone()[0] > 0


def test_what_is_not_a_search_count_is_never_shown_as_one(real_db):
    db = sqlite_utils.Database(real_db)
    shown = db.execute(
        "select count(*) from agencies join search_counts on search_counts.agency_id = agencies.agency_id"
        " and search_counts.source_id = agencies.search_count_source_id where search_counts.measure != 'searches'"
    ).fetchone()[0]
    assert shown == 0
    assert db.execute("select count(*) from search_counts where measure != 'searches'").fetchone()[0] > 0


def test_an_agency_known_only_from_later_use_says_so(real_db):
    db = sqlite_utils.Database(real_db)
    for agency in db.query("select * from agency_shown where use_period = 'after'"):
        periods = {
            r["use_period"]
            for table in ("responses", "search_counts")
            for r in db.query(f"select use_period from {table} where agency_id = ?", [agency["agency_id"]])
        }
        # Every fact after: an undated fact may be about the leaked data.
        assert periods == {"after"} and agency["period_label"] == "Known only from use after February 2020"


def test_every_headline_quote_states_its_fact(real_db):
    """The shown response's sentence is its row's answer (or its evidence), the shown count's states its number."""
    db = sqlite_utils.Database(real_db)
    for agency in db.query(
        "select agency_shown.*, responses.evidence_quote, responses.response_evidence from agency_shown join responses"
        " on responses.agency_id = agency_shown.agency_id and responses.source_id = agency_shown.source_id"
    ):
        assert agency["response_quote"] == (agency["response_evidence"] or agency["evidence_quote"])
        if agency["search_count_source_id"]:
            count = db.execute(
                "select searches_reported, search_range, note, evidence_quote from search_counts"
                " where agency_id = ? and source_id = ?",
                [agency["agency_id"], agency["search_count_source_id"]],
            ).fetchone()
            assert agency["count_quote"] == count[3]
            assert count[2] or not evidence.unstated(count[0] or count[1], count[3]), agency["agency_id"]


def test_a_range_is_only_given_where_the_bounds_fit_inside_it(real_db):
    db = sqlite_utils.Database(real_db)
    misfits = list(
        db.query("""
        select c.agency_id, c.source_id from search_counts c join search_ranges r using (search_range)
        where c.search_range != 'unknown' and (
          c.searches_min < r.searches_min
          or (r.searches_max is not null and (c.searches_max is null or c.searches_max > r.searches_max)))""")
    )
    assert misfits == []


def test_schema_keys_and_indexes(real_db):
    db = sqlite_utils.Database(real_db)
    assert db["agencies"].pks == ["agency_id"]
    assert db["responses"].pks == ["agency_id", "source_id"]
    assert {(fk.column, fk.other_table) for fk in db["responses"].foreign_keys} == {
        ("agency_id", "agencies"),
        ("source_id", "sources"),
        ("response_status", "response_statuses"),
        ("use_period", "use_periods"),
    }
    assert {(fk.column, fk.other_table) for fk in db["agencies"].foreign_keys} >= {
        ("agency_type", "agency_types"),
        ("country", "countries"),
        ("search_range", "search_ranges"),
        ("response_status", "response_statuses"),
    }
    indexed = {tuple(index.columns) for index in db["agencies"].indexes}
    for column in ("agency_type", "country", "state_province", "search_range", "response_status"):
        assert (column,) in indexed
    assert db["agencies"].detect_fts() == "agencies_fts"
    assert db.execute("pragma foreign_key_check").fetchall() == []
    assert "agency_map" in db.view_names()


def test_tables_have_only_their_own_columns(real_db):
    db = sqlite_utils.Database(real_db)
    assert [c.name for c in db["response_statuses"].columns] == [
        "response_status",
        "label",
        "description",
        "precedence",
        "confirms_use",
        "symbol",
        "colour",
    ]
    assert [c.name for c in db["search_ranges"].columns] == [
        "search_range",
        "label",
        "searches_min",
        "searches_max",
        "sort_order",
        "seen_in_sources",
        "explanation",
    ]
    assert db["search_ranges"].columns_dict["sort_order"] is int


def test_rebuilding_in_another_process_gives_the_same_database(real_db, tmp_path):
    """Same CSVs, same schema and rows, whatever the interpreter's hash seed."""
    import subprocess
    import sys

    again = tmp_path / "clearview.db"
    subprocess.run(
        [sys.executable, str(ROOT / "build_db.py"), "--db", str(again)],
        check=True,
        capture_output=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    )
    dump = lambda path: [line for line in sqlite_utils.Database(path).conn.iterdump() if "sqlite_stat" not in line]  # noqa: E731
    assert dump(again) == dump(real_db)


def test_rebuilding_gives_the_same_ids(real_db, tmp_path):
    again = tmp_path / "clearview.db"
    build_db.build(ROOT / "data", again)
    ids = "select agency_id from agencies order by agency_id"
    assert list(sqlite_utils.Database(again).query(ids)) == list(sqlite_utils.Database(real_db).query(ids))


def test_no_published_fact_lacks_a_source(real_db):
    """Every response, count and total names a source that exists and says where it is; every agency has one."""
    db = sqlite_utils.Database(real_db)
    for table in ("responses", "search_counts", "published_totals"):
        orphans = db.execute(
            f"select count(*) from {table} left join sources using (source_id)"
            " where sources.source_id is null or (sources.url is null and sources.document is null)"
            " or evidence_quote is null"
        ).fetchone()[0]
        assert orphans == 0, table
    unsourced = db.execute(
        "select name from agencies where agency_id not in (select agency_id from responses)"
        " or (statement is not null and statement_source_id is null)"
        " or (searches_reported is not null and search_count_source_id is null)"
        " or (search_range != 'unknown' and search_count_source_id is null)"
    ).fetchall()
    assert unsourced == []
    facts = db.execute("select count(*) from source_facts").fetchone()[0]
    assert facts == db["responses"].count + db["search_counts"].count + db["published_totals"].count


def test_the_audits_status_corrections_hold(real_db):
    """corrections.md B, as data/README.md records them: the headline follows the rule, not the order of rows."""
    db = sqlite_utils.Database(real_db)
    headline = {
        r["agency_id"]: r["response_status"] for r in db.query("select agency_id, response_status from agencies")
    }
    assert headline["metropolitan-police-service"] == "declined"  # latest dated, over Metro's January FOI "No"
    assert headline["ministry-of-the-interior-france"] == "declined"  # the primary source, dated
    assert headline["hampton-police-division"] == headline["newport-news-police-department"] == "denied"
    assert headline["south-australia-police"] == "denied"
