"""Shared fixtures: builds of the real data and of small synthetic data, and a Datasette like `make serve`'s."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from datasette.app import Datasette

import build_db
from clearview import schema
from clearview.app import make_datasette  # noqa: F401  (tests import it from here)

ROOT = Path(__file__).resolve().parent.parent


def page_text(html: str) -> str:
    """What a reader reads: the page without tags, entities decoded, white space folded."""
    import html as entities
    import re

    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


write_csv = schema.write_table  # the project's column order, as in data/, so tests can edit files line by line


def synthetic_data(folder: Path) -> Path:
    """A small, obviously synthetic data set in the project's raw format (never published)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in schema.VOCABULARIES:
        shutil.copy(ROOT / "data" / f"{name}.csv", folder / f"{name}.csv")
    agency = {"aliases": "", "county": "", "latitude": "", "longitude": "", "location_note": ""}
    write_csv(
        folder / "agencies.csv",
        [
            agency
            | {
                "agency_id": "synthetic-timmins-police",
                "name": "Synthetic Timmins Police (test data)",
                "agency_type": "police_department",
                "city": "Timmins",
                "state_province": "ON",
                "country": "CA",
            },
            agency
            | {
                "agency_id": "synthetic-federal-agency",
                "name": "Synthetic Federal Agency (test data)",
                "agency_type": "federal_national_agency",
                "city": "",
                "state_province": "",
                "country": "AU",
                "aliases": "SFA",
            },
            agency
            | {
                "agency_id": "synthetic-manual-agency",
                "name": "Synthetic Manual Agency (test data)",
                "agency_type": "other",
                "city": "",
                "state_province": "",
                "country": "US",
                "latitude": "40.5",
                "longitude": "-75.25",
                "location_note": "synthetic point",
            },
        ],
    )
    write_csv(
        folder / "sources.csv",
        [
            {
                "source_id": "synthetic-source-1",
                "url": "https://example.org/synthetic-1",
                "document": "",
                "title": "Synthetic source one",
                "publisher": "example.org",
                "published": "2021-08-25",
            },
            {
                "source_id": "synthetic-source-2",
                "url": "",
                "document": "synthetic-document.txt",
                "title": "Synthetic source two",
                "publisher": "",
                "published": "2020-02",
            },
        ],
    )
    response = {
        "statement": "",
        "statement_by": "",
        "response_date": "",
        "use_period": "not_stated",
        "evidence_quote": "synthetic",
    }
    write_csv(
        folder / "responses.csv",
        [
            response
            | {
                "agency_id": "synthetic-timmins-police",
                "source_id": "synthetic-source-1",
                "response_status": "no_response",
            },
            response
            | {
                "agency_id": "synthetic-timmins-police",
                "source_id": "synthetic-source-2",
                "response_status": "confirmed_use",
                "statement": "Synthetic statement.",
            },
            response
            | {"agency_id": "synthetic-federal-agency", "source_id": "synthetic-source-1", "response_status": "denied"},
            response
            | {"agency_id": "synthetic-manual-agency", "source_id": "synthetic-source-2", "response_status": "unknown"},
        ],
    )
    count = {
        "searches_min": "",
        "searches_max": "",
        "measure": "searches",
        "period_start": "",
        "period_end": "",
        "note": "",
        "evidence_quote": "x",
    }
    write_csv(
        folder / "search_counts.csv",
        [
            count
            | {
                "agency_id": "synthetic-timmins-police",
                "source_id": "synthetic-source-1",
                "search_range": "",
                "searches_min": "121",
                "searches_reported": "more than 120",
                "period_start": "2018",
                "period_end": "2020-02",
            },
            count
            | {
                "agency_id": "synthetic-timmins-police",
                "source_id": "synthetic-source-2",
                "search_range": "101 to 500",
                "searches_reported": "101-500",
                "period_start": "2018",
                "period_end": "2020-02",
            },
            count
            | {
                "agency_id": "synthetic-federal-agency",
                "source_id": "synthetic-source-1",
                "search_range": "",
                "searches_min": "40",
                "searches_max": "40",
                "searches_reported": "40 times",
                "period_start": "2024",
                "period_end": "2025",
            },
        ],
    )
    write_csv(
        folder / "published_totals.csv",
        [
            {
                "published_table": "synthetic_table",
                "scope": "outside US",
                "measure": "entities",
                "subset_of": "",
                "value": "3",
                "value_reported": "3",
                "source_id": "synthetic-source-1",
                "evidence_quote": "synthetic",
            }
        ],
    )
    for name in ("releases.csv", "changes.csv"):  # no release yet: the header only
        (folder / name).write_text((ROOT / "data" / name).read_text().splitlines()[0] + "\n")
    return folder


@pytest.fixture(scope="session")
def real_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("real") / "clearview.db"
    build_db.build(ROOT / "data", path)
    return path


@pytest.fixture(scope="session")
def synthetic_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    path = folder / "clearview.db"
    build_db.build(synthetic_data(folder / "data"), path)
    return path


@pytest.fixture
def real_site(real_db) -> Datasette:
    return make_datasette(real_db)


# What `make check` leaves out (-m "not slow"): Chromium, and the static and publish builds. `make test` runs all.
SLOW_MODULES = {"test_browser", "test_static", "test_xss", "test_publish"}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if item.module.__name__.rpartition(".")[2] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium for one module of browser tests (clearview/browser.py). Not session-wide: Playwright's
    sync API keeps an event loop running, which the async tests of later modules cannot share."""
    from clearview.browser import chromium

    with chromium() as browser:
        yield browser
