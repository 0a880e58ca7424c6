"""Versioned data: `make release` records exactly what changed; the feed parses; ids and URLs are stable."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import sqlite_utils

import build_db
from scripts import release
from tests.conftest import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def unreleased_data(tmp_path) -> Path:
    """A copy of data/ as if nothing had been released yet."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("released"))
    for name in ("releases.csv", "changes.csv"):
        (data / name).write_text((ROOT / "data" / name).read_text().splitlines()[0] + "\n")
    return data


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def edit_agency_name(data: Path, agency_id: str, name: str) -> str:
    agencies = rows(data / "agencies.csv")
    row = next(r for r in agencies if r["agency_id"] == agency_id)
    old, row["name"] = row["name"], name
    with open(data / "agencies.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(agencies[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(agencies)
    return old


def test_second_release_records_exactly_the_one_changed_value(unreleased_data):
    first = release.release(unreleased_data, date="2026-01-05")
    assert first["version"] == "2026.01.05" and first["added"] > 0 and first["changed"] == 0
    old = edit_agency_name(unreleased_data, "timmins-police-service", "Timmins Police Service (renamed for a test)")
    second = release.release(unreleased_data, date="2026-01-05")
    assert second["version"] == "2026.01.05.2"
    changes = [c for c in rows(unreleased_data / "changes.csv") if c["version"] == "2026.01.05.2"]
    assert changes == [
        {
            "version": "2026.01.05.2",
            "table_name": "agencies",
            "record": "timmins-police-service",
            "change": "changed",
            "column_name": "name",
            "old_value": old,
            "new_value": "Timmins Police Service (renamed for a test)",
        }
    ]
    changelog = (unreleased_data / "CHANGELOG.md").read_text()
    assert changelog.index("## 2026.01.05.2") < changelog.index("## 2026.01.05 ")
    assert (
        f"agencies `timmins-police-service`: name “{old}” → “Timmins Police Service (renamed for a test)”" in changelog
    )
    db = unreleased_data.parent / "clearview.db"
    build_db.build(unreleased_data, db)
    assert [r["version"] for r in sqlite_utils.Database(db)["releases"].rows] == ["2026.01.05", "2026.01.05.2"]


def test_a_release_with_no_change_or_bad_data_is_refused(unreleased_data):
    release.release(unreleased_data, date="2026-01-05")
    with pytest.raises(SystemExit, match="nothing changed"):
        release.release(unreleased_data, date="2026-01-06")
    with open(unreleased_data / "responses.csv", "a", encoding="utf-8") as handle:
        handle.write("no-such-agency,archive-004,denied,,,,not_stated,x,,\n")
    script = subprocess.run(
        [sys.executable, "-m", "scripts.release", "--data", str(unreleased_data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert script.returncode == 1
    assert "data/responses.csv" in script.stderr and "agency_id" in script.stderr
    assert len(rows(unreleased_data / "releases.csv")) == 1


def test_published_data_has_a_release_and_its_snapshot(real_db):
    releases = list(sqlite_utils.Database(real_db)["releases"].rows)
    assert releases, "data/releases.csv has no release: run make release"
    for table in release.FACT_TABLES:  # the snapshot is the last release; changes since are listed next time
        assert (ROOT / "data" / "released" / f"{table}.csv").exists()


async def test_every_page_shows_the_data_release(real_site, real_db):
    latest = list(sqlite_utils.Database(real_db).query("select * from releases order by released, rowid"))[-1]
    for path in ("/", "/agency/toronto-police-service", "/clearview/agency_map", "/tallies", "/methodology"):
        html = (await real_site.client.get(path)).text
        assert f"Data release {latest['version']} ({latest['released']})" in html, path


async def test_atom_feed_of_releases_parses(real_site, real_db):
    response = await real_site.client.get("/clearview/release_changes.atom")
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == sqlite_utils.Database(real_db)["releases"].count
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("tag:clearview-usage-database,")
        assert entry.find(f"{ATOM}title").text.startswith("Data release ")
        assert entry.find(f"{ATOM}updated").text


def test_rebuilding_the_same_csvs_gives_the_same_ids_and_urls(tmp_path):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    build_db.build(ROOT / "data", first)
    build_db.build(ROOT / "data", second)
    query = "select rowid, agency_id, json_extract(popup, '$.link') as link from agency_map order by agency_id"
    assert list(sqlite_utils.Database(first).query(query)) == list(sqlite_utils.Database(second).query(query))
    links = [row["link"] for row in sqlite_utils.Database(first).query(query)]
    assert all(
        link == f"/agency/{row['agency_id']}"
        for link, row in zip(links, sqlite_utils.Database(first).query(query), strict=True)
    )


def test_a_new_column_is_recorded_as_a_change_for_every_record(tmp_path):
    previous, current = tmp_path / "released", tmp_path / "data"
    previous.mkdir()
    current.mkdir()
    (previous / "agencies.csv").write_text("agency_id,name\nsynthetic-a,Synthetic A\nsynthetic-b,Synthetic B\n")
    (current / "agencies.csv").write_text(
        "agency_id,name,aliases\nsynthetic-a,Synthetic A,SA\nsynthetic-b,Synthetic B,\n"
    )
    changes = release.changes_between(previous, current, "9.9.9")
    assert [(c["record"], c["column_name"], c["old_value"], c["new_value"]) for c in changes] == [
        ("synthetic-a", "aliases", "", "SA")
    ]


async def test_pages_built_from_unreleased_data_say_so_until_the_release(unreleased_data, tmp_path):
    from clearview.app import make_datasette
    from tests.conftest import page_text

    db = tmp_path / "site" / "clearview.db"
    db.parent.mkdir()
    made = release.release(unreleased_data, date="2026-01-05", db=db)
    said = page_text((await make_datasette(db).client.get("/methodology")).text)
    assert f"Data release {made['version']}" in said and "Unreleased changes" not in said
    edit_agency_name(unreleased_data, "timmins-police-service", "Timmins Police Service (renamed for a test)")
    build_db.build(unreleased_data, db)
    said = page_text((await make_datasette(db).client.get("/methodology")).text)
    assert f"Unreleased changes since release {made['version']}" in said
