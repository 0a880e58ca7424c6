"""`make add`: facts in the research's columns go into data/ with one command, or nothing does.

The facts here are synthetic (example.org sources, "(test data)" names), applied to conftest's synthetic data set.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlite_utils

import build_db
from clearview import add, ids
from tests.conftest import ROOT, synthetic_data, write_csv

NEW_AGENCY = {
    "agency_name": "Synthetic Thunder Bay Police Service (SCPS)",
    "agency_type": "police",
    "city": "Thunder Bay",
    "state": "ON",
    "country": "Canada",
    "response_category": "confirmed_use",
    "source_title": "Synthetic report",
    "source_date": "2021-03-01",
}


def facts_file(folder: Path, rows: list[dict]) -> Path:
    path = folder / "facts.csv"
    write_csv(path, [dict.fromkeys(add.COLUMNS, "") | row for row in rows])
    return path


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_add(capsys):
    """`make add FILE=...` in this process (the gazetteer read once); test_one_fact_from_the_command_line runs the
    command itself."""

    def run(facts: Path, data: Path, db: Path) -> Run:
        code = add.main([str(facts), "--data", str(data), "--db", str(db)])
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def data(tmp_path) -> Path:
    return synthetic_data(tmp_path / "data")


def test_a_new_agency_with_two_sources_goes_in_with_one_command(data, tmp_path, run_add):
    facts = facts_file(
        tmp_path,
        [
            NEW_AGENCY | {"source_url": "https://example.org/a", "evidence_quote": "synthetic: it used the app"},
            NEW_AGENCY
            | {
                "source_url": "https://example.org/b",
                "searches_reported_text": "more than 20 searches",
                "searches_min": "21",
                "evidence_quote": "synthetic: more than 20 searches",
            },
        ],
    )
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 0, run.stderr
    assert "http://127.0.0.1:8001/agency/synthetic-thunder-bay-police-service" in run.stdout
    db = sqlite_utils.Database(tmp_path / "clearview.db")
    agency = db["agencies"].get("synthetic-thunder-bay-police-service")
    assert (agency["aliases"], agency["state_province"], agency["agency_type"]) == (
        "SCPS",
        "Ontario",
        "police_department",
    )
    assert agency["source_count"] == 2
    assert db["sources"].get(ids.source_id("https://example.org/a"))["publisher"] == "example.org"
    assert db["search_counts"].get(("synthetic-thunder-bay-police-service", ids.source_id("https://example.org/b")))


def test_a_row_for_a_known_agency_and_source_corrects_it(data, tmp_path, run_add):
    facts = facts_file(
        tmp_path,
        [
            {
                "agency_name": "Synthetic Federal Agency",  # matched by name without "(test data)", in its country
                "country": "AU",
                "source_url": "https://example.org/synthetic-1",
                "response_category": "declined",
                "evidence_quote": "synthetic: it would not say",
            }
        ],
    )
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 0, run.stderr
    assert "changed response synthetic-federal-agency / synthetic-source-1: response_status 'denied' -> 'declined'" in (
        run.stdout
    )
    [response] = [r for r in rows(data / "responses.csv") if r["agency_id"] == "synthetic-federal-agency"]
    assert (response["response_status"], response["evidence_quote"]) == ("declined", "synthetic: it would not say")
    assert len(rows(data / "agencies.csv")) == 3


def test_an_ambiguous_agency_is_refused_with_its_candidates(data, tmp_path, run_add):
    agencies = rows(data / "agencies.csv")
    agencies.append(agencies[0] | {"agency_id": "synthetic-timmins-police-2", "state_province": "Québec", "city": ""})
    write_csv(data / "agencies.csv", agencies)
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    facts = facts_file(
        tmp_path,
        [
            {
                "agency_name": "Synthetic Timmins Police",
                "country": "CA",
                "source_url": "https://example.org/c",
                "evidence_quote": "synthetic",
            }
        ],
    )
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 1
    assert "facts.csv:2, column 'agency_name': 'Synthetic Timmins Police' could be any of" in run.stderr
    assert "synthetic-timmins-police," in run.stderr and "synthetic-timmins-police-2," in run.stderr
    assert "Fix: write the agency_id" in run.stderr and "nothing was added" in run.stderr
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before


def test_a_fact_the_build_refuses_leaves_data_as_it_was(data, tmp_path, run_add):
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    facts = facts_file(
        tmp_path,
        [
            NEW_AGENCY
            | {"source_url": "https://example.org/d", "evidence_quote": "synthetic"}
            | {"source_date": "2019-05-01", "use_period": "after"}
        ],
    )
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 1
    # The build's refusal, told at the editor's row and column, not at a line of data/ that is not there.
    assert "facts.csv:2, column 'use_period': " in run.stderr and "data/responses.csv" not in run.stderr
    assert "data/ is as it was" in run.stderr
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before
    assert not (tmp_path / "clearview.db").exists()


def test_a_fact_without_the_sources_words_is_refused(data, tmp_path, run_add):
    facts = facts_file(tmp_path, [NEW_AGENCY | {"source_url": "https://example.org/e"}])
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 1
    assert "facts.csv:2, column 'evidence_quote': missing. Fix: every fact needs" in run.stderr


def test_one_fact_from_the_command_line(data, tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "clearview.add", "--data", str(data), "--db", str(tmp_path / "x.db")]
        + ["--agency-name", "Synthetic Moosonee Police (test data)", "--agency-type", "police", "--city", "Moosonee"]
        + ["--state", "Ontario", "--country", "CA", "--source-url", "https://example.org/f"]
        + ["--evidence-quote", "synthetic"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "/agency/synthetic-moosonee-police" in run.stdout


def test_the_id_rules_data_readme_documents():
    assert ids.agency_id("Stadtpolizei Zürich") == "stadtpolizei-zurich"
    assert ids.agency_id("Ada County Sheriff's Office") == "ada-county-sheriff-s-office"
    assert ids.agency_id("Toronto Police Service (TPS)") == "toronto-police-service"
    assert (
        ids.source_id("https://www.cbc.ca/news/x")
        == "cbc-ca-" + __import__("hashlib").sha1(b"https://www.cbc.ca/news/x").hexdigest()[:6]
    )
    assert ids.source_id("seed:004_c51c8d9a06e6193c.txt") == "archive-004"
    assert ids.split_name("Senado Federal (Federal Senate Police, Brazil)") == (
        "Senado Federal",
        ["Federal Senate Police"],
    )


def added(data: Path, table: str) -> list[dict]:
    return rows(data / f"{table}.csv")


def test_a_windows_1252_file_is_read_and_the_editor_told(data, tmp_path, run_add):
    facts = facts_file(tmp_path, [NEW_AGENCY | {"source_url": "https://example.org/w", "evidence_quote": "Zürich’s"}])
    facts.write_bytes(facts.read_text(encoding="utf-8").encode("cp1252"))
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 0, run.stderr
    assert "facts.csv is not UTF-8: read as Windows-1252 (first at line 2)" in run.stdout
    assert any(r["evidence_quote"] == "Zürich’s" for r in added(data, "responses"))


def test_a_file_in_no_known_encoding_is_refused_at_its_line(data, tmp_path, run_add):
    facts = facts_file(tmp_path, [NEW_AGENCY | {"source_url": "https://example.org/w", "evidence_quote": "x"}])
    facts.write_bytes(facts.read_bytes() + b"bad \x81 byte\n")
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 1 and "facts.csv:3: the file is not UTF-8 (byte 0x81)" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_source_is_found_by_its_canonical_address_and_new_ones_stored_so(data, tmp_path, run_add):
    facts = facts_file(
        tmp_path,
        [
            NEW_AGENCY | {"source_url": "HTTPS://Example.org/synthetic-1/?utm_source=feed&fbclid=1#top"},
            NEW_AGENCY | {"source_url": "https://example.org/new/?utm_medium=email&p=7"},
        ],
    )
    for fact in rows(facts):
        assert fact["source_url"]
    write_csv(facts, [r | {"evidence_quote": "synthetic"} for r in rows(facts)])
    before = len(added(data, "sources"))
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 0, run.stderr
    sources = added(data, "sources")
    assert len(sources) == before + 1 and sources[-1]["url"] == "https://example.org/new?p=7"


def test_a_name_that_mixes_scripts_is_refused_with_the_letter_and_its_place(data, tmp_path, run_add):
    cyrillic = "Synthetic Тhunder Bay Police"  # the T is Cyrillic
    facts = facts_file(tmp_path, [NEW_AGENCY | {"agency_name": cyrillic, "source_url": "https://example.org/c"}])
    write_csv(facts, [r | {"evidence_quote": "synthetic"} for r in rows(facts)])
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 1
    assert "column 'agency_name': the name mixes scripts: 'Т' (U+0422, CYRILLIC CAPITAL LETTER TE) at character 11" in (
        run.stderr
    )


def test_a_near_name_shows_what_differs_and_yes_in_new_agency_adds_it(data, tmp_path, run_add):
    near = NEW_AGENCY | {"agency_name": "Synthetic Timmins Police Unit", "city": "Timmins"}
    near |= {"source_url": "https://example.org/n", "evidence_quote": "synthetic"}
    run = run_add(facts_file(tmp_path, [near]), data, tmp_path / "clearview.db")
    assert run.returncode == 1
    assert (
        "is near an agency already listed: Synthetic Timmins Police (test data) (synthetic-timmins-police,"
        in run.stderr
    )
    assert "'Unit' here, '(test data)' there" in run.stderr and "write yes in new_agency" in run.stderr
    run = run_add(facts_file(tmp_path, [near | {"new_agency": "yes"}]), data, tmp_path / "clearview.db")
    assert run.returncode == 0, run.stderr
    assert "synthetic-timmins-police-unit" in [a["agency_id"] for a in added(data, "agencies")]


def test_the_researchs_free_text_types_and_a_county_the_gazetteer_lacks_go_in(data, tmp_path, run_add):
    fact = NEW_AGENCY | {"agency_name": "Synthetic Windham Police", "agency_type": "police (municipal)", "city": ""}
    fact |= {"county": "Windham", "state": "CT", "country": "US", "source_url": "https://example.org/t"}
    run = run_add(facts_file(tmp_path, [fact | {"evidence_quote": "synthetic"}]), data, tmp_path / "clearview.db")
    assert run.returncode == 0, run.stderr
    agency = next(a for a in added(data, "agencies") if a["agency_id"] == "synthetic-windham-police")
    assert agency["agency_type"] == "police_department" and agency["county"] == "Windham County"
    assert agency["latitude"] and "the gazetteer lacks the county Windham County: placed at" in agency["location_note"]
    assert "warning: synthetic-windham-police: the gazetteer lacks the county Windham County" in run.stdout
    unknown = fact | {"agency_name": "Synthetic Other Force", "agency_type": "space force", "evidence_quote": "x"}
    run = run_add(facts_file(tmp_path, [unknown]), data, tmp_path / "clearview.db")
    assert run.returncode == 1 and "column 'agency_type': 'space force' is not an agency type" in run.stderr


def test_use_period_is_proposed_from_the_quote_with_its_reason(data, tmp_path, run_add):
    quote = "Officers ran searches in October and November 2019."
    fact = NEW_AGENCY | {"source_url": "https://example.org/p", "source_date": "2022-05-01", "evidence_quote": quote}
    run = run_add(facts_file(tmp_path, [fact]), data, tmp_path / "clearview.db")
    assert run.returncode == 0, run.stderr
    assert "facts.csv:2: use_period leaked: the quote dates the use 'October and November 2019'" in run.stdout
    assert (
        next(r for r in added(data, "responses") if r["source_id"].startswith("example-org"))["use_period"] == "leaked"
    )


@pytest.mark.parametrize(
    "wording, quote, ok",
    [
        ("more than 5,000 searches", "The department used the tool a great deal.", False),
        ("more than 5,000 searches", "Il a effectué plus de 5.000 recherches.", True),
        ("more than 3,400", "more than 3 400 searches", True),
        ("noin 120", "hakuja tehtiin noin 120", True),
        ("two dozen", "ran two dozen searches", True),
        ("zwölfmal", "wurde zwölfmal genutzt", True),
        ("twelve times", "used it 12 times", True),
        ("hundreds of searches", "no amount is given", False),
    ],
)
def test_a_count_must_be_stated_by_its_evidence(data, tmp_path, run_add, wording, quote, ok):
    fact = NEW_AGENCY | {"source_url": "https://example.org/q", "searches_reported_text": wording}
    run = run_add(facts_file(tmp_path, [fact | {"evidence_quote": quote}]), data, tmp_path / "clearview.db")
    assert (run.returncode == 0) == ok, run.stderr
    if not ok:
        assert "facts.csv:2, column 'searches_reported_text': the count's" in run.stderr
        assert "is not in its evidence quote. Fix: put the source's sentence" in run.stderr


def test_a_dry_run_changes_nothing(data, tmp_path, capsys):
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    facts = facts_file(tmp_path, [NEW_AGENCY | {"source_url": "https://example.org/y", "evidence_quote": "x"}])
    code = add.main([str(facts), "--data", str(data), "--db", str(tmp_path / "clearview.db"), "--dry-run"])
    assert code == 0 and "dry run: the facts build cleanly; nothing was changed" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before


def test_a_correction_changes_only_what_it_gives(data, tmp_path, run_add):
    before = next(r for r in added(data, "responses") if r["source_id"] == "synthetic-source-2")
    fact = {"agency_id": before["agency_id"], "source_url": "seed:synthetic-document.txt"}
    fact |= {"searches_reported_text": "101-500", "evidence_quote": "synthetic: 101-500, now quoted in full"}
    run = run_add(facts_file(tmp_path, [fact]), data, tmp_path / "clearview.db")
    assert run.returncode == 0, run.stderr
    after = next(r for r in added(data, "responses") if r["source_id"] == "synthetic-source-2")
    assert {k: v for k, v in after.items() if k != "evidence_quote"} == {
        k: v for k, v in before.items() if k != "evidence_quote"
    }
    assert after["evidence_quote"] == "synthetic: 101-500, now quoted in full"


def test_the_preview_shows_each_headline_before_and_after(data, tmp_path, capsys):
    db = tmp_path / "clearview.db"
    build_db.build(data, db)
    fact = {"agency_id": "synthetic-federal-agency", "source_url": "https://example.org/synthetic-1"}
    fact |= {"response_category": "confirmed_use", "evidence_quote": "synthetic: it confirmed"}
    code = add.main([str(facts_file(tmp_path, [fact])), "--data", str(data), "--db", str(db), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Synthetic Federal Agency (test data) (changed):" in out
    assert "  response: Denied -> Confirmed use" in out and "  pages: /agency/synthetic-federal-agency," in out


def test_a_new_source_gets_the_language_of_its_words_and_the_editor_may_say_otherwise(data, tmp_path, run_add):
    """sources.language: told from the source's words for a new source (the editor is told which), given by
    source_language, and corrected by it for a source already listed. The quotes are synthetic test sentences."""
    finnish = "synthetic: yksikössä kokeiltiin palvelua, ja kokeilujakson aikana tehtiin noin sata hakua"
    facts = facts_file(
        tmp_path,
        [
            NEW_AGENCY | {"source_url": "https://example.org/fi", "evidence_quote": finnish},
            NEW_AGENCY
            | {
                "source_url": "https://example.org/given",
                "source_language": "sv",
                "evidence_quote": "synthetic: it used the app",
            },
        ],
    )
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 0, run.stderr
    languages = {row["source_id"]: row["language"] for row in rows(data / "sources.csv")}
    assert languages[ids.source_id("https://example.org/fi")] == "fi"
    assert languages[ids.source_id("https://example.org/given")] == "sv"
    assert "its words read as Finnish (fi); if not, give source_language" in run.stdout

    correction = facts_file(
        tmp_path,
        [NEW_AGENCY | {"source_url": "https://example.org/given", "source_language": "en", "evidence_quote": "x y z"}],
    )
    run = run_add(correction, data, tmp_path / "clearview.db")
    assert run.returncode == 0, run.stderr
    assert {row["source_id"]: row["language"] for row in rows(data / "sources.csv")}[
        ids.source_id("https://example.org/given")
    ] == "en"


async def test_a_translation_is_shown_beside_the_quote_and_marked_as_one(data, tmp_path, run_add):
    from markupsafe import escape

    from tests.conftest import make_datasette

    finnish = "synthetic: yksikössä kokeiltiin palvelua, ja kokeilujakson aikana tehtiin noin sata hakua"
    english = "synthetic: the unit tried the service, and about a hundred searches were made [editor's translation]"
    facts = facts_file(
        tmp_path,
        [NEW_AGENCY | {"source_url": "https://example.org/fi", "evidence_quote": finnish, "translation": english}],
    )
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 0, run.stderr
    agency_id = "synthetic-thunder-bay-police-service"
    page = (await make_datasette(tmp_path / "clearview.db").client.get(f"/agency/{agency_id}")).text
    quoted = f'“<span lang="fi">{escape(finnish)}</span>”</span>'
    assert quoted in page
    after = page.split(quoted, 1)[1].lstrip()
    assert after.startswith(f'<span class="translation" lang="en">Translation: “{escape(english)}”</span>')
