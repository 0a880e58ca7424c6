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

    inline = re.sub(r"</?span(?: lang=\"[a-z]{2}\")?>", "", html)  # a quote's language mark is inside its words
    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", " ", inline))).strip()


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
            | {
                "agency_id": "synthetic-federal-agency",
                "source_id": "synthetic-source-1",
                "response_status": "denied",
                "use_period": "after",
            },
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
                "evidence_quote": "synthetic: more than 120 searches",
                "period_start": "2018",
                "period_end": "2020-02",
            },
            count
            | {
                "agency_id": "synthetic-timmins-police",
                "source_id": "synthetic-source-2",
                "search_range": "101 to 500",
                "searches_reported": "101-500",
                "evidence_quote": "synthetic: 101-500",
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
                "evidence_quote": "synthetic: 40 times",
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


def built(tmp_path_factory, name: str, make_data) -> Path:
    """A database built from the data set make_data writes into a fresh folder."""
    folder = tmp_path_factory.mktemp(name)
    build_db.build(make_data(folder / "data"), folder / "clearview.db")
    return folder / "clearview.db"


@pytest.fixture(scope="session")
def synthetic_db(tmp_path_factory) -> Path:
    return built(tmp_path_factory, "synthetic", synthetic_data)


@pytest.fixture
def real_site(real_db) -> Datasette:
    return make_datasette(real_db)


# What `make check` leaves out (-m "not slow"): Chromium, and the static and publish builds. `make test` runs all.
SLOW_MODULES = {"test_browser", "test_static", "test_xss", "test_publish", "test_transaction"}


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


# Reader-behaviour tests search these, never today's data: synthetic agencies (ids and names say so) at real places,
# placed by the build's gazetteer as a real agency would be. (name, aliases, type, city, county, state, country)
READER_AGENCIES = [
    ("Synthetic Toronto Police Service", "TPS", "police_department", "Toronto", "", "ON", "CA"),
    ("Synthetic Niagara Regional Police Service", "", "police_department", "Niagara Falls", "", "ON", "CA"),
    ("Synthetic Timmins Police Service", "", "police_department", "Timmins", "", "ON", "CA"),
    ("Synthetic London Police Service", "", "police_department", "London", "", "ON", "CA"),
    ("Synthetic Peel Regional Police", "", "police_department", "", "Peel", "ON", "CA"),
    ("Synthetic Ontario Oregon Police", "", "police_department", "Ontario", "", "OR", "US"),
    ("Synthetic Vancouver Police Department", "", "police_department", "Vancouver", "", "BC", "CA"),
    ("Synthetic Montreal City Police", "", "police_department", "Montréal", "", "QC", "CA"),
    ("Synthetic Carcassonne Municipal Police", "", "police_department", "Carcassonne", "", "", "FR"),
    ("Synthetic Royal Canadian Mounted Police", "RCMP", "federal_national_agency", "", "", "", "CA"),
    ("Synthetic Polizia di Stato", "", "federal_national_agency", "", "", "", "IT"),
    ("Synthetic Metropolitan Police Service", "Scotland Yard", "police_department", "London", "", "", "GB"),
    ("Synthetic Swedish Police Authority", "", "federal_national_agency", "", "", "", "SE"),
    ("Synthetic Australian Federal Police", "", "federal_national_agency", "", "", "", "AU"),
    ("Synthetic Queensland Police Service", "", "state_provincial_police", "", "", "Queensland", "AU"),
    ("Synthetic New York City Police Department", "NYPD", "police_department", "New York City", "", "NY", "US"),
    ("Synthetic Southern District of New York Attorney", "", "prosecutor", "New York City", "", "NY", "US"),
    ("Synthetic Federal Bureau of Investigation", "FBI", "federal_national_agency", "", "", "", "US"),
    ("Synthetic Clifton Police Department", "", "police_department", "Clifton", "", "NJ", "US"),
    ("Synthetic Hamden Police Department", "", "police_department", "Hamden", "", "CT", "US"),
    ("Synthetic Chicago Police Department", "", "police_department", "Chicago", "", "IL", "US"),
    ("Synthetic Cook County Sheriff's Office", "", "sheriffs_office", "", "Cook County", "IL", "US"),
    ("Synthetic Michigan State Police", "", "state_provincial_police", "", "", "MI", "US"),
    ("Synthetic Minneapolis Police Department", "", "police_department", "Minneapolis", "", "MN", "US"),
    ("Synthetic St. Paul Police Department", "", "police_department", "Saint Paul", "", "MN", "US"),
    ("Synthetic Eden Prairie Police Department", "", "police_department", "Eden Prairie", "", "MN", "US"),
    ("Synthetic Minnesota Bureau of Criminal Apprehension", "", "state_provincial_police", "", "", "MN", "US"),
    ("Synthetic Ada County Sheriff's Office", "", "sheriffs_office", "", "Ada County", "ID", "US"),
    ("Synthetic Boise Harbour Patrol", "", "police_department", "Boise", "", "ID", "US"),
]


def reader_data(folder: Path) -> Path:
    """synthetic_data's files with READER_AGENCIES in place of its agencies, each with a response."""
    synthetic_data(folder)
    from slugify import slugify

    blank = {"latitude": "", "longitude": "", "location_note": ""}
    agencies = [
        blank
        | dict(zip(("name", "aliases", "agency_type", "city", "county", "state_province", "country"), row, strict=True))
        | {"agency_id": slugify(row[0])}
        for row in READER_AGENCIES
    ]
    write_csv(folder / "agencies.csv", agencies)
    response = {"statement": "", "statement_by": "", "response_date": "", "use_period": "leaked"}
    write_csv(
        folder / "responses.csv",
        [
            response
            | {"agency_id": a["agency_id"], "source_id": "synthetic-source-2", "response_status": "confirmed_use"}
            | {"evidence_quote": "synthetic"}
            for a in agencies
        ],
    )
    write_csv(folder / "search_counts.csv", [], columns=schema.TABLES["search_counts"]["columns"])
    return folder


@pytest.fixture(scope="session")
def reader_db(tmp_path_factory) -> Path:
    return built(tmp_path_factory, "reader", reader_data)


@pytest.fixture
def reader_site(reader_db) -> Datasette:
    return make_datasette(reader_db)
