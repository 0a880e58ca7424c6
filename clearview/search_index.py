"""The index behind the static site's search (static/static-search.js), in parts a browser fetches as it needs them.

Nothing is answered in advance: the browser runs clearview.search's rules itself over compact parts, so the static
site answers every query the live one does, and a reader downloads only what the query touches:

- `index.json`, the first download: the rules' constants, the name vocabulary, and where the parts below are.
- `vocabulary-digits.json`: the name words without a letter ("12"), needed only when a typed word has no letter.
- `words/<n>.json`: which agencies have each name word (clearview.search.AgencyIndex.postings, sharded by hash),
  each with its words and aliases as vocabulary numbers, so a name is scored before its agency is fetched; a long
  list is in `postings/<n>.json`, which the shard names by number.
- `agencies/<n>.json`: the agencies as the rules read them (words, aliases, country, state, type, point), in
  chunks: the wide agencies by region (a place's covers), then the locally placed ones along a Z-order curve with
  each chunk's bounding box (a town's neighbours), then the rest by region.
- `cards/<n>.json`: each agency's result card, rendered by templates/_agency_card.html, CARDS_PER_PART a part.
- `places/<n>.json`: the gazetteer, countries, states and ZIP codes, by the folded name a reader types (sharded by
  hash); a town, county or ZIP code lists the agencies whose town or county it is by name.
- `screens/<n>.json`: a state's or country's first screen: its first agencies and their cards, and how many.
- `lists/<n>.json`: a town, county or ZIP code whose answer is longer than a screen: its lists as positions.
- `big-towns.json`: the towns whose misspelt names are forgiven (clearview.search.corrected_town).
"""

from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cache, partial

import pycountry
import zipcodes

from clearview import said, search, wording
from clearview.gazetteer import Gazetteer, name_keys
from clearview.normalise import country_name, fold, subdivision_name

CHUNK_BYTES = 8_000  # agencies per chunk: a town's answer touches a few of these
CHUNK_SPAN = 2.0  # degrees: a chunk of locally placed agencies covers no more, so a town loads few it does not need
CARDS_PER_PART = 16
SAID_PER_PART = 64  # sentences: a phrase's few sentences touch a few parts
SHARD_BYTES = 4_000  # place shards: a lookup fetches one per spelling it tries, and a query tries several
WORD_SHARD_BYTES = 3_000  # word shards: a typed word's prefixes and near spellings are many words, each one shard


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
    """The agencies' index positions in the chunks' order: wide agencies by region in index order (covers lists them
    so), then locally placed ones along a Z-order curve (neighbours share chunks), then the rest by region."""

    def key(o: int) -> tuple:
        agency = index.agencies[o]
        region = agency["country"], fold(agency["state_province"] or "")
        if agency["agency_type"] in search.WIDE_TYPES:
            return 0, region, 0, o
        if search.is_local(agency):
            return 1, ("", ""), z_order(agency["latitude"], agency["longitude"]), o
        return 2, region, 0, o

    return sorted(range(len(index.agencies)), key=key)


def z_order(latitude: float, longitude: float) -> int:
    """The point's place on a Z-order (Morton) curve over 16-bit latitude and longitude."""
    y = int((latitude + 90) / 180 * 0xFFFF)
    x = int((longitude + 180) / 360 * 0xFFFF)
    code = 0
    for bit in range(16):
        code |= ((x >> bit) & 1) << (2 * bit) | ((y >> bit) & 1) << (2 * bit + 1)
    return code


def place_parts(index: search.AgencyIndex, places: Gazetteer) -> dict[str, str]:
    """The places/<n>.json shards and the lists/<n>.json parts, by path: they do not depend on the base path, so one
    set serves every build."""
    lists = Lists(index, {o: p for p, o in enumerate(chunk_order(index))})
    shards = sharded(place_entries(places, lists))
    return {f"places/{n}": shard for n, shard in enumerate(shards)} | {
        f"lists/{n}": compact(part) for n, part in enumerate(lists.parts)
    }


class Lists:
    """A town, county or ZIP code whose answer lists more agencies than a screen shows, here and nearby (a city among
    its suburbs), gets lists/<n>.json: how many each list holds and where they are, so the browser fetches
    the records and cards of the first screen only, not every agency within NEARBY_KM. Only places that could have so
    many are measured: named by more than a screen of agencies, or near that many (Neighbours.reach)."""

    def __init__(self, index: search.AgencyIndex, position: dict[int, int]) -> None:
        self.index, self.position = index, position
        self.named = Named(index, position)
        self.reach = index.neighbours.reach()
        self.parts: list[dict] = []
        self.numbers: dict[tuple, int | None] = {}

    def number(self, key: tuple, named: list[int], point: tuple, place: Callable[[], search.Place]) -> int | None:
        """The number of the place's part, if its answer is that long; named: the agencies its name makes here."""
        if len(named) + self.reach.get(search.Neighbours.cell(*point), 0) <= wording.SHOWN:
            return None
        if key not in self.numbers:
            self.numbers[key] = None
            result = search.place_result(self.index, place())
            here, nearby = result.here.positions, result.nearby.positions
            if len(here) + len(nearby) > wording.SHOWN:
                self.numbers[key] = len(self.parts)
                # Each list: how many, the first screen's positions (the neighbours' with their distances), and
                # where they all are, as runs (a town's agencies, sharing its point, lie side by side).
                shown = wording.SHOWN
                self.parts.append(
                    {
                        "count": len(here),
                        "first": [self.position[o] for o in here[:shown]],
                        "where": runs(sorted(self.position[o] for o in here)),
                        "nearby": len(nearby),
                        "nearest": [
                            v
                            for o, km in zip(nearby[:shown], result.nearby.distances[:shown], strict=True)
                            for v in (self.position[o], km)
                        ],
                        "near": runs(sorted(self.position[o] for o in nearby)),
                    }
                )
        return self.numbers[key]


def browser_index(
    index: search.AgencyIndex,
    places: Gazetteer,
    cards: list[str],
    place_parts: dict[str, str],
    said_rows: list[dict],
    sources: list[dict],
) -> dict[str, str]:
    """Every part, as JSON text by its path under /search/ ("index", "words/0", ...); cards[i] is agency i's;
    said_rows the said table in its order, and the sources they cite."""
    order = chunk_order(index)
    position = {o: p for p, o in enumerate(order)}  # each record keeps its index position as "o"
    said_parts = said_index(said_rows, sources, {a["agency_id"]: position[o] for o, a in enumerate(index.agencies)})
    records = agency_records(index)
    chunks = chunked([records[o] for o in order])
    regions: dict[str, dict] = {}
    p = 0
    for chunk in chunks:
        for agency in chunk["records"]:
            region = regions.setdefault(region_key(agency["country"], agency["state"]), {"wide": [p, []]})
            if agency["wide"]:  # the block's first position and each one's index order, to merge two regions' covers
                region["wide"][1].append(agency["o"])
            p += 1
    # A state or country lists every agency in it: its answer's first screen (the first SHOWN by name, with their
    # cards), how many there are, and where they all are (runs of positions, so a name found among them is known to
    # be listed), in a part of its own, instead of every record of the region.
    screens: list[dict] = []
    for key, found in [
        *((region_key(country, state), found) for (country, state), found in index.by_state.items() if state),
        *((country, found) for country, found in index.by_country.items()),
    ]:
        shown = found[: wording.SHOWN]
        where = runs(sorted(position[o] for o in found))
        first = [records[o] | {"p": position[o]} for o in shown]
        screen = {"key": key, "count": len(found), "where": where, "first": first, "cards": [cards[o] for o in shown]}
        screens.append(screen)
    for n, screen in enumerate(screens):
        if "|" in screen["key"]:
            regions[screen["key"]]["screen"] = n
    countries = {screen["key"]: n for n, screen in enumerate(screens) if "|" not in screen["key"]}
    # The vocabulary: words with a letter (in index.json), then those without (fetched only for a typed number).
    vocabulary = [word for word in index.vocabulary if any(c.isalpha() for c in word)]
    digits = [word for word in index.vocabulary if not any(c.isalpha() for c in word)]
    number = {word: i for i, word in enumerate(vocabulary + digits)}
    # Each agency's words and aliases as vocabulary numbers: a posting carries them, so the browser scores a name
    # from the postings alone and fetches only the agencies that match.
    # With its rank by name (then index order, as match_names sorts ties), the names found are ordered with no agency
    # fetched either.
    by_name = sorted(range(len(index.agencies)), key=lambda o: (index.agencies[o]["name"], o))
    rank = {o: r for r, o in enumerate(by_name)}
    spelled = [
        [position[o], rank[o], sorted({number[w] for w in words})]
        + ([sorted(number[a] for a in aliases)] if aliases else [])
        for o, (_, words, aliases) in enumerate(index.names)
    ]
    postings = {
        word: sorted((spelled[o] for o in found), key=lambda entry: entry[0]) for word, found in index.postings.items()
    }
    # A long list (a word most names have) gets a part of its own, so a shard stays small whatever hashes to it.
    long_lists = [word for word, found in postings.items() if len(found) > WORD_SHARD_BYTES // 64]
    numbers = {word: n for n, word in enumerate(long_lists)}
    words = sharded(((word, numbers.get(word, found)) for word, found in postings.items()), WORD_SHARD_BYTES)
    parts = {
        "index": {
            "constants": constants(),
            "vocabulary": front_coded(vocabulary),
            "shards": {
                "words": len(words),
                "postings": len(long_lists),
                "places": sum(1 for path in place_parts if path.startswith("places/")),
                "lists": sum(1 for path in place_parts if path.startswith("lists/")),
                "cards": CARDS_PER_PART,
                "said-words": sum(1 for path in said_parts if path.startswith("said-words/")),
                "said": SAID_PER_PART,
                "screens": len(screens),
            },
            "said_rows": sum(len(part) for path, part in said_parts.items() if path.startswith("said/")),
            "agencies": len(records),
            "chunks": [chunk["where"] for chunk in chunks],
            "regions": regions,
            "countries": countries,
            # Wide agencies placed at a town are neighbours of towns in other states.
            "wide_local": [[position[r["o"]], r["lat"], r["lon"]] for r in records if r["wide"] and r["local"]],
            "country_names": {c.alpha_2: country_name(c.alpha_2) for c in pycountry.countries},
            # Where each country's capital is (clearview.search.town_place marks the town that is one).
            "capitals": {
                c.alpha_2: [capital.latitude, capital.longitude]
                for c in pycountry.countries
                if (capital := places.find_capital(c.alpha_2))
            },
        },
        "vocabulary-digits": digits,
        "big-towns": search.big_towns(places),
    }
    parts |= {f"agencies/{n}": chunk["records"] for n, chunk in enumerate(chunks)}
    parts |= {f"screens/{n}": {k: v for k, v in screen.items() if k != "key"} for n, screen in enumerate(screens)}
    ordered_cards = [cards[o] for o in order]
    parts |= {
        f"cards/{n}": ordered_cards[start : start + CARDS_PER_PART]
        for n, start in enumerate(range(0, len(ordered_cards), CARDS_PER_PART))
    }
    parts |= {f"words/{n}": shard for n, shard in enumerate(words)}
    parts |= {f"postings/{n}": postings[word] for n, word in enumerate(long_lists)}
    parts |= place_parts
    parts |= said_parts
    return {path: value if isinstance(value, str) else compact(value) for path, value in parts.items()}


def said_index(rows: list[dict], sources: list[dict], position: dict[str, int]) -> dict[str, object]:
    """The said table (clearview/said.py) for the browser: each sentence's words point to its number (said-words/<n>,
    sharded), the sentences in their order SAID_PER_PART a part ([agency's position or null, fact, sentence,
    source_id]), and the sources they cite. A search fetches the shards of the words typed and the parts of the
    sentences that have them all."""
    postings: dict[str, list[int]] = {}
    entries = []
    for row in rows:
        if row["agency_id"] and row["agency_id"] not in position:
            continue
        for word in dict.fromkeys(row["words"].split()):
            postings.setdefault(word, []).append(len(entries))
        entries.append([position.get(row["agency_id"]), row["fact"], row["sentence"], row["source_id"]])
    cited = {row["source_id"] for row in rows}
    return (
        {f"said-words/{n}": shard for n, shard in enumerate(sharded(postings.items()))}
        | {
            f"said/{n}": entries[start : start + SAID_PER_PART]
            for n, start in enumerate(range(0, len(entries), SAID_PER_PART))
        }
        | {"said-sources": {s["source_id"]: s for s in sources if s["source_id"] in cited}}
        | {"said-vocabulary": {"words": front_coded(sorted(postings))}}  # the words the last word typed starts
    )


def runs(positions: list[int]) -> list[int]:
    """Sorted positions as [first, length, first, length, ...]: a region's agencies lie mostly side by side."""
    flat: list[int] = []
    for position in positions:
        if flat and flat[-2] + flat[-1] == position:
            flat[-1] += 1
        else:
            flat += [position, 1]
    return flat


def front_coded(words: list[str]) -> str:
    """Sorted words in fewer bytes: each as the count of letters it shares with the one before (a character from
    "0" on) and the rest, one a line. static-search.js reads it back."""
    lines, previous = [], ""
    for word in words:
        shared = min(len(os.path.commonprefix([previous, word])), 60)
        lines.append(chr(48 + shared) + word[shared:])
        previous = word
    return "\n".join(lines)


def part_paths(index: dict) -> list[str]:
    """Every part's path under /search/, from index.json (the static site writes each)."""
    shards = index["shards"]
    return (
        ["vocabulary-digits", "big-towns"]
        + [f"agencies/{n}" for n in range(len(index["chunks"]))]
        + [f"cards/{n}" for n in range(-(-index["agencies"] // shards["cards"]))]
        + [f"words/{n}" for n in range(shards["words"])]
        + [f"postings/{n}" for n in range(shards["postings"])]
        + [f"places/{n}" for n in range(shards["places"])]
        + [f"said-words/{n}" for n in range(shards["said-words"])]
        + [f"said/{n}" for n in range(-(-index["said_rows"] // shards["said"]))]
        + [f"screens/{n}" for n in range(shards["screens"])]
        + [f"lists/{n}" for n in range(shards["lists"])]
        + ["said-sources", "said-vocabulary"]
    )


def constants() -> dict:
    return {
        "threshold": search.NAME_THRESHOLD,
        "exact": search.EXACT,
        "nearby_km": search.NEARBY_KM,
        "generic": sorted(search.GENERIC),
        "county_words": search.COUNTY_WORDS.pattern,
        "filler": search.FILLER.pattern,
        "trailing": search.TRAILING.pattern,
        "abbreviations": search.ABBREVIATIONS,
        "agency_words": search.AGENCY_WORDS.pattern,
        "postal": search.POSTAL.pattern,
        "alias_threshold": search.ALIAS_THRESHOLD,
        "stop": sorted(search.STOP),
        "nicknames": search.nicknames(),
        "country_aliases": search.COUNTRY_ALIASES,
        "shown": wording.SHOWN,
        "words": wording.RESULTS,
        "request": wording.REQUEST,
        "said": {
            "max_words": said.MAX_WORDS,
            "per_agency": said.SENTENCES_PER_AGENCY,
            "facts": said.FACTS,
            "context_words": said.CONTEXT_WORDS,
            "titles_shown": said.TITLES_SHOWN,
            "prefix_letters": said.PREFIX_LETTERS,
        },
        "group_after": search.GROUP_AFTER,
        "said_group_after": search.SAID_GROUP_AFTER,
        "reporting": wording.REPORTING,
    }


def agency_records(index: search.AgencyIndex) -> list[dict]:
    """Each agency as clearview.search reads it: words and aliases folded, place fields keyed as the rules compare."""
    return [
        {
            "o": o,
            "id": agency["agency_id"],
            "name": agency["name"],
            "words": words,
            "aliases": sorted(aliases),
            "written": [a.strip() for a in (agency["aliases"] or "").split(";") if a.strip()],
            "country": agency["country"],
            "state": fold(agency["state_province"] or ""),
            "wide": agency["agency_type"] in search.WIDE_TYPES,
            "local": (local := search.is_local(agency)),
            "lat": agency["latitude"] if local else None,
            "lon": agency["longitude"] if local else None,
        }
        for o, (agency, words, aliases) in enumerate(index.names)
    ]


def chunked(records: list[dict]) -> list[dict]:
    """Consecutive records in chunks of about CHUNK_BYTES: a new one at a new region once half full, and among the
    locally placed (not wide) agencies whenever the box around the chunk's points would outgrow CHUNK_SPAN. Each
    chunk says where it is: [first position] or, for placed agencies, [first, south, west, north, east]."""
    chunks: list[dict] = []
    size = 0
    for p, record in enumerate(records):
        spatial = record["local"] and not record["wide"]
        region = record["country"], record["state"]
        last = chunks[-1] if chunks else None
        if last is not None and len(last["where"]) > 1 and spatial:
            south, west, north, east = last["where"][1:]
            south, west = min(south, record["lat"]), min(west, record["lon"])
            north, east = max(north, record["lat"]), max(east, record["lon"])
            too_wide = north - south > CHUNK_SPAN or east - west > CHUNK_SPAN
        else:
            too_wide = False
        if (
            last is None
            or size >= CHUNK_BYTES
            or spatial != (len(last["where"]) > 1)
            or too_wide
            or (not spatial and region != last["region"] and size >= CHUNK_BYTES // 2)
        ):
            where = [p, record["lat"], record["lon"], record["lat"], record["lon"]] if spatial else [p]
            chunks.append({"where": where, "records": [], "region": region})
            size = 0
        chunk = chunks[-1]
        if spatial:  # rounded outwards to a tenth of a degree: still a box around every point, in fewer bytes
            where = chunk["where"]
            where[1:] = [
                min(where[1], math.floor(record["lat"] * 10) / 10),
                min(where[2], math.floor(record["lon"] * 10) / 10),
                max(where[3], math.ceil(record["lat"] * 10) / 10),
                max(where[4], math.ceil(record["lon"] * 10) / 10),
            ]
        chunk["records"].append(record)
        chunk["region"] = region
        size += len(compact(record))
    return chunks


def sharded(entries, size: int = SHARD_BYTES) -> list[str]:
    """Key-value pairs as JSON objects of about size bytes each, a key's shard given by shard_of. The count comes
    from a sample's size, so each shard is serialised once."""
    entries = list(entries)
    sample = entries[:: max(1, len(entries) // 500)]
    mean = sum(len(compact(key)) + len(compact(value)) + 2 for key, value in sample) / max(1, len(sample))
    shards: list[dict] = [{} for _ in range(max(1, round(mean * len(entries) / size)))]
    for key, value in sorted(entries, key=lambda entry: entry[0]):  # the same files from the same data
        shards[shard_of(key, len(shards))][key] = value
    return [compact(shard) for shard in shards]


class Named:
    """The agencies a place's name could make "here" (clearview.search.AgencyIndex.listed_in's name test: the
    agency's town shares a name key with the place, or its county is the county), by their position in the browser's
    index; the browser applies the country and state test."""

    def __init__(self, index: search.AgencyIndex, position: dict[int, int]) -> None:
        self.by_town = {key: {position[o] for o in found} for key, found in index.by_town.items()}
        self.by_county = {key: {position[o] for o in found} for key, found in index.by_county.items()}

    def town(self, keys) -> list[int]:
        return sorted({p for key in keys if key in self.by_town for p in self.by_town[key]})

    def county(self, key: str, town_keys) -> list[int]:
        return sorted(self.by_county.get(key, set()) | set(self.town(town_keys)))


@cache
def subdivision_code(country: str, state: str) -> str:
    """What region_qualifiers adds to the state's and country's folded names: the state's ISO code ("ct"), if any
    ("|" between two)."""
    names = {fold(state), fold(country), fold(country_name(country))}
    return "|".join(sorted(search.region_qualifiers(country, state) - names))


def place_entries(places: Gazetteer, lists: Lists) -> Iterator[tuple[str, dict]]:
    """(folded name, what it names) for every name find_places looks up. A town or county carries its country, state
    and state code, from which the browser writes its label and qualifiers as clearview.search does; a town, county
    or ZIP code ends with the agencies its name makes here and the number of its lists part (Lists), where it has
    them."""
    named = lists.named
    entries: dict[str, dict] = defaultdict(dict)
    for name, codes in search._countries_by_name().items():
        entries[name]["countries"] = [[pycountry.countries.get(alpha_2=code).name, code] for code in codes]
    for name, subdivisions in search._states_by_name().items():
        entries[name]["states"] = [
            [s.name, s.country.name, s.country_code, region_key(s.country_code, s.name)] for s in subdivisions
        ]
    for key, towns in places.town_groups():
        entries[key]["towns"] = []
        for t in towns:
            here = named.town(name_keys(t.name))
            number = lists.number(("town", t), here, (t.latitude, t.longitude), partial(search.town_place, t, places))
            entries[key]["towns"].append(
                [t.name, t.country, t.state, subdivision_code(t.country, t.state), t.population, t.latitude]
                + [t.longitude, *ending(here, number)]
            )
    for key, where in places.county_groups():
        entries[key]["counties"] = [
            county_entry(places.county_towns(c, s, key), key, lists, ("county", key, c, s)) for c, s in where
        ]
    for z in us_zips():
        here = named.town(name_keys(z["city"]))
        point = float(z["lat"]), float(z["long"])
        number = lists.number(("zip", z["zip_code"]), here, point, partial(search.zip_place, z))
        state = subdivision_name(z["state"], "US")
        entries[z["zip_code"]]["zip"] = [z["city"], z["state"], state, *point, *ending(here, number)]
    yield from entries.items()


def ending(here: list[int], number: int | None) -> list:
    """The agencies a name makes here, if any, then the number of the place's lists part, if it has one."""
    return [here] if number is None and here else [] if number is None else [here, number]


def county_entry(towns: list, key: str, lists: Lists, identity: tuple) -> list:
    """clearview.search.county_place: label, query, where, population; its qualifiers are its first town's, as
    counties_named reads them."""
    place = search.county_place(towns, key)
    first = towns[0]
    here = lists.named.county(key, place.towns)
    number = lists.number(identity, here, (place.latitude, place.longitude), lambda: place)
    return [
        place.label,
        place.query,
        [first.country, first.state, subdivision_code(first.country, first.state)],
        place.state,
        sum(t.population for t in towns),
        place.latitude,
        place.longitude,
        here,
    ] + ([] if number is None else [number])


def us_zips() -> Iterator[dict]:
    """Each ZIP code as zipcodes.matching gives it (the first row of that code), with a position."""
    seen: set[str] = set()
    for z in zipcodes.list_all():
        if z["zip_code"] not in seen and z.get("lat") not in (None, ""):
            seen.add(z["zip_code"])
            yield z
