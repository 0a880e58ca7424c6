"""Reader search: an agency name (typos, abbreviations, other languages) or a place, in one box.

Pure functions over a list of agencies, so the live site and the static site answer alike.
"""

from __future__ import annotations

import bisect
import csv
import math
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pycountry
import zipcodes
from rapidfuzz import fuzz, process

from clearview.cache import once_per_database
from clearview.gazetteer import Gazetteer, county_key, name_keys
from clearview.normalise import country_name, fold, subdivision_name
from clearview.sql_limits import own_rows

NAME_THRESHOLD = 80  # mean rapidfuzz ratio of typed words: "tornto" scores 92 against "toronto"
ALIAS_THRESHOLD = 90  # an alias matches whole, a typo forgiven: "scotland yrd", never "scotland" alone
EXACT = 100  # every typed word is a word, or the start of a word, of the name
NEARBY_KM = 50
LOCAL_PRECISIONS = {"city", "county", "manual"}
WIDE_TYPES = {"state_provincial_police", "federal_national_agency", "government_department"}

AGENCIES_SQL = "select * from agency_shown"  # the one definition of an agency as shown (build_db.py)


@dataclass
class Place:
    label: str
    kind: str  # zip, city, county, state, country
    country: str
    state: str = ""
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    county: str = ""  # for a county: its key (gazetteer.county_key) and the folded names of its towns
    towns: frozenset[str] = frozenset()
    query: str = ""  # what to type to find this place first ("Boise City, Oklahoma"), for "Did you mean"
    capital: bool = False  # its country's capital, where agencies placed by country alone are put on the map


@dataclass
class Found:
    agency: dict
    why: str  # name, alias, here, nearby, covers, capital
    score: float = 0
    distance_km: float | None = None
    alias: str = ""  # the alias it matched, as written
    said: list = field(default_factory=list)  # clearview.said.Said: its sentences that hold a searched phrase
    also: list[tuple[str, str]] = field(default_factory=list)  # other reasons it is here: (wording key, place)
    more_said: int = 0


@dataclass
class PlaceResult:
    place: Place
    here: Listed
    nearby: Listed
    covers: Listed
    seat: Listed  # at a capital: the national agencies placed there

    @property
    def lists(self) -> bool:
        return bool(self.here or self.nearby or self.covers or self.seat)


class Listed(Sequence):
    """A place's list of agencies, kept as their positions in the index: its cards (Found) are made only for those
    read, so a state's 14,000 agencies are counted and only the first screen's cards are made."""

    def __init__(self, index: AgencyIndex, positions: list[int], why: str, distances: list[float] | None = None):
        self.index, self.positions, self.why, self.distances = index, positions, why, distances
        self.cards: dict[int, Found] = {}  # by place in the list
        self.reasons: dict[int, list[tuple[str, str]]] = {}  # other reasons to be here, for cards not yet made

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, item):
        if isinstance(item, slice):
            return [self[n] for n in range(*item.indices(len(self)))]
        n = range(len(self))[item]
        if n not in self.cards:
            distance = self.distances[n] if self.distances is not None else None
            found = Found(self.index.agencies[self.positions[n]], self.why, distance_km=distance)
            found.also = self.reasons.pop(n, [])
            self.cards[n] = found
        return self.cards[n]

    def also(self, n: int, reason: tuple[str, str]) -> None:
        """Another reason the nth agency is here (shown_once): on its card, made now or when it is read."""
        (self.cards[n].also if n in self.cards else self.reasons.setdefault(n, [])).append(reason)

    def __add__(self, other) -> list[Found]:
        return [*self, *other]

    def __radd__(self, other) -> list[Found]:
        return [*other, *self]

    def without(self, leaving: set[int]) -> Listed:
        """The list less the places in leaving, its cards kept."""
        kept = [n for n in range(len(self)) if n not in leaving]
        listed = Listed(
            self.index,
            [self.positions[n] for n in kept],
            self.why,
            [self.distances[n] for n in kept] if self.distances is not None else None,
        )
        listed.cards = {new: self.cards[old] for new, old in enumerate(kept) if old in self.cards}
        listed.reasons = {new: self.reasons[old] for new, old in enumerate(kept) if old in self.reasons}
        return listed


@dataclass
class Results:
    query: str
    names: list[Found]
    places: list[PlaceResult]

    @property
    def empty(self) -> bool:
        return not self.names and not any(p.lists for p in self.places)


GROUP_AFTER = 4  # a longer list folds into groups, each with its count: a results page stays short at 375 px
SAID_GROUP_AFTER = 3  # cards with a sentence each are taller
REGION_LEVELS = ("country_name", "state_province", "city", "type_label")  # the kind last, for one town's agencies


def grouped(found: list[Found]) -> list[tuple[str, list[Found]]]:
    """A long list by the first of country, state, town or kind of agency that tells its agencies apart, the largest
    group first; where none does, by the first letter of the name, in order. [] for a short list. static-search.js
    groups the same way."""
    if len(found) <= (SAID_GROUP_AFTER if any(one.said for one in found) else GROUP_AFTER):
        return []
    for level in REGION_LEVELS:
        groups: dict[str, list[Found]] = {}
        for one in found:
            groups.setdefault(one.agency[level] or "", []).append(one)
        if len(groups) > 1:
            return sorted(groups.items(), key=lambda group: (-len(group[1]), group[0] == "", group[0]))
    initials: dict[str, list[Found]] = {}
    for one in found:
        initials.setdefault(fold(one.agency["name"])[:1].upper(), []).append(one)
    return sorted(initials.items()) if len(initials) > 1 else []


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6,371 km)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    return arc_km(phi2 - phi1, math.cos(phi1), math.cos(phi2), math.radians(lon2 - lon1))


def arc_km(dphi: float, cos1: float, cos2: float, dlambda: float) -> float:
    """distance_km from the differences in latitude and longitude (radians) and the latitudes' cosines, which
    AgencyIndex.nearby keeps for each point."""
    a = math.sin(dphi / 2) ** 2 + cos1 * cos2 * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


# Words nearly every agency name has: they neither find nor rank an agency unless nothing else is typed.
GENERIC = frozenset(
    "police department dept service services office county sheriff sheriffs sheriff's regional state city of the "  # noqa: SIM905
    "and de di des du la le et bureau agency national federal provincial division public ministry polizia politie "
    "polis policia polícia".split()
)


# Joining words: typed or not, they say nothing about which agency is meant.
STOP = frozenset(["of", "the", "and", "de", "di", "des", "du", "la", "le", "et"])


def tokens(text: str) -> list[str]:
    return re.findall(r"[\w']+", text)


CELL_DEGREES = 1.0


def is_local(agency: dict) -> bool:
    """Placed at its own town or county: such an agency is a place's neighbour, and has neighbours of its own."""
    return agency["location_precision"] in LOCAL_PRECISIONS and agency["latitude"] is not None


class Neighbours:
    """Locally placed agencies by their point, and the points in one-degree cells, so a place only measures the
    distance to points near it, each once however many agencies share it (a town's agencies do)."""

    def __init__(self, agencies: list[dict]) -> None:
        self.at: dict[tuple[float, float], list[int]] = defaultdict(list)  # a point's agencies, in index order
        for position, agency in enumerate(agencies):
            if is_local(agency):
                self.at[(agency["latitude"], agency["longitude"])].append(position)
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = defaultdict(list)
        for latitude, longitude in self.at:  # with its latitude in radians and that's cosine, for distances
            phi = math.radians(latitude)
            self.cells[self.cell(latitude, longitude)].append((latitude, longitude, phi, math.cos(phi)))

    @staticmethod
    def cell(latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / CELL_DEGREES), math.floor(longitude / CELL_DEGREES)

    ROWS = math.ceil(NEARBY_KM / 111 / CELL_DEGREES) + 1  # rows of cells near() looks in, either side

    @classmethod
    def columns(cls, latitude: float) -> int:
        """Columns of cells near() looks in, either side, at a latitude (more toward the poles)."""
        shrink = max(math.cos(math.radians(min(abs(latitude) + cls.ROWS, 89.9))), 0.01)
        return min(math.ceil(NEARBY_KM / (111 * shrink) / CELL_DEGREES) + 1, 180)

    def near(self, latitude: float, longitude: float) -> list[tuple[float, float, float, float]]:
        """Every point with a local agency within NEARBY_KM, and some further away (a superset)."""
        row, column = self.cell(latitude, longitude)
        rows, columns = self.ROWS, self.columns(latitude)
        found = []
        for r in range(row - rows, row + rows + 1):
            for c in range(column - columns, column + columns + 1):
                found += self.cells.get((r, (c + 180) % 360 - 180), [])
        return found

    def reach(self) -> dict[tuple[int, int], int]:
        """For each cell from which near() finds a point, how many agencies it can find at most."""
        counts: dict[tuple[int, int], int] = defaultdict(int)
        for (row, column), points in self.cells.items():
            agencies = sum(len(self.at[point[:2]]) for point in points)
            for r in range(row - self.ROWS, row + self.ROWS + 1):
                columns = self.columns(max(abs(r), abs(r + 1)) * CELL_DEGREES)  # the most a town in row r looks
                for c in range(column - columns, column + columns + 1):
                    counts[r, (c + 180) % 360 - 180] += agencies
        return counts


@dataclass
class AgencyIndex:
    """Agencies with their names folded once and grouped by state and by map cell, so each search only compares
    what could match."""

    agencies: list[dict]

    def __post_init__(self) -> None:
        # Each agency's own name's words, and its aliases whole: a name matches by its words, an alias only whole.
        self.names: list[tuple[dict, list[str], set[str]]] = []
        for agency in self.agencies:
            aliases = [fold(a) for a in (agency["aliases"] or "").split(";") if a.strip()]
            self.names.append((agency, tokens(fold(agency["name"])), set(aliases)))
        self.postings: dict[str, list[int]] = defaultdict(list)  # word -> agencies with it, aliases' words too
        for i, (_, words, aliases) in enumerate(self.names):
            for word in {*words, *aliases, *(w for a in aliases if len(a) > 4 for w in tokens(a))}:
                self.postings[word].append(i)
        self.vocabulary = sorted(self.postings)
        # Names alike but for their numbers ("... Office 1054", "... 11362") score alike against typed words with no
        # digit (a number scores 0 against each), so match_names scores each set of lettered words once a search.
        word_sets: dict[tuple[frozenset[str], bool], int] = {}
        self.word_set_of = [
            word_sets.setdefault(
                (frozenset(w for w in words if not w.isdigit()), any(w.isdigit() for w in words)), len(word_sets)
            )
            for _, words, _ in self.names
        ]
        self.word_sets = list(word_sets)
        # By length, and again without the words of digits: a typed word of letters shares no character with those,
        # so it scores 0 against every one.
        self.by_length: dict[tuple[bool, int], list[str]] = defaultdict(list)  # (without digits, length) -> words
        for word in self.vocabulary:
            self.by_length[False, len(word)].append(word)
            if not word.isdigit():
                self.by_length[True, len(word)].append(word)
        self.by_id = {agency["agency_id"]: agency for agency in self.agencies}
        self.order = {agency_id: n for n, agency_id in enumerate(self.by_id)}  # by name, as lists are ordered
        self.neighbours = Neighbours(self.agencies)
        # What place_result asks of each agency, worked out once: lists by state, town name key and county key, in
        # index order, so a place looks up its agencies instead of testing each.
        self.state_keys = [fold(agency["state_province"] or "") for agency in self.agencies]
        self.by_state: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.wide_by_state: dict[tuple[str, str], list[int]] = defaultdict(list)  # those that cover a place in it
        self.by_country: dict[str, list[int]] = defaultdict(list)
        self.by_town: dict[str, list[int]] = defaultdict(list)
        self.by_county: dict[str, list[int]] = defaultdict(list)
        for i, agency in enumerate(self.agencies):
            region = (agency["country"], self.state_keys[i])
            self.by_state[region].append(i)
            if agency["agency_type"] in WIDE_TYPES:
                self.wide_by_state[region].append(i)
            self.by_country[agency["country"]].append(i)
            for key in name_keys(agency["city"]) if agency["city"] else ():
                self.by_town[key].append(i)
            if agency["county"]:
                self.by_county[county_key(agency["county"])].append(i)

    def shortlist(self, wanted: list[str], text: str) -> list[int]:
        """The agencies match_names could find, in index order. A mean of word scores reaches NAME_THRESHOLD only
        if one typed word scores that much against one of the agency's words, so only those are scored."""
        found = set(self.postings.get(text, []))  # an exact alias
        for typed in dict.fromkeys(wanted):  # "new york city, new york" asks for each word once
            if len(typed) >= 3:  # a prefix scores 100
                i = bisect.bisect_left(self.vocabulary, typed)
                while i < len(self.vocabulary) and self.vocabulary[i].startswith(typed):
                    found.update(self.postings[self.vocabulary[i]])
                    i += 1
            for word in self.near(typed):
                found.update(self.postings[word])
        return sorted(found)

    def near(self, typed: str) -> Iterator[str]:
        """The words whose ratio to a typed word reaches NAME_THRESHOLD. The ratio is at most twice the shorter
        length over both lengths, so only words of lengths near the typed word's are measured."""
        most = len(typed) * (200 - NAME_THRESHOLD) // NAME_THRESHOLD
        least = -(-len(typed) * NAME_THRESHOLD // (200 - NAME_THRESHOLD))
        for length in range(least, most + 1):
            words = self.by_length.get((typed.isalpha(), length), [])
            for word, _, _ in process.extract_iter(typed, words, scorer=fuzz.ratio, score_cutoff=NAME_THRESHOLD):
                yield word

    def listed_in(self, place: Place) -> tuple[list[int], list[int]]:
        """The agencies a place lists as here and as covering it, in index order: in its country, and for a town,
        county or state, in its state or in none. A county's are those in it or in one of its towns."""
        if place.kind == "country":
            return self.by_country.get(place.country, []), []
        state = fold(place.state)
        if place.kind == "state":
            here = self.by_state.get((place.country, state), [])
        else:
            if place.kind == "county":
                found = set(self.by_county.get(place.county, []))
                keys = place.towns
            else:
                found = set()
                keys = name_keys(place.city)
            for key in keys:
                found.update(self.by_town.get(key, []))
            here = sorted(
                i for i in found if self.agencies[i]["country"] == place.country and self.state_keys[i] in (state, "")
            )
        listed = set(here)
        wide = self.wide_by_state.get((place.country, state), []) + self.wide_by_state.get((place.country, ""), [])
        return here, sorted(i for i in set(wide) if i not in listed)

    def nearby(self, latitude: float, longitude: float, listed: set[int]) -> list[tuple[float, int]]:
        """(distance in km to a tenth, position) of the locally placed agencies within NEARBY_KM of a point, not
        listed already, nearest first (ties in index order): a place's neighbours in search, an agency's on its
        page. The distance is distance_km's (arc_km), from the figures kept for each point."""
        phi1, cos1 = math.radians(latitude), math.cos(math.radians(latitude))
        band = NEARBY_KM / 6371.0 * 1.000001  # no point further in latitude alone can be near
        found = []
        for latitude2, longitude2, phi2, cos2 in self.neighbours.near(latitude, longitude):
            dphi = phi2 - phi1
            if abs(dphi) > band:
                continue
            distance = arc_km(dphi, cos1, cos2, math.radians(longitude2 - longitude))
            if distance <= NEARBY_KM:
                km = round(distance, 1)
                found += [(km, i) for i in self.neighbours.at[(latitude2, longitude2)] if i not in listed]
        return sorted(found)


async def agency_index(database) -> AgencyIndex:
    """The index of a served database (a datasette.database.Database), built once."""

    async def build(database) -> AgencyIndex:
        return AgencyIndex(await own_rows(database, AGENCIES_SQL))

    return await once_per_database(database, "agency_index", build)


# How a person asks, read the same way by the static site (search_index.py exports these; static-search.js applies
# them): filler around the words that matter goes ("my town is Hamden CT", "police in Timmins", "... use
# Clearview?"); common abbreviations are spelt out for names ("Chicago PD"); a place followed by an agency word is
# looked up as the place ("Montreal police", "Boise PD", "Indiana state police").
FILLER = re.compile(
    r"^(?:(?:my (?:town|city|county|state|province) is|i live in|i am in|i'm in|im in|what about|agencies in"
    r"|(?:the )?(?:police|cops) (?:department |service )?(?:in|of|for)|(?:the )?sheriff(?:'s office)? (?:in|of|for)"
    r"|(?:is|are|was|were) there|show me|tell me about|(?:did|does|do|has|have|is|was|were)(?: the)?"
    r"|in|near|around) )+"
)
TRAILING = re.compile(
    r"(?: (?:ever )?(?:use[ds]?|using|use of|tr(?:y|ied)|run searches with|ran searches with) (?:the )?"
    r"(?:clearview(?: ai)?|facial recognition|face recognition)| \?|\?)+$"
)
ABBREVIATIONS = {"pd": "police department", "so": "sheriff's office", "ps": "police service", "da": "district attorney"}
AGENCY_WORDS = re.compile(
    r" (?:state police|police(?: department| service| force)?|sheriff(?:'s office|'s department| office)?"
    r"|pd|so|ps|da|district attorney(?:'s office)?|constabulary)$"
)
POSTAL = re.compile(r"(?:,? (?:\d{5}(?:-\d{4})?|[a-z]\d[a-z] ?\d[a-z]\d))$")  # a US ZIP or Canadian code after a town


NICKNAMES = Path(__file__).with_name("place_nicknames.csv")


@cache
def nicknames() -> dict[str, str]:
    """What readers call a town ("nyc", "philly"), each with its place and the source that says so."""
    with open(NICKNAMES, encoding="utf-8", newline="") as handle:
        return {fold(row["nickname"]): fold(row["place"]) for row in csv.DictReader(handle)}


def understand(text: str) -> tuple[str, str]:
    """(what to match against agency names, what to look up as a place) in a folded query."""
    text = TRAILING.sub("", FILLER.sub("", text)).strip(" ,.")
    expanded = " ".join(ABBREVIATIONS.get(word, word) for word in text.split(" "))
    place = AGENCY_WORDS.sub("", text).strip(" ,.")
    place = POSTAL.sub("", place).strip(" ,.") or place  # "Tampa FL 33602": the town and state say it
    place = nicknames().get(place, place)  # "nyc", "dc": from a table with its sources, never guessed
    return expanded, place or expanded


def search(index: AgencyIndex, query: str, places: Gazetteer) -> Results:
    name_text, place_text = understand(fold(query).strip(" ,."))
    if not name_text:
        return Results(query, [], [])
    names = match_names(index, name_text)
    results = [place_result(index, p) for p in find_places(place_text, places)]
    # A misspelt town ("Bosie", "Sacremento") is forgiven as a name's typo is, even where an agency's name only
    # looks like it (a "Boise ..." agency scores 80 against "bosie").
    if not results and all(found.score < EXACT for found in names):
        for town, rest in readings(place_text):
            corrected = corrected_town(town, places)
            if corrected:
                found = find_places(", ".join([corrected, *rest]), places)
                results = [place_result(index, p) for p in found]
            if results:
                break
    # A place the words name exactly beats names that only look alike: "Sweden" is not Eden Prairie.
    if results and all(found.score < EXACT for found in names):
        names = []
    # A place that lists nothing shows only when nothing else answers: not a town that shares a word with an agency
    # ("Police", Poland), nor Cañada in Mexico beside Canada.
    if names or any(r.lists for r in results):
        results = [r for r in results if r.lists]
    return Results(query, *shown_once(index, names, results))


def shown_once(
    index: AgencyIndex, names: list[Found], results: list[PlaceResult]
) -> tuple[list[Found], list[PlaceResult]]:
    """No agency twice on a page, one card with all its reasons: one the place lists (here or nearby) leaves the
    names and its card says the name matches too; a name found leaves the folded list of those that cover the place,
    and its card says it covers it."""
    named = {index.order[f.agency["agency_id"]]: f for f in names}  # by position in the index, in the names' order
    if not named:
        return names, results
    placed = set()
    for result in results:
        for listed in (result.here, result.nearby, result.seat):
            for n, position in enumerate(listed.positions):
                if position in named:
                    listed.also(n, ("also_name", ""))
                    placed.add(position)
    named = {position: found for position, found in named.items() if position not in placed}
    for result in results:
        hits = [n for n, position in enumerate(result.covers.positions) if position in named]
        for n in hits:
            named[result.covers.positions[n]].also.append(("also_covers", result.place.label))
        result.covers = result.covers.without(set(hits))
    return list(named.values()), results


FUZZY_TOWN_POPULATION = 100_000  # towns this large are forgiven a typo; a misspelt village would match anything


@cache
def big_towns(places: Gazetteer) -> list[str]:
    """The folded names of towns of FUZZY_TOWN_POPULATION or more, largest first (the static index carries them)."""
    largest = dict(places.largest(FUZZY_TOWN_POPULATION))
    return sorted(largest, key=lambda key: (-largest[key], key))


def corrected_town(text: str, places: Gazetteer) -> str:
    """The big town whose name is nearest the typed words (the larger where two are as near), or ''."""
    best = max(big_towns(places), key=lambda key: fuzz.ratio(text, key), default="")
    return best if best and fuzz.ratio(text, best) >= NAME_THRESHOLD else ""


def word_scores(typed: str, vocabulary: set[str]) -> dict[str, float]:
    """How well one typed word matches each word: 100 for a word it starts (three letters or more), else the ratio.
    A name scores its best word; each word is scored once a search, however many names share it."""
    prefix = len(typed) >= 3
    # A typed word of letters shares no character with a word of digits ("111"): those score 0, unmeasured.
    measured = vocabulary if not typed.isalpha() else [word for word in vocabulary if not word.isdigit()]
    scores = dict.fromkeys(vocabulary, 0.0)
    scores.update((word, 100.0 if prefix and word.startswith(typed) else fuzz.ratio(typed, word)) for word in measured)
    return scores


def match_names(index: AgencyIndex, text: str) -> list[Found]:
    """Best first: an exact alias, then names whose distinctive words match what was typed, typos forgiven."""
    typed = tokens(text)
    distinctive = [w for w in typed if w not in GENERIC]
    only_generic = not distinctive  # "sheriff's office": then the generic words are what is looked for
    wanted = typed if only_generic else distinctive
    shortlisted = index.shortlist(wanted, text)
    # Typed words with no digit score every number 0: names are then scored by their set of lettered words (and
    # whether they have a number), each set once; otherwise by all their words.
    by_letters = not any(c.isdigit() for word in typed for c in word)
    if by_letters:
        word_sets = {index.word_set_of[i]: index.word_sets[index.word_set_of[i]] for i in shortlisted}
        vocabulary = {word for words, _ in word_sets.values() for word in words}
    else:
        vocabulary = {word for i in shortlisted for word in index.names[i][1]}
    # A word's profile: whether it is generic, and its score against each word typed. Names whose words have the
    # same profiles score alike, so each set of profiles is scored once.
    against = sorted(set(typed))
    scores = [word_scores(word, vocabulary) for word in against]
    profile = {word: (word in GENERIC, *(column[word] for column in scores)) for word in vocabulary}
    number = (False, *[0.0] * len(against))  # a number's profile, against words with no digit
    column = {word: 1 + n for n, word in enumerate(against)}
    wanted_columns = [column[w] for w in wanted]
    required = [column[w] for w in typed if w in GENERIC and w not in STOP] if not only_generic else []
    bonus = [column[w] for w in typed if w in GENERIC]
    scored: dict[object, float | None] = {}
    found = []
    for i in shortlisted:
        agency, words, aliases = index.names[i]
        if aliases:
            near, alias = max((fuzz.ratio(text, a), a) for a in aliases)
            if text == alias or near >= ALIAS_THRESHOLD:
                score = 101.0 if text == alias else round(near, 2)
                found.append(Found(agency, "alias", score, alias=alias_as_written(agency, alias)))
                continue
        if by_letters:
            key = index.word_set_of[i]
            if key not in scored:
                lettered, has_number = index.word_sets[key]
                profiles = frozenset([*map(profile.__getitem__, lettered), *([number] if has_number else [])])
                scored[key] = name_score(profiles, wanted_columns, required, bonus, only_generic)
        else:
            key = frozenset(map(profile.__getitem__, words))
            if key not in scored:
                scored[key] = name_score(key, wanted_columns, required, bonus, only_generic)
        if scored[key] is not None:
            found.append(Found(agency, "name", scored[key]))
    return sorted(found, key=lambda f: (-f.score, f.agency["name"]))


def name_score(profiles: frozenset, wanted: list[int], required: list[int], bonus: list[int], only_generic: bool):
    """How well a name's words (their profiles, as match_names makes them) match what was typed, or None below
    NAME_THRESHOLD. The columns name the typed words."""
    candidates = profiles if only_generic else [p for p in profiles if not p[0]] or profiles
    score = sum(max((p[c] for p in candidates), default=0.0) for c in wanted) / len(wanted)
    # "Durham County Sheriff" is not Durham's police: a kind of agency typed must be in the name too.
    if score < NAME_THRESHOLD or any(max((p[c] for p in profiles), default=0.0) < NAME_THRESHOLD for c in required):
        return None
    # Generic words typed as well ("Toronto police") break ties between equally distinctive matches.
    return round(score + sum(max((p[c] for p in profiles), default=0.0) for c in bonus) / 1000, 2)


def alias_as_written(agency: dict, folded: str) -> str:
    return next(a.strip() for a in agency["aliases"].split(";") if fold(a.strip()) == folded)


def find_places(text: str, places: Gazetteer) -> list[Place]:
    """A ZIP code, a country, a state or province, or a town ("Clifton NJ", "London, Ontario", "Tampa Florida")."""
    if re.fullmatch(r"\d{5}", text):
        return [zip_place(z) for z in zipcodes.matching(text)[:1]]
    found = [country_place(country) for country in countries_named(text)] + [
        state_place(subdivision) for subdivision in states_named(text)
    ]
    # The first reading that names a town or county wins: the words as typed, else a town and its region.
    towns, counties = [], []
    for town, rest in readings(text):
        towns = towns_named(places, town, rest)
        # A county only when the words say so ("Cook County", "Peel Region") or no town has the name.
        counties = counties_named(places, town, rest) if COUNTY_WORDS.search(town) or not towns else []
        if towns or counties:
            break
    found += counties + [town_place(place, places) for place in towns]
    # Two towns of one name in one region (Montréal, Occitanie, twice) would repeat a heading: the larger stays.
    seen: set[str] = set()
    return [place for place in found if place.label not in seen and not seen.add(place.label)]


def readings(text: str) -> list[tuple[str, list[str]]]:
    """The ways to read a place as a town and the words that place it, in the order tried: after a comma ("London,
    Ontario, Canada"), else the words as typed, then a town before its region ("Tampa Florida", "Ottawa Ontario
    Canada") or after it ("Florida Tampa"), the longest town first."""
    if "," in text:
        town, rest = text.split(",", 1)
        return [(town.strip(), [w for w in re.split(r"[,\s]+", rest) if w])]
    words = text.split(" ")
    before = [(" ".join(words[:i]), words[i:]) for i in range(len(words) - 1, 0, -1)]
    after = [(" ".join(words[i:]), words[:i]) for i in range(1, len(words))]
    return [(text, []), *before, *after]


def qualified(rest: list[str], allowed: frozenset[str]) -> bool:
    """Whether the words are one or more of what may place a town (its state, code, country), in any order."""
    return not rest or any(
        " ".join(rest[:i]) in allowed and qualified(rest[i:], allowed) for i in range(1, len(rest) + 1)
    )


def country_place(country) -> Place:
    return Place(country.name, "country", country.alpha_2)


def state_place(subdivision) -> Place:
    return Place(f"{subdivision.name}, {subdivision.country.name}", "state", subdivision.country_code, subdivision.name)


def zip_place(z: dict) -> Place:
    """A US ZIP code as the zipcodes package gives it."""
    label = f"{z['city']}, {z['state']} {z['zip_code']}"
    state = subdivision_name(z["state"], "US")
    return Place(label, "zip", "US", state, z["city"], float(z["lat"]), float(z["long"]), query=z["zip_code"])


def town_place(place, places: Gazetteer) -> Place:
    """A gazetteer town as a search place; its country's capital says so (national agencies are placed there)."""
    label = ", ".join(p for p in (place.name, place.state, country_name(place.country)) if p)
    query = f"{place.name}, {place.state or country_name(place.country)}"
    capital = place == places.find_capital(place.country)
    return Place(
        label,
        "city",
        place.country,
        place.state,
        place.name,
        place.latitude,
        place.longitude,
        query=query,
        capital=capital,
    )


@cache
def _countries_by_name() -> dict[str, list]:
    names: dict[str, list] = {"usa": ["US"], "united states of america": ["US"], "uk": ["GB"], "britain": ["GB"]}
    for country in pycountry.countries:
        for name in {country.name, getattr(country, "common_name", country.name)}:
            names.setdefault(fold(name), []).append(country.alpha_2)
    return names


@cache
def _states_by_name() -> dict[str, list]:
    names: dict[str, list] = {}
    for subdivision in pycountry.subdivisions:
        if subdivision.parent_code is None:
            names.setdefault(fold(subdivision.name), []).append(subdivision)
    return names


def countries_named(text: str) -> list:
    return [pycountry.countries.get(alpha_2=code) for code in _countries_by_name().get(text, [])]


def states_named(text: str) -> list:
    return _states_by_name().get(text, [])


def towns_named(places: Gazetteer, town: str, rest: list[str]) -> list:
    """Towns of that name, the most populous first; the words after it narrow to a state, code or country."""
    candidates = places.towns(name_keys(town))
    if rest:
        candidates = [(key, p) for key, p in candidates if qualified(rest, qualifiers(p))]
    # Ties in population go by name, state and position, so the static site (static-search.js) picks the same three.
    candidates.sort(
        key=lambda kp: (-kp[1].population, kp[0], kp[1].country, kp[1].state, kp[1].latitude, kp[1].longitude)
    )
    return [p for _, p in candidates[:3]]


COUNTY_WORDS = re.compile(r"\b(county|region|regional municipality|parish|district)\b")


def counties_named(places: Gazetteer, name: str, rest: list[str]) -> list[Place]:
    """Counties of that name, the most populous first, placed at their largest town (as the build places them)."""
    key = county_key(name)
    found = []
    for country, state in places.county_regions(key):
        towns = places.county_towns(country, state, key)
        if rest and not qualified(rest, qualifiers(towns[0])):
            continue
        found.append((sum(t.population for t in towns), county_place(towns, key)))
    return [place for _, place in sorted(found, key=lambda f: -f[0])[:3]]


def county_place(towns: list, key: str) -> Place:
    """A county as a search place, at its largest town (as the build places agencies by county)."""
    largest = max(towns, key=lambda t: t.population)
    return Place(
        ", ".join(p for p in (largest.county, largest.state, country_name(largest.country)) if p),
        "county",
        largest.country,
        largest.state,
        latitude=largest.latitude,
        longitude=largest.longitude,
        county=key,
        towns=frozenset(k for t in towns for k in name_keys(t.name)),
        query=", ".join(p for p in (largest.county, largest.state) if p),
    )


def qualifiers(place) -> frozenset[str]:
    """What may follow a town's name: its state or province, the state's code, its country or country code."""
    return region_qualifiers(place.country, place.state)


# What readers call a country besides its names (pycountry's name and common name are qualifiers already).
COUNTRY_ALIASES = {
    "US": ("usa", "us", "u.s.", "u.s.a.", "united states", "united states of america", "america"),
    "GB": ("uk", "u.k.", "britain", "great britain"),
}


@cache
def region_qualifiers(country: str, state: str) -> frozenset[str]:
    codes = {fold(state), fold(country), fold(country_name(country)), *COUNTRY_ALIASES.get(country, ())}
    for subdivision in pycountry.subdivisions.get(country_code=country) or []:
        if fold(subdivision.name) == fold(state):
            codes.add(fold(subdivision.code.split("-")[1]))
    return frozenset(codes)


def place_result(index: AgencyIndex, place: Place) -> PlaceResult:
    here, covers = index.listed_in(place)
    seat, kept = [], covers
    if place.capital:  # listed, not folded away: the map puts them here
        seat = [i for i in covers if not index.agencies[i]["state_province"]]
        kept = [i for i in covers if index.agencies[i]["state_province"]]
    near = index.nearby(place.latitude, place.longitude, {*here, *covers}) if place.latitude is not None else []
    return PlaceResult(
        place,
        here=Listed(index, here, "here"),
        nearby=Listed(index, [i for _, i in near], "nearby", [km for km, _ in near]),
        covers=Listed(index, kept, "covers"),
        seat=Listed(index, seat, "capital"),
    )
