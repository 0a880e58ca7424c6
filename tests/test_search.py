"""Reader search over synthetic agencies at real places (tests/conftest.py READER_AGENCIES): names with typos,
abbreviations, places, ZIP codes. Never today's data: an editor's addition cannot change these answers."""

import sqlite3

import pytest

from clearview import gazetteer
from clearview.search import AGENCIES_SQL, AgencyIndex, distance_km, search


@pytest.fixture(scope="module")
def index(reader_db):
    connection = sqlite3.connect(reader_db)
    connection.row_factory = sqlite3.Row
    return AgencyIndex([dict(row) for row in connection.execute(AGENCIES_SQL)])


@pytest.fixture(scope="module")
def places():
    return gazetteer.load()


@pytest.mark.parametrize(
    "query, first",
    [
        ("Tornto police", "Synthetic Toronto Police Service"),
        ("niagra regional", "Synthetic Niagara Regional Police Service"),
        ("polizia stato", "Synthetic Polizia di Stato"),
        ("RCMP", "Synthetic Royal Canadian Mounted Police"),
        ("NYPD", "Synthetic New York City Police Department"),
        ("Scotland Yard", "Synthetic Metropolitan Police Service"),
        ("vancuver", "Synthetic Vancouver Police Department"),
        ("toron", "Synthetic Toronto Police Service"),
    ],
)
def test_names_are_found_despite_typos_and_abbreviations(index, places, query, first):
    assert first_listed(search(index, query, places)) == first


def first_listed(results) -> str:
    """The first card on the page: the names come first, then each place's own agencies."""
    return [f.agency["name"] for f in results.names + [f for r in results.places for f in r.here]][0]


@pytest.mark.parametrize(
    "query, place, agency",
    [
        ("Timmins", "Timmins, Ontario, Canada", "Synthetic Timmins Police Service"),
        ("Queensland", "Queensland, Australia", "Synthetic Queensland Police Service"),
        ("Clifton NJ", "Clifton, New Jersey, United States", "Synthetic Clifton Police Department"),
        ("London, Ontario", "London, Ontario, Canada", "Synthetic London Police Service"),
        ("07011", "Clifton, NJ 07011", "Synthetic Clifton Police Department"),
        # Counties: by the agency's county, or by its town lying in the county.
        ("Peel Region", "Peel, Ontario, Canada", "Synthetic Peel Regional Police"),
        ("Cook County, Illinois", "Cook County, Illinois, United States", "Synthetic Chicago Police Department"),
        ("Hennepin County", "Hennepin County, Minnesota, United States", "Synthetic Minneapolis Police Department"),
    ],
)
def test_places_list_the_agencies_there(index, places, query, place, agency):
    results = search(index, query, places)
    match = next(r for r in results.places if r.place.label == place)
    assert agency in [f.agency["name"] for f in match.here]


def test_a_town_lists_nearby_agencies_nearest_first_and_those_that_cover_it(index, places):
    results = search(index, "55101", places)  # a Saint Paul ZIP code
    [result] = results.places
    assert [f.agency["name"] for f in result.here] == ["Synthetic St. Paul Police Department"]
    distances = [f.distance_km for f in result.nearby]
    assert distances == sorted(distances) and all(d <= 50 for d in distances)
    assert "Synthetic Minneapolis Police Department" in [f.agency["name"] for f in result.nearby]
    assert "Synthetic Minnesota Bureau of Criminal Apprehension" in [f.agency["name"] for f in result.covers]
    assert "Synthetic Federal Bureau of Investigation" in [f.agency["name"] for f in result.covers]


def test_a_county_is_looked_up_only_when_named_as_one_or_no_town_has_the_name(index, places):
    assert {r.place.kind for r in search(index, "Durham", places).places} == {"city"}
    assert {r.place.kind for r in search(index, "Durham Region", places).places} == {"county"}
    assert [r.place.label for r in search(index, "Cook County, Minnesota", places).places] == [
        "Cook County, Minnesota, United States"
    ]


def test_nothing_found_is_empty_not_an_error(index, places):
    assert search(index, "xyzzy", places).empty
    assert search(index, "   ", places).empty
    assert search(index, "\"'(*) OR AND", places).empty


def test_great_circle_distance_toronto_to_timmins():
    assert distance_km(43.70011, -79.4163, 48.46686, -81.33312) == pytest.approx(550, abs=15)


@pytest.mark.parametrize(
    "query, every", [("sheriff", "Sheriff"), ("sheriff's office", "Sheriff's Office"), ("state police", "State Police")]
)
def test_a_query_of_generic_words_lists_the_agencies_with_those_words(index, places, query, every):
    found = search(index, query, places).names
    # Every word in the name or an alias ("São Paulo State Civil Police" is a state police by its alias).
    has_words = [all(w in f"{f.agency['name']} {f.agency['aliases'] or ''}" for w in every.split()) for f in found]
    assert has_words[0] and has_words == sorted(has_words, reverse=True)  # every exact match before any fuzzy one


@pytest.mark.parametrize(
    "query, name, place",
    [
        ("my town is Hamden CT", None, "Hamden, Connecticut, United States"),  # filler words
        ("police in Timmins", "Synthetic Timmins Police Service", "Timmins, Ontario, Canada"),
        ("did Toronto police use Clearview?", "Synthetic Toronto Police Service", "Toronto, Ontario, Canada"),
        ("Montreal police", None, "Montréal, Quebec, Canada"),  # a place and an agency word
        ("Boise PD", None, "Boise, Idaho, United States"),  # an abbreviation after a place
        ("Chicago PD", "Synthetic Chicago Police Department", "Chicago, Illinois, United States"),
        ("Toronto PS", "Synthetic Toronto Police Service", "Toronto, Ontario, Canada"),
    ],
)
def test_the_query_is_read_as_a_person_means_it(index, places, query, name, place):
    results = search(index, query, places)
    assert results.places[0].place.label == place
    if name:  # shown once: among the names, or (the same card) as the place's own agency
        assert name in [f.agency["name"] for f in results.names[:1] + results.places[0].here]


def test_a_heading_never_repeats(index, places):
    labels = [r.place.label for r in search(index, "Montreal", places).places]
    assert len(labels) == len(set(labels)) and "Montréal, Occitanie, France" in labels


@pytest.mark.parametrize(
    "query, place, here_or_covering",
    [
        # A state: national agencies.
        ("Connecticut", "Connecticut, United States", "Synthetic Federal Bureau of Investigation"),
        ("New South Wales", "New South Wales, Australia", "Synthetic Australian Federal Police"),
        ("Sweden", "Sweden", "Synthetic Swedish Police Authority"),
    ],
)
def test_an_exact_place_beats_names_that_only_look_alike(index, places, query, place, here_or_covering):
    results = search(index, query, places)
    assert results.names == []  # not Eden Prairie for Sweden, nor New York's Southern District for New South Wales
    assert results.places[0].place.label == place
    listed = [f.agency["name"] for f in results.places[0].here + results.places[0].covers]
    assert here_or_covering in listed
    assert all(r.here or r.nearby or r.covers for r in results.places)  # no empty Cañada beside Canada


@pytest.mark.parametrize(
    "query, place",
    [("Bosie", "Boise, Idaho, United States"), ("Sacremento", "Sacramento, California, United States")],
)
def test_a_misspelt_town_is_forgiven(index, places, query, place):
    assert search(index, query, places).places[0].place.label == place


def test_a_misspelt_town_is_forgiven_where_an_agency_there_has_its_name(index, places):
    """ "bosie" scores 80 against the "boise" of Synthetic Boise Harbour Patrol: a look-alike name, not an answer."""
    boise = search(index, "Bosie", places).places[0]
    assert boise.place.label == "Boise, Idaho, United States"
    assert "Synthetic Boise Harbour Patrol" in [f.agency["name"] for f in boise.here]


@pytest.mark.parametrize("query", ["Boise", "Timmins", "Toronto police", "Chicago PD", "Queensland", "NYPD", "sheriff"])
def test_no_agency_is_shown_twice(index, places, query):
    results = search(index, query, places)
    shown = [f.agency["agency_id"] for f in results.names]
    shown += [f.agency["agency_id"] for r in results.places[:1] for f in r.here + r.nearby + r.covers]
    assert shown and len(shown) == len(set(shown))


def test_a_string_that_is_no_place_stays_unanswered(index, places):
    assert search(index, "xyzzy nowhere", places).empty
