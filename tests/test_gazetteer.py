import pytest

from clearview import gazetteer


@pytest.fixture(scope="module")
def places():
    return gazetteer.load()


@pytest.mark.parametrize(
    "city, county, state, country, place",
    [
        ("Timmins", "", "Ontario", "CA", "Timmins, Ontario"),
        ("London", "", "Ontario", "CA", "London, Ontario"),
        ("London", "", "", "GB", "London, England"),
        ("St. Paul", "Ramsey County", "Minnesota", "US", "Saint Paul, Minnesota"),
        ("New York", "", "New York", "US", "New York City, New York"),
        ("Clifton", "Passaic County", "New Jersey", "US", "Clifton, New Jersey"),
        ("Española", "", "New Mexico", "US", "Española, New Mexico"),
    ],
)
def test_cities_are_placed_in_the_right_state(places, city, county, state, country, place):
    found = places.locate(city, county, state, country)
    assert (found.precision, found.place) == ("city", place)


def test_county_state_and_country_fall_back_to_representative_points(places):
    assert places.locate("", "Kern County", "California", "US").place == "Bakersfield, California"
    assert places.locate("", "Northamptonshire", "", "GB").precision == "county"
    assert places.locate("", "", "Queensland", "AU").place == "Brisbane, Queensland"
    assert places.locate("", "", "Sankt Gallen", "CH").precision == "state"
    capital = places.locate("", "", "", "AU")
    assert (capital.precision, capital.place.split(",")[0]) == ("country", "Canberra")


def test_unknown_places_are_not_guessed(places):
    assert places.find_city("Nowhereville Xyz", "US") is None
    assert places.locate("", "", "", "ZZ") is None
