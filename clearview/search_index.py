"""The index behind the static site's search (static/static-search.js), in parts a browser fetches as it needs them.

Nothing is answered in advance: the browser runs clearview.search's rules itself over compact parts, so the static
site answers every query the live one does, and a reader downloads only what the query touches:

- `index.json`, the first download: the rules' constants, the name vocabulary, and where the parts below are.
- `words/<n>.json`: which agencies have each name word (clearview.search.AgencyIndex.postings, sharded by hash).
- `agencies/<n>.json`: the agencies, each with its words, its place as the rules read it and its result card,
  rendered by templates/_agency_card.html. Chunks follow country and state, the wide agencies of a region first,
  then by map cell, so a region's covering agencies and a town's neighbours sit in few chunks.
- `places/<n>.json`: the gazetteer, countries, states and ZIP codes, by the folded name a reader types (sharded by
  hash); each name also lists the agencies whose town it is.
- `big-towns.json`: the towns whose misspelt names are forgiven (clearview.search.corrected_town).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from functools import cache

import pycountry
import zipcodes

from clearview import search
from clearview.gazetteer import Gazetteer, county_key, name_keys
from clearview.normalise import fold, subdivision_name

CHUNK_BYTES = 16_000  # agencies per chunk: a town's answer touches a few of these
SHARD_BYTES = 8_000  # place and word shards: a lookup fetches one per key it tries


def shard_of(key: str, shards: int) -> int:
    """FNV-1a (32-bit) of the key's UTF-8 bytes: static-search.js computes the same to find a key's shard."""
    h = 0x811C9DC5
    for byte in key.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h % shards


def compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def region_key(country: str, state: str) -> str:
    return f"{country}|{fold(state)}"


def chunk_order(index: search.AgencyIndex) -> list[int]:
    """The agencies' index positions in the chunks' order: by country and state, a region's wide agencies first in
    index order (covers lists them so), the rest by map cell, so a town's neighbours sit in few chunks."""

    def key(o: int) -> tuple:
        agency = index.agencies[o]
        wide = agency["agency_type"] in search.WIDE_TYPES
        cell = search.Neighbours.cell(agency["latitude"], agency["longitude"]) if is_local(agency) else (0, 0)
        return agency["country"], fold(agency["state_province"] or ""), not wide, (0, 0) if wide else cell, o

    return sorted(range(len(index.agencies)), key=key)


def is_local(agency: dict) -> bool:
    return agency["location_precision"] in search.LOCAL_PRECISIONS and agency["latitude"] is not None


def place_parts(agencies: list[dict], places: Gazetteer) -> list[str]:
    """The places/<n>.json shards: they do not depend on the base path, so one set serves every build."""
    index = search.AgencyIndex(agencies)
    position = {o: p for p, o in enumerate(chunk_order(index))}
    return sharded(place_entries(places, index, position))


def browser_index(agencies: list[dict], places: Gazetteer, cards: list[str], place_shards: list[str]) -> dict[str, str]:
    """Every part, as JSON text by its path under /search/ ("index", "words/0", ...); cards[i] is agency i's."""
    index = search.AgencyIndex(agencies)
    order = chunk_order(index)
    position = {o: p for p, o in enumerate(order)}  # each record keeps its index position as "o"
    records = agency_records(index, cards)
    chunks, starts = chunked([records[o] for o in order])
    chunk_of = [c for c, chunk in enumerate(chunks) for _ in chunk]

    regions: dict[str, dict] = {}
    cells: dict[str, set[int]] = defaultdict(set)
    for p, o in enumerate(order):
        agency = records[o]
        region = regions.setdefault(region_key(agency["country"], agency["state"]), {"chunks": set(), "wide": [p, []]})
        region["chunks"].add(chunk_of[p])
        if agency["wide"]:  # the block's first position and each one's index order, to merge two regions' covers
            region["wide"][1].append(agency["o"])
        if agency["local"]:
            row, column = search.Neighbours.cell(agency["lat"], agency["lon"])
            cells[f"{row}|{column}"].add(chunk_of[p])
    for region in regions.values():
        region["chunks"] = sorted(region["chunks"])

    postings = {word: sorted(position[o] for o in found) for word, found in index.postings.items()}
    words = sharded(postings.items())
    parts = {
        "index": {
            "constants": constants(),
            "vocabulary": index.vocabulary,
            "shards": {"words": len(words), "places": len(place_shards)},
            "chunks": starts,
            "regions": regions,
            "cells": {cell: sorted(found) for cell, found in sorted(cells.items())},
            "country_names": {c.alpha_2: search.country_name(c.alpha_2) for c in pycountry.countries},
        },
        "big-towns": search.big_towns(places),
    }
    parts |= {f"agencies/{n}": chunk for n, chunk in enumerate(chunks)}
    parts |= {f"words/{n}": shard for n, shard in enumerate(words)}
    parts |= {f"places/{n}": shard for n, shard in enumerate(place_shards)}
    return {path: value if isinstance(value, str) else compact(value) for path, value in parts.items()}


def part_paths(index: dict) -> list[str]:
    """Every part's path under /search/, from index.json (the static site writes each)."""
    shards = index["shards"]
    return (
        ["big-towns"]
        + [f"agencies/{n}" for n in range(len(index["chunks"]))]
        + [f"words/{n}" for n in range(shards["words"])]
        + [f"places/{n}" for n in range(shards["places"])]
    )


def constants() -> dict:
    return {
        "threshold": search.NAME_THRESHOLD,
        "exact": search.EXACT,
        "nearby_km": search.NEARBY_KM,
        "cell_degrees": search.CELL_DEGREES,
        "generic": sorted(search.GENERIC),
        "county_words": search.COUNTY_WORDS.pattern,
        "filler": search.FILLER.pattern,
        "trailing": search.TRAILING.pattern,
        "abbreviations": search.ABBREVIATIONS,
        "agency_words": search.AGENCY_WORDS.pattern,
    }


def agency_records(index: search.AgencyIndex, cards: list[str]) -> list[dict]:
    """Each agency as clearview.search reads it: words and aliases folded, place fields keyed as the rules compare."""
    return [
        {
            "o": o,
            "id": agency["agency_id"],
            "name": agency["name"],
            "words": words,
            "aliases": sorted(aliases),
            "country": agency["country"],
            "state": fold(agency["state_province"] or ""),
            "wide": agency["agency_type"] in search.WIDE_TYPES,
            "local": is_local(agency),
            "lat": agency["latitude"] if is_local(agency) else None,
            "lon": agency["longitude"] if is_local(agency) else None,
            "card": card,
        }
        for o, ((agency, words, aliases), card) in enumerate(zip(index.names, cards, strict=True))
    ]


def chunked(records: list[dict]) -> tuple[list[list[dict]], list[int]]:
    """Consecutive records in chunks of about CHUNK_BYTES, a new one at a new region once half full."""
    chunks: list[list[dict]] = []
    starts: list[int] = []
    size = 0
    for p, record in enumerate(records):
        region = record["country"], record["state"]
        new_region = chunks and region != (chunks[-1][-1]["country"], chunks[-1][-1]["state"])
        if not chunks or size >= CHUNK_BYTES or (new_region and size >= CHUNK_BYTES // 2):
            chunks.append([])
            starts.append(p)
            size = 0
        chunks[-1].append(record)
        size += len(compact(record))
    return chunks, starts


def sharded(entries) -> list[str]:
    """Key-value pairs as JSON objects of about SHARD_BYTES each, a key's shard given by shard_of. The count comes
    from a sample's size, so each shard is serialised once."""
    entries = list(entries)
    sample = entries[:: max(1, len(entries) // 500)]
    mean = sum(len(compact(key)) + len(compact(value)) + 2 for key, value in sample) / max(1, len(sample))
    shards: list[dict] = [{} for _ in range(max(1, round(mean * len(entries) / SHARD_BYTES)))]
    for key, value in entries:
        shards[shard_of(key, len(shards))][key] = value
    return [compact(shard) for shard in shards]


class Named:
    """The agencies a place's name could make "here" (clearview.search.is_here's name test: the agency's town shares
    a name key with the place, or its county is the county); the browser applies the country and state test."""

    def __init__(self, index: search.AgencyIndex, position: dict[int, int]) -> None:
        self.by_town: dict[str, set[int]] = defaultdict(set)
        self.by_county: dict[str, set[int]] = defaultdict(set)
        for o, (agency, _, _) in enumerate(index.names):
            for key in name_keys(agency["city"]) if agency["city"] else ():
                self.by_town[key].add(position[o])
            if agency["county"]:
                self.by_county[county_key(agency["county"])].add(position[o])

    def town(self, keys) -> list[int]:
        return sorted({p for key in keys if key in self.by_town for p in self.by_town[key]})

    def county(self, key: str, town_keys) -> list[int]:
        return sorted(self.by_county.get(key, set()) | set(self.town(town_keys)))


@cache
def subdivision_code(country: str, state: str) -> str:
    """What region_qualifiers adds to the state's and country's folded names: the state's ISO code ("ct"), if any
    ("|" between two)."""
    names = {fold(state), fold(country), fold(search.country_name(country))}
    return "|".join(sorted(search.region_qualifiers(country, state) - names))


def place_entries(places: Gazetteer, index: search.AgencyIndex, position: dict[int, int]) -> Iterator[tuple[str, dict]]:
    """(folded name, what it names) for every name find_places looks up. A town or county carries its country, state
    and state code, from which the browser writes its label and qualifiers as clearview.search does."""
    named = Named(index, position)
    entries: dict[str, dict] = defaultdict(dict)
    for name, codes in search._countries_by_name().items():
        entries[name]["countries"] = [[pycountry.countries.get(alpha_2=code).name, code] for code in codes]
    for name, subdivisions in search._states_by_name().items():
        entries[name]["states"] = [
            [s.name, s.country.name, s.country_code, region_key(s.country_code, s.name)] for s in subdivisions
        ]
    for key, towns in places.by_town.items():
        entries[key]["towns"] = [
            [t.name, t.country, t.state, subdivision_code(t.country, t.state), t.population, t.latitude, t.longitude]
            + ([here] if (here := named.town(name_keys(t.name))) else [])
            for t in towns
        ]
    for key, where in places.counties_by_key.items():
        entries[key]["counties"] = [county_entry(places.by_county[(c, s, key)], key, named) for c, s in where]
    for z in us_zips():
        here = named.town(name_keys(z["city"]))
        state = subdivision_name(z["state"], "US")
        entries[z["zip_code"]]["zip"] = [z["city"], z["state"], state, float(z["lat"]), float(z["long"])] + (
            [here] if here else []
        )
    yield from entries.items()


def county_entry(towns: list, key: str, named: Named) -> list:
    """clearview.search.county_place: label, query, where, population; its qualifiers are its first town's, as
    counties_named reads them."""
    place = search.county_place(towns, key)
    first = towns[0]
    return [
        place.label,
        place.query,
        [first.country, first.state, subdivision_code(first.country, first.state)],
        place.state,
        sum(t.population for t in towns),
        place.latitude,
        place.longitude,
        named.county(key, place.towns),
    ]


def us_zips() -> Iterator[dict]:
    """Each ZIP code as zipcodes.matching gives it (the first row of that code), with a position."""
    seen: set[str] = set()
    for z in zipcodes.list_all():
        if z["zip_code"] not in seen and z.get("lat") not in (None, ""):
            seen.add(z["zip_code"])
            yield z
