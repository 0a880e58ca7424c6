"""The build on small synthetic data: what it derives, and that bad data changes nothing."""

import csv
import hashlib
import shutil

import pytest
import sqlite_utils

import build_db
from tests.conftest import synthetic_data, write_csv


def rows(db_path, sql):
    return [dict(row) for row in sqlite_utils.Database(db_path).query(sql)]


def test_every_synthetic_row_is_loaded(synthetic_db):
    db = sqlite_utils.Database(synthetic_db)
    assert {t: db[t].count for t in ("agencies", "sources", "responses", "search_counts")} == {
        "agencies": 3,
        "sources": 2,
        "responses": 4,
        "search_counts": 3,
    }


def test_headline_response_is_the_strongest_confirmation(synthetic_db):
    [agency] = rows(synthetic_db, "select * from agencies where agency_id = 'synthetic-timmins-police'")
    assert agency["response_status"] == "confirmed_use"
    assert agency["statement"] == "Synthetic statement."
    assert agency["source_count"] == 2


def test_stated_range_wins_over_open_bound_and_typed_label_is_normalised(synthetic_db):
    [agency] = rows(synthetic_db, "select * from agencies where agency_id = 'synthetic-timmins-police'")
    assert (agency["search_range"], agency["searches_min"], agency["searches_max"]) == ("101-500", 101, 500)
    counts = rows(
        synthetic_db,
        "select * from search_counts where source_id = 'synthetic-source-1' and agency_id = 'synthetic-timmins-police'",
    )
    assert counts[0]["search_range"] == "unknown"  # "more than 120" fits no single bucket


def test_counts_after_february_2020_are_never_the_headline(synthetic_db):
    [agency] = rows(synthetic_db, "select * from agencies where agency_id = 'synthetic-federal-agency'")
    assert agency["search_range"] == "unknown"
    [count] = rows(synthetic_db, "select * from search_counts where agency_id = 'synthetic-federal-agency'")
    assert (count["in_leaked_data"], count["search_range"]) == ("after", "11-50")


def test_manual_coordinates_win_and_others_are_geocoded(synthetic_db):
    located = {r["agency_id"]: r for r in rows(synthetic_db, "select * from agencies")}
    assert located["synthetic-manual-agency"]["location_precision"] == "manual"
    assert located["synthetic-manual-agency"]["latitude"] == 40.5
    assert located["synthetic-timmins-police"]["location_precision"] == "city"
    assert located["synthetic-federal-agency"]["location_precision"] == "country"


def checksum(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def data_and_db(tmp_path):
    data = synthetic_data(tmp_path / "data")
    db = tmp_path / "clearview.db"
    assert build_db.main(["--data", str(data), "--db", str(db)]) == 0
    return data, db


def test_bad_data_fails_with_file_line_column_value_and_fix_and_keeps_the_database(data_and_db, capsys):
    data, db = data_and_db
    before = checksum(db)
    text = (data / "responses.csv").read_text()
    (data / "responses.csv").write_text(text.replace(",denied\n", ",deneid\n"))
    capsys.readouterr()
    assert build_db.main(["--data", str(data), "--db", str(db)]) == 1
    error = capsys.readouterr().err
    assert "data/responses.csv:4, column 'response_status': not in data/response_statuses.csv" in error
    assert "(value 'deneid')" in error and "did you mean 'denied'?" in error
    assert checksum(db) == before
    assert not list(db.parent.glob(".building-*"))


@pytest.mark.parametrize(
    "table, edit, expected",
    [
        ("agencies", lambda r: r[0].update(country="Canda"), "column 'country': not an ISO 3166 country code"),
        ("agencies", lambda r: r[2].update(latitude="40.5", longitude="200.5"), "longitude outside -180..180"),
        ("agencies", lambda r: r[2].update(latitude="140.5", longitude="40.5"), "latitude and longitude look swapped"),
        ("agencies", lambda r: r.append(dict(r[0])), "duplicate of line 2"),
        ("responses", lambda r: r[0].update(agency_id="no-such-agency"), "not in data/agencies.csv"),
        ("responses", lambda r: r.pop(3), "agency has no source"),
        ("search_counts", lambda r: r[1].update(search_range="500-1000"), "not in data/search_ranges.csv"),
        ("sources", lambda r: r[0].update(published="25/08/2021"), "not a date"),
    ],
)
def test_validation_names_the_problem(data_and_db, capsys, table, edit, expected):
    data, db = data_and_db
    with open(data / f"{table}.csv", encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    edit(records)
    write_csv(data / f"{table}.csv", records)
    before = checksum(db)
    capsys.readouterr()
    assert build_db.main(["--data", str(data), "--db", str(db)]) == 1
    assert expected in capsys.readouterr().err
    assert checksum(db) == before


def test_a_misspelt_header_is_named_with_its_fix(data_and_db, capsys):
    data, db = data_and_db
    path = data / "agencies.csv"
    path.write_text(path.read_text().replace("agency_type", "agncy_type", 1))
    capsys.readouterr()
    assert build_db.main(["--data", str(data), "--db", str(db)]) == 1
    error = capsys.readouterr().err
    assert "data/agencies.csv:1, column 'agncy_type': unknown column. Fix: rename it to 'agency_type'" in error


def test_a_missing_file_is_named(data_and_db, capsys):
    data, db = data_and_db
    shutil.move(data / "sources.csv", data / "sources.bak")
    assert build_db.main(["--data", str(data), "--db", str(db)]) == 1
    assert "data/sources.csv:0: file is missing" in capsys.readouterr().err
