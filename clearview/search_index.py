"""The prebuilt index behind the static site's search (static/static-search.js).

Names are matched in the browser by a port of clearview.search.match_names over the same folded words. Places are
looked up, not computed: every place whose name could be typed and that has a listed agency in it or within
NEARBY_KM comes with its results already worked out by clearview.search.place_result, so a place found in the
browser lists exactly what the live site lists. A town or county is included with every other place of the same
name, so the browser picks among them as the live site does.
"""

from __future__ import annotations

import pycountry
import zipcodes

from clearview import search
from clearview.gazetteer import Gazetteer, name_keys
from clearview.normalise import fold


class PlaceResults:
    """clearview.search.place_result for many places, each against only the agencies that could appear in it."""

    def __init__(self, index: search.AgencyIndex) -> None:
        self.index = index
        self.agencies = index.agencies
        self.position = {agency["agency_id"]: i for i, agency in enumerate(self.agencies)}
        self.regions: list[dict] = []
        self.region_numbers: dict[tuple[str, str], int] = {}

    def entry(self, place: search.Place, population: int = 0) -> dict:
        result = search.place_result(self.index.candidates(place), place)
        entry = {
            "label": place.label,
            "kind": place.kind,
            "query": place.query,
            "here": [self.position[f.agency["agency_id"]] for f in result.here],
            "nearby": [[self.position[f.agency["agency_id"]], f.distance_km] for f in result.nearby],
        }
        if place.kind in ("city", "zip", "county"):
            entry["population"] = population
        if place.kind in ("city", "zip", "county", "state"):  # a state is covered by its country's wide agencies
            entry["region"] = self.region(place.country, place.state)
        return entry

    def region(self, country: str, state: str) -> int:
        """A state or province once for all its places: what may qualify a town's name, and the wide agencies
        that cover every place in it (place_result's covers, less any agency that is here)."""
        key = (country, fold(state))
        if key not in self.region_numbers:
            self.region_numbers[key] = len(self.regions)
            covers = [
                i
                for i in self.index.by_country.get(country, [])
                if self.agencies[i]["agency_type"] in search.WIDE_TYPES
                and fold(self.agencies[i]["state_province"] or "") in ("", key[1])
            ]
            self.regions.append({"qualifiers": sorted(search.region_qualifiers(country, state)), "covers": covers})
        return self.region_numbers[key]


def listed(entry: dict) -> bool:
    return bool(entry["here"] or entry["nearby"])


def browser_index(agencies: list[dict], places: Gazetteer, cards: list[str]) -> dict:
    """Everything static-search.js needs; cards[i] is agency i's result card, rendered by _agency_card.html."""
    index = search.AgencyIndex(agencies)
    results = PlaceResults(index)
    countries = {c["country"] for c in agencies}
    return {
        "constants": {
            "threshold": search.NAME_THRESHOLD,
            "exact": search.EXACT,
            "nearby_km": search.NEARBY_KM,
            "generic": sorted(search.GENERIC),
            "county_words": search.COUNTY_WORDS.pattern,
            "filler": search.FILLER.pattern,
            "trailing": search.TRAILING.pattern,
            "abbreviations": search.ABBREVIATIONS,
            "agency_words": search.AGENCY_WORDS.pattern,
        },
        "agencies": [
            {"name": agency["name"], "words": words, "aliases": sorted(aliases), "card": card}
            for (agency, words, aliases), card in zip(index.names, cards, strict=True)
        ],
        "countries": {
            name: [results.entry(search.country_place(pycountry.countries.get(alpha_2=code))) for code in codes]
            for name, codes in search._countries_by_name().items()
        },
        "states": {
            name: [results.entry(search.state_place(s)) for s in subdivisions]
            for name, subdivisions in search._states_by_name().items()
            if any(s.country_code in countries for s in subdivisions)
        },
        "towns": town_entries(places, results),
        "big_towns": search.big_towns(places),
        "counties": county_entries(places, results),
        "zips": zip_entries(results),
        "regions": results.regions,
    }


def town_entries(places: Gazetteer, results: PlaceResults) -> dict[str, list[dict]]:
    named_cities = {
        (agency["country"], fold(agency["state_province"] or ""), key)
        for agency in results.agencies
        if agency["city"]
        for key in name_keys(agency["city"])
    }
    wanted = set()
    for town in places.places:
        keys = name_keys(town.name)
        if any((town.country, s, k) in named_cities for s in (fold(town.state), "") for k in keys) or any(
            search.distance_km(town.latitude, town.longitude, a["latitude"], a["longitude"]) <= search.NEARBY_KM
            for a in map(results.agencies.__getitem__, results.index.neighbours.near(town.latitude, town.longitude))
        ):
            wanted.add(fold(town.name))
    entries = {}
    for key in sorted(wanted):
        group = [results.entry(search.town_place(t), t.population) for t in places.by_town[key]]
        if any(listed(e) for e in group):
            entries[key] = group
    return entries


def county_entries(places: Gazetteer, results: PlaceResults) -> dict[str, list[dict]]:
    entries = {}
    for key, where in sorted(places.counties_by_key.items()):
        if not any(
            results.index.by_state.get((country, state)) or results.index.by_state.get((country, ""))
            for country, state in where
        ):
            continue
        group = []
        for country, state in where:
            towns = places.by_county[(country, state, key)]
            population = sum(t.population for t in towns)
            group.append(results.entry(search.county_place(towns, key), population))
        if any(listed(e) for e in group):
            entries[key] = group
    return entries


def zip_entries(results: PlaceResults) -> dict[str, dict]:
    if not results.index.by_country.get("US"):
        return {}
    entries = {}
    for z in zipcodes.list_all():
        if z.get("lat") in (None, "") or not results.index.neighbours.near(float(z["lat"]), float(z["long"])):
            continue
        entry = results.entry(search.zip_place(z))
        if listed(entry):
            entries[z["zip_code"]] = entry
    return entries
