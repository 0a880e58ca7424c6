"""The readers' channel: the issue form asks for make add's columns, and a submitted form becomes a row of make add."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from clearview import issue_form
from clearview.add import COLUMNS, REQUIRED
from tests.conftest import ROOT


def test_the_form_asks_for_make_adds_columns_and_requires_what_it_requires():
    fields = [f for f in yaml.safe_load(issue_form.FORM.read_text())["body"] if "id" in f]
    assert [f["id"] for f in fields] == list(COLUMNS)
    assert {f["id"] for f in fields if f["validations"]["required"]} == set(REQUIRED)


def test_the_template_is_make_adds_header():
    with open(ROOT / "data" / "facts-template.csv", encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == list(COLUMNS)


def submitted(answers: dict[str, str]) -> str:
    """An issue body as GitHub writes a submitted form: a heading per field, '_No response_' where left blank."""
    labels = {column: label for label, column in issue_form.labels().items()}
    return "\r\n\r\n".join(f"### {labels[c]}\r\n\r\n{answers.get(c) or '_No response_'}" for c in COLUMNS)


def test_a_submitted_form_becomes_a_row_of_make_add(tmp_path: Path):
    answers = {
        "agency_name": "Synthetic Reader Police (test data)",
        "country": "CA",
        "source_url": "https://example.org/reader",
        "evidence_quote": "A synthetic sentence\nover two lines, with “quotes”.",
    }
    body = tmp_path / "body.md"
    body.write_text(submitted(answers), encoding="utf-8")
    assert issue_form.main([str(body), str(tmp_path / "facts.csv")]) == 0
    with open(tmp_path / "facts.csv", encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row == dict.fromkeys(COLUMNS, "") | answers


def test_an_issue_not_written_with_the_form_is_refused_plainly():
    with pytest.raises(issue_form.NotAFact):
        issue_form.fact_from_body("The Springfield police used it, I think.")
