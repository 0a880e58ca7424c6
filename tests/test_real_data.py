"""The published database against ../shared/research: every row accounted for, nothing unsourced."""

import csv

import sqlite_utils

import build_db
from clearview.normalise import clean_text
from tests.conftest import RESEARCH, ROOT


def agency_for(name, agencies):
    """The research spells an agency 'Name' or 'Name (alias, alias)'."""
    matches = [a for a in agencies if name == a["name"] or name.startswith(a["name"] + " (")]
    assert len(matches) == 1, f"{name!r} matches {len(matches)} agencies"
    return matches[0]


def source_for(url, sources):
    matches = [s for s in sources if s["url"] == url or (s["document"] and url == "seed:" + s["document"])]
    assert len(matches) == 1, f"{url!r} matches {len(matches)} sources"
    return matches[0]


def test_every_research_row_is_a_response_row_with_the_same_facts(real_db, research_rows):
    db = sqlite_utils.Database(real_db)
    agencies, sources = list(db["agencies"].rows), list(db["sources"].rows)
    responses = {(r["agency_id"], r["source_id"]): r for r in db["responses"].rows}
    assert len(responses) == len(research_rows)
    for row in research_rows:
        key = (
            agency_for(row["agency_name"], agencies)["agency_id"],
            source_for(row["source_url"], sources)["source_id"],
        )
        response = responses[key]
        assert response["response_status"] == row["response_category"], key
        assert (response["statement"] or "") == clean_text(row["response_quote"]), key
        assert (response["evidence_quote"] or "") == clean_text(row["evidence_quote"]), key


def test_every_count_in_the_research_is_kept_in_its_own_words(real_db, research_rows):
    db = sqlite_utils.Database(real_db)
    agencies, sources = list(db["agencies"].rows), list(db["sources"].rows)
    counts = {(r["agency_id"], r["source_id"]): r for r in db["search_counts"].rows}
    with_count = [r for r in research_rows if r["search_range_label"] or r["searches_reported_text"]]
    assert len(counts) == len(with_count)
    for row in with_count:
        key = (
            agency_for(row["agency_name"], agencies)["agency_id"],
            source_for(row["source_url"], sources)["source_id"],
        )
        assert (counts[key]["searches_reported"] or "") == clean_text(row["searches_reported_text"]), key


def test_every_research_agency_is_listed_once(real_db, research_rows):
    db = sqlite_utils.Database(real_db)
    agencies = list(db["agencies"].rows)
    listed = {agency_for(row["agency_name"], agencies)["agency_id"] for row in research_rows}
    assert listed == {a["agency_id"] for a in agencies}


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


def test_no_count_after_february_2020_is_a_headline(real_db):
    db = sqlite_utils.Database(real_db)
    shown = list(
        db.query("""
        select agencies.agency_id from agencies join search_counts
          on search_counts.agency_id = agencies.agency_id
         and search_counts.source_id = agencies.search_count_source_id
        where search_counts.in_leaked_data = 'after'""")
    )
    assert shown == []
    assert db.execute("select count(*) from search_counts where in_leaked_data = 'after'").fetchone()[0] > 0


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


def test_published_totals_match_the_research_row_by_row(real_db):
    with open(RESEARCH / "published_totals.csv", encoding="utf-8", newline="") as handle:
        research = list(csv.DictReader(handle))
    loaded = list(sqlite_utils.Database(real_db).query("select * from published_totals join sources using (source_id)"))
    assert len(loaded) == len(research)
    for row, total in zip(research, loaded, strict=True):
        assert row["measure"].startswith(total["measure"])
        assert row["value"] == total["value_reported"]
        assert row["evidence_quote"] == total["evidence_quote"]
        assert row["source_url"] in (total["url"], "seed:" + (total["document"] or ""))
        if row["value"].isdigit():
            assert total["value"] == int(row["value"])


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
