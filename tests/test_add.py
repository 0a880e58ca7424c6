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
    assert "facts.csv:2: 'Synthetic Timmins Police' could be any of" in run.stderr
    assert "synthetic-timmins-police," in run.stderr and "synthetic-timmins-police-2," in run.stderr
    assert "Write agency_id" in run.stderr and "nothing was added" in run.stderr
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before


def test_a_fact_the_build_refuses_leaves_data_as_it_was(data, tmp_path, run_add):
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    facts = facts_file(
        tmp_path,
        [NEW_AGENCY | {"city": "Xyzzyville", "source_url": "https://example.org/d", "evidence_quote": "synthetic"}],
    )
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 1
    assert "column 'city': no place of that name in the gazetteer (value 'Xyzzyville')" in run.stderr
    assert "data/ is as it was" in run.stderr
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before
    assert not (tmp_path / "clearview.db").exists()


def test_a_fact_without_the_sources_words_is_refused(data, tmp_path, run_add):
    facts = facts_file(tmp_path, [NEW_AGENCY | {"source_url": "https://example.org/e"}])
    run = run_add(facts, data, tmp_path / "clearview.db")
    assert run.returncode == 1
    assert "evidence_quote missing" in run.stderr


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
