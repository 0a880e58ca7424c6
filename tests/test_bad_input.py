"""The bad-input battery: each case is a small synthetic data set with one fault.

Every case ends one of two ways: a documented normalisation, after which every row of every file is loaded; or
a failed build that names file, line, column, value and fix, exits non-zero and leaves the previous database
byte for byte. A failed build loads nothing, so no row is ever dropped silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlite_utils

import build_db
from clearview import build
from tests.conftest import synthetic_data

FACT_FILES = ("agencies", "sources", "responses", "search_counts", "published_totals")


def edit_text(name: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / f"{name}.csv"
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")

    return edit


def replace(name: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def change(text: str) -> str:
        assert old in text, f"{old!r} not in {name}.csv"
        return text.replace(old, new, count)

    return edit_text(name, change)


def append(name: str, line: str) -> Callable[[Path], None]:
    return edit_text(name, lambda text: text + line + "\n")


def encode(name: str, encoding: str, change: Callable[[str], str] = lambda t: t) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / f"{name}.csv"
        path.write_bytes(change(path.read_text(encoding="utf-8")).encode(encoding))

    return edit


def header_only(name: str) -> Callable[[Path], None]:
    return edit_text(name, lambda text: text.splitlines()[0] + "\n")


def after_release(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    """The edits, made after the data was released (its files copied to released/, as `make release` does)."""

    def edit(folder: Path) -> None:
        (folder / "released").mkdir()
        for name in FACT_FILES:
            shutil.copy(folder / f"{name}.csv", folder / "released" / f"{name}.csv")
        for one in edits:
            one(folder)

    return edit


def every_file(change: Callable[[str], str]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        for path in folder.glob("*.csv"):
            path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")

    return edit


TIMMINS = "synthetic-timmins-police,Synthetic Timmins Police (test data)"
MANUAL_COORDINATES = "40.5,-75.25"
LONG = "x" * 20_000


@dataclass
class Case:
    id: str
    edit: Callable[[Path], None]
    # None: normalised and loaded; else (file, line, column, words of the message)
    error: tuple[str, int, str, str] | None = None
    check: Callable[[sqlite_utils.Database], None] | None = None


def name_of(agency_id: str) -> Callable[[sqlite_utils.Database], str]:
    return lambda db: db["agencies"].get(agency_id)["name"]


CASES = [
    # Normalised: the row is kept, as data/README.md documents.
    Case("utf8-bom", encode("agencies", "utf-8-sig")),
    Case("utf16", encode("agencies", "utf-16")),
    Case("crlf", every_file(lambda text: text.replace("\n", "\r\n"))),
    Case("mixed-line-endings", edit_text("agencies", lambda text: text.replace("\n", "\r\n", 2))),
    Case("blank-lines", edit_text("responses", lambda text: text.replace("\n", "\n\n"))),
    Case("whitespace-only-lines", edit_text("responses", lambda text: text.replace("\n", "\n   \n , ,  ,\n", 1))),
    Case(
        "padded-values",
        replace("agencies", TIMMINS, "  synthetic-timmins-police ,  Synthetic   Timmins Police (test data)  "),
        check=lambda db: (
            db["agencies"].get("synthetic-timmins-police")["name"] == "Synthetic Timmins Police (test data)"
        ),
    ),
    Case(
        "control-characters",
        replace("agencies", "Synthetic Timmins Police", "Synthetic\x07 Timmins\x00 Police"),
        check=lambda db: name_of("synthetic-timmins-police")(db) == "Synthetic Timmins Police (test data)",
    ),
    Case(
        "status-written-as-label",
        replace("responses", ",denied,", ",Denied ,"),
        check=lambda db: db["agencies"].get("synthetic-federal-agency")["response_status"] == "denied",
    ),
    Case(
        "range-written-out",
        replace("search_counts", "101 to 500", "101 - 500"),
        check=lambda db: db["agencies"].get("synthetic-timmins-police")["search_range"] == "101-500",
    ),
    Case(
        "date-with-slashes",
        replace("sources", "2021-08-25", "2021/8/25"),
        check=lambda db: db["sources"].get("synthetic-source-1")["published"] == "2021-08-25",
    ),
    Case(
        "state-as-code",
        replace("agencies", ",Timmins,,ON,", ",Timmins,,ON,"),
        check=lambda db: db["agencies"].get("synthetic-timmins-police")["state_province"] == "Ontario",
    ),
    Case(
        "html-and-script-kept-as-text",
        replace("agencies", "Synthetic Timmins Police (test data)", '"<script>alert(1)</script> <b>Police</b>"'),
        check=lambda db: name_of("synthetic-timmins-police")(db) == "<script>alert(1)</script> <b>Police</b>",
    ),
    Case(
        "quoted-comma",
        replace("agencies", "Synthetic Timmins Police (test data)", '"Synthetic Police, Timmins (test data)"'),
        check=lambda db: name_of("synthetic-timmins-police")(db) == "Synthetic Police, Timmins (test data)",
    ),
    Case("header-only-counts", header_only("search_counts"), check=lambda db: db["search_counts"].count == 0),
    Case("header-only-totals", header_only("published_totals"), check=lambda db: db["published_totals"].count == 0),
    Case("long-quote-within-limit", replace("responses", ",synthetic,,\n", "," + "y" * 9_000 + ",,\n")),
    # Refused: the build names the problem and changes nothing.
    Case(
        "missing-column",
        replace("agencies", "agency_id,name,aliases,", "agency_id,name,"),
        ("data/agencies.csv", 1, "aliases", "column is missing"),
    ),
    Case(
        "extra-column",
        replace("agencies", "location_note\n", "location_note,notes\n"),
        ("data/agencies.csv", 1, "notes", "unknown column"),
    ),
    Case(
        "misspelt-header",
        replace("agencies", "agency_id,", "agncy_id,"),
        ("data/agencies.csv", 1, "agncy_id", "rename it to 'agency_id'"),
    ),
    Case("empty-file", edit_text("sources", lambda text: ""), ("data/sources.csv", 1, "", "file is empty")),
    Case(
        "missing-file",
        lambda folder: (folder / "responses.csv").unlink(),
        ("data/responses.csv", 0, "", "file is missing"),  # line 0: the file as a whole
    ),
    Case(
        "latin-1",
        encode("agencies", "latin-1", lambda t: t.replace("(test data)", "(données de test)")),
        ("data/agencies.csv", 2, "", "not UTF-8"),
    ),
    Case(
        "unbalanced-quote",
        append("sources", 'synthetic-source-3,"https://example.org/x,,t,p,2020'),
        ("data/sources.csv", 4, "", "not valid CSV"),
    ),
    Case(
        "too-many-fields",
        append("sources", "synthetic-source-3,https://example.org/3,,Title, with comma,p,2020,en"),
        ("data/sources.csv", 4, "", "row has 8 fields, header has 7"),
    ),
    Case(
        "too-few-fields",
        append("sources", "synthetic-source-3,https://example.org/3"),
        ("data/sources.csv", 4, "", "fill in the missing values"),
    ),
    Case(
        "duplicate-id",
        append("sources", "synthetic-source-1,https://example.org/again,,,,,"),
        ("data/sources.csv", 4, "source_id", "duplicate of line 2"),
    ),
    Case(
        "same-agency-two-spellings",
        append(
            "agencies",
            "synthetic-timmins-police-2,SYNTHETIC TIMMINS POLICE – test data,,police_department,Timmins,,ON,CA,,,",
        ),
        ("data/agencies.csv", 5, "name", "looks like the agency on line 2"),
    ),
    Case(
        "unknown-range",
        replace("search_counts", "101 to 500", "lots"),
        ("data/search_counts.csv", 3, "search_range", "not in data/search_ranges.csv"),
    ),
    Case(
        "unknown-status",
        replace("responses", ",denied,", ",denyed,"),
        ("data/responses.csv", 4, "response_status", "did you mean 'denied'?"),
    ),
    Case(
        "response-for-unknown-agency",
        append("responses", "synthetic-nobody,synthetic-source-1,denied,,,,not_stated,x,,"),
        ("data/responses.csv", 6, "agency_id", "not in data/agencies.csv"),
    ),
    Case(
        "unknown-source",
        replace("responses", "synthetic-source-2,confirmed_use", "synthetic-source-9,confirmed_use"),
        ("data/responses.csv", 3, "source_id", "did you mean"),
    ),
    Case(
        "latitude-out-of-range",
        replace("agencies", MANUAL_COORDINATES, "95.5,-75.25"),
        ("data/agencies.csv", 4, "latitude", "latitude outside -90..90"),
    ),
    Case(
        "coordinates-swapped",
        replace("agencies", MANUAL_COORDINATES, "-120.5,40.5"),
        ("data/agencies.csv", 4, "latitude", "look swapped"),
    ),
    Case(
        "one-coordinate",
        replace("agencies", MANUAL_COORDINATES, "40.5,"),
        ("data/agencies.csv", 4, "longitude", "only one coordinate"),
    ),
    Case(
        "coordinates-not-numbers",
        replace("agencies", MANUAL_COORDINATES, "40°30′N,75°15′W"),
        ("data/agencies.csv", 4, "latitude", "not numbers"),
    ),
    Case(
        "place-the-gazetteer-does-not-know",
        replace("agencies", ",Timmins,", ",Xyzzyville,"),
        ("data/agencies.csv", 2, "city", "no place of that name"),
    ),
    Case(
        "date-in-another-format",
        replace("sources", "2021-08-25", "25 August 2021"),
        ("data/sources.csv", 2, "published", "not a date"),
    ),
    Case(
        "very-long-value",
        replace("responses", ",synthetic,,\n", f",{LONG},,\n"),
        ("data/responses.csv", 2, "evidence_quote", "20,000 characters long"),
    ),
    Case(
        "formula-in-name",
        replace("agencies", "Synthetic Timmins Police (test data)", '"=HYPERLINK(""http://evil.example"",""click"")"'),
        ("data/agencies.csv", 2, "name", "spreadsheet formula"),
    ),
    Case(
        "formula-in-quote",
        replace("responses", "Synthetic statement.", "@SUM(1+1)*cmd|' /C calc'!A0"),
        ("data/responses.csv", 3, "statement", "spreadsheet formula"),
    ),
    Case(
        "required-value-missing",
        replace("agencies", "Synthetic Federal Agency (test data)", ""),
        ("data/agencies.csv", 3, "name", "value is missing"),
    ),
    Case(
        "bad-country-code",
        replace("agencies", ",AU,", ",XX,"),
        ("data/agencies.csv", 3, "country", "not an ISO 3166 country code"),
    ),
    Case(
        "state-not-in-country",
        replace("agencies", ",Timmins,,ON,", ",Timmins,,Texas,"),
        ("data/agencies.csv", 2, "state_province", "not a state or province of CA"),
    ),
    Case(
        "agency-without-source",
        append("agencies", "synthetic-lonely,Synthetic Lonely Agency,,other,,,,AU,,,"),
        ("data/agencies.csv", 5, "agency_id", "agency has no source"),
    ),
    # The editors' safety gaps (issue 12): each refused with a message that says what to do.
    Case(
        "evidence-empty",
        replace("responses", "Synthetic statement.,,,not_stated,synthetic", "Synthetic statement.,,,not_stated,"),
        ("data/responses.csv", 3, "evidence_quote", "copy the source's own words"),
    ),
    Case(
        "count-evidence-empty",
        replace("search_counts", "2020-02,,synthetic: more than 120 searches,\n", "2020-02,,,\n"),
        ("data/search_counts.csv", 2, "evidence_quote", "value is missing"),
    ),
    Case(
        "count-not-stated-by-its-evidence",
        replace("search_counts", "synthetic: 101-500", "synthetic: a sentence with no number"),
        ("data/search_counts.csv", 3, "evidence_quote", "does not state the count's '101'"),
    ),
    Case(
        "count-stated-where-the-note-says",
        replace(
            "search_counts",
            "101-500,searches,2018,2020-02,,synthetic: 101-500",
            "101-500,searches,2018,2020-02,in the source's table,synthetic: a sentence with no number",
        ),
        check=lambda db: db["search_counts"].count == 3,
    ),
    Case(
        "new-agency-id-is-not-matched-to-a-look-alike",
        append("responses", "synthetic-kapuskasing-police,synthetic-source-1,denied,,,,not_stated,synthetic,,"),
        ("data/responses.csv", 6, "agency_id", "add it to data/agencies.csv first"),
    ),
    Case(
        "agency-id-not-a-slug",
        every_file(lambda text: text.replace("synthetic-federal-agency", "Synthetic Federal_Agency")),
        ("data/agencies.csv", 3, "agency_id", "write 'synthetic-federal-agency'"),
    ),
    Case(
        "unknown-county-with-a-known-town",
        replace("agencies", ",Timmins,,ON,", ",Timmins,Xyzzy County,ON,"),
        ("data/agencies.csv", 2, "county", "no place of that name"),
    ),
    Case(
        "source-no-fact-cites",
        append("sources", "synthetic-source-3,https://example.org/3,,,,,"),
        ("data/sources.csv", 4, "source_id", "no fact cites this source"),
    ),
    Case(
        "language-not-a-code",
        replace("sources", "example.org,2021-08-25,", "example.org,2021-08-25,English"),
        ("data/sources.csv", 2, "language", "not a language code"),
    ),
    Case(
        "formula-with-a-leading-dash",
        replace("responses", "Synthetic statement.", "-2+3+cmd|' /C calc'!A0"),
        ("data/responses.csv", 3, "statement", "spreadsheet formula"),
    ),
    Case(
        "impossible-date",
        replace("sources", "2021-08-25", "2021-02-31"),
        ("data/sources.csv", 2, "published", "not a date"),
    ),
    Case(
        "same-agency-with-an-abbreviation",
        lambda folder: (
            append(
                "agencies", "synthetic-timmins-tps,Synthetic Timmins Police (TPS),,police_department,Timmins,,ON,CA,,,"
            )(folder),
            append("responses", "synthetic-timmins-tps,synthetic-source-1,unknown,,,,not_stated,synthetic,,")(folder),
        ),
        ("data/agencies.csv", 5, "name", "looks like the agency on line 2"),
    ),
    Case(
        "file-cut-mid-row",
        edit_text("responses", lambda text: text[: -len("synthetic,,\n")]),
        ("data/responses.csv", 5, "", "ends in the middle of a line"),
    ),
    Case(
        "rows-cut-since-the-release",
        after_release(edit_text("search_counts", lambda text: "".join(text.splitlines(keepends=True)[:2]))),
        ("data/search_counts.csv", 0, "agency_id, source_id", "now missing"),
    ),
    Case(
        "file-emptied-since-the-release",
        after_release(header_only("search_counts")),
        ("data/search_counts.csv", 0, "agency_id, source_id", "now missing"),
    ),
    Case(
        "agency-id-changed-since-the-release",
        after_release(every_file(lambda text: text.replace("synthetic-federal-agency", "synthetic-federal-agency-2"))),
        ("data/agencies.csv", 0, "agency_id", "keep 'synthetic-federal-agency'"),
    ),
    Case(
        "count-not-a-number",
        replace("search_counts", ",121,", ",121+,"),
        ("data/search_counts.csv", 2, "searches_min", "not a whole number"),
    ),
]


def data_rows(path: Path) -> int:
    """Records with any non-blank value: what 'rows in' means (blank lines are not rows)."""
    text = build_db.decode(path.read_bytes())
    return sum(1 for record in list(csv.reader(io.StringIO(text, newline="")))[1:] if any(c.strip() for c in record))


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def previous_db(synthetic_db: Path) -> Path:
    """The last good database, as each bad build finds it: conftest's synthetic build."""
    return synthetic_db


def test_the_battery_has_at_least_30_cases():
    assert len(CASES) >= 30
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, previous_db: Path, tmp_path: Path, capsys):
    data = synthetic_data(tmp_path / "data")
    case.edit(data)
    db = tmp_path / "clearview.db"
    db.write_bytes(previous_db.read_bytes())
    before = checksum(db)
    status = build_db.main(["--data", str(data), "--db", str(db)])
    err = capsys.readouterr().err
    if case.error is None:
        assert status == 0, err
        loaded = sqlite_utils.Database(db)
        for name in FACT_FILES:
            assert loaded[name].count == data_rows(data / f"{name}.csv"), f"rows lost from {name}"
        if case.check:
            assert case.check(loaded)
    else:
        file, line, column, words = case.error
        assert status == 1
        assert checksum(db) == before, "a failed build changed the database"
        assert not list(tmp_path.glob(".building-*")), "a failed build left its temporary file"
        where = f"{file}:{line}" if line else file
        at_line = [p for p in err.splitlines() if p.startswith((f"{where}:", f"{where},"))]
        assert at_line, f"no problem reported at {file}:{line}:\n{err}"
        problem = next((p for p in at_line if words in p), at_line[0])
        if column:
            assert f"column '{column}'" in problem
        assert words in problem and "Fix: " in problem
        assert "was not changed" in err


@pytest.mark.slow
def test_a_100000_row_file_builds_with_every_row(tmp_path):
    data = synthetic_data(tmp_path / "data")
    agency = "synthetic-bulk-{n},Synthetic Bulk Agency {n} (test data),,other,,,,US,{lat},{lon},synthetic point\n"
    response = "synthetic-bulk-{n},synthetic-source-1,no_response,,,,not_stated,synthetic,,\n"
    with (
        open(data / "agencies.csv", "a", encoding="utf-8") as agencies,
        open(data / "responses.csv", "a", encoding="utf-8") as responses,
    ):
        for n in range(100_000):
            agencies.write(agency.format(n=n, lat=30 + n % 1000 / 100, lon=-100 + n // 1000 / 10))
            responses.write(response.format(n=n))
    db = tmp_path / "clearview.db"
    counts = build_db.build(data, db)
    assert counts["agencies"] == data_rows(data / "agencies.csv") == 100_003
    assert sqlite_utils.Database(db)["agencies"].count == 100_003
    assert sqlite_utils.Database(db)["responses"].count == data_rows(data / "responses.csv")


def test_the_build_command_exits_non_zero_and_keeps_the_database(previous_db, tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    data = synthetic_data(tmp_path / "data")
    replace("sources", "2021-08-25", "25 August 2021")(data)
    db = tmp_path / "clearview.db"
    db.write_bytes(previous_db.read_bytes())
    before = checksum(db)
    run = subprocess.run(
        [sys.executable, "build_db.py", "--data", str(data), "--db", str(db)], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "data/sources.csv:2, column 'published': not a date" in run.stderr
    assert checksum(db) == before


def test_a_new_agency_id_is_never_offered_a_look_alike(tmp_path, capsys):
    data = synthetic_data(tmp_path / "data")
    append("responses", "synthetic-timmins-police-north,synthetic-source-1,denied,,,,not_stated,synthetic,,")(data)
    assert build_db.main(["--data", str(data), "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert "add it to data/agencies.csv first" in err and "did you mean" not in err


def test_a_removal_the_editor_allows_builds_and_is_listed(tmp_path, capsys):
    data = synthetic_data(tmp_path / "data")
    after_release(header_only("search_counts"))(data)
    assert build_db.main(["--data", str(data), "--db", str(tmp_path / "x.db"), "--allow-removed"]) == 0
    err = capsys.readouterr().err
    assert err.count("note: data/search_counts.csv:") == 3 and "is removed" in err


def test_the_checks_across_rows_see_every_chunk(tmp_path, monkeypatch, capsys):
    """The large files are read a chunk at a time: a build in chunks of two rows gives the same database, and a
    duplicate, a look-alike and a missing agency are found across chunks."""
    data = synthetic_data(tmp_path / "data")
    whole, chunked = tmp_path / "whole.db", tmp_path / "chunked.db"
    build_db.build(data, whole)
    monkeypatch.setattr(build, "CHUNK", 2)
    build_db.build(data, chunked)
    dump = lambda path: list(sqlite3.connect(path).iterdump())  # noqa: E731
    assert dump(chunked) == dump(whole)

    lines = data_rows(data / "agencies.csv") + 1  # the header, then a line a row
    append("agencies", "synthetic-timmins-police,Synthetic Copy (test data),,other,,,,US,40,-75,synthetic point")(data)
    append("agencies", "synthetic-look-alike,Synthetic Federal Agency (test data),,other,,,,AU,-35,149,synthetic")(data)
    append("responses", "synthetic-look-alike,synthetic-source-1,no_response,,,,not_stated,synthetic,,")(data)
    append("responses", "synthetic-nowhere,synthetic-source-1,no_response,,,,not_stated,synthetic,,")(data)
    assert build_db.main(["--data", str(data), "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert f"data/agencies.csv:{lines + 1}, column 'agency_id': " in err and "duplicate of line 2" in err
    assert f"data/agencies.csv:{lines + 2}, column 'name'" in err and "looks like the agency on line 3" in err
    assert "column 'agency_id': not in data/agencies.csv (value 'synthetic-nowhere')" in err


def test_a_linked_or_special_data_file_is_refused_unread(previous_db, tmp_path, capsys):
    import os

    data = synthetic_data(tmp_path / "data")
    secret = tmp_path / "secret.csv"
    secret.write_text("SECRET-FIRST-LINE\n")
    (data / "sources.csv").unlink()
    (data / "sources.csv").symlink_to(secret)
    with pytest.raises(build_db.BuildError) as raised:
        build_db.build(data, tmp_path / "clearview.db")
    said = "\n".join(str(problem) for problem in raised.value.problems)
    assert "data/sources.csv" in said and "link" in said and "SECRET" not in said + capsys.readouterr().err
    (data / "sources.csv").unlink()
    os.mkfifo(data / "sources.csv")  # a pipe would never end: refused unread too
    with pytest.raises(build_db.BuildError):
        build_db.build(data, tmp_path / "clearview.db")


def test_a_read_only_folder_gets_the_folder_and_the_fix_not_a_traceback(previous_db, tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    if os.geteuid() == 0:  # root writes through a read-only mode: a file in the folder's way stands for it
        out = tmp_path / "out"
        out.write_text("not a folder")
        db = out / "clearview.db"
    else:
        out = tmp_path / "out"
        out.mkdir()
        out.chmod(0o500)
        db = out / "clearview.db"
    run = subprocess.run(
        [sys.executable, "build_db.py", "--data", str(ROOT / "data"), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "build failed: could not write" in run.stderr and str(out) in run.stderr and "writable" in run.stderr


def test_problems_with_several_files_come_in_the_files_order(tmp_path):
    """The agencies' file is read in a second process, beside the others: its problems still come between the
    sources' and the responses', as reading the files one after another gives them."""
    data = synthetic_data(tmp_path / "data")
    (data / "sources.csv").write_text("", encoding="utf-8")
    (data / "agencies.csv").unlink()
    (data / "responses.csv").unlink()
    with pytest.raises(build.BuildError) as refused:
        build_db.build(data, tmp_path / "clearview.db")
    files = [problem.file for problem in refused.value.problems]
    assert files == ["data/sources.csv", "data/agencies.csv", "data/responses.csv"], files


def test_places_unknown_in_both_halves_of_the_agencies_are_all_reported(tmp_path):
    """The agencies are summarised in two halves by agency_id, the second in a second process: a place the gazetteer
    does not know is reported from either."""
    data = synthetic_data(tmp_path / "data")
    replace("agencies", ",Timmins,", ",Xyzzyville,")(data)
    replace("agencies", "federal_national_agency,,", "federal_national_agency,Plughville,")(data)
    with pytest.raises(build.BuildError) as refused:
        build_db.build(data, tmp_path / "clearview.db")
    found = [(problem.line, problem.value) for problem in refused.value.problems]
    assert found == [(2, "Xyzzyville"), (3, "Plughville")], found
