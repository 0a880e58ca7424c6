"""Bring ../shared/research/ into data/ in the project's raw format (run once; kept to show how).

After this import, the CSVs in data/ are the project's source of truth and are edited by hand.
Every judgement this import makes is written down here, next to the rows it applies to:
- agencies merge when the research gives the same name (the research already spells each agency
  one way); a parenthesised abbreviation or native name becomes an alias;
- the bounds of a count come only from explicit wording ("more than", "between", "at least",
  "up to", an exact count); approximate wording ("about", "nearly", a round figure) gives none;
- the period a count covers comes from the source's wording; the buzzfeed buckets and the 2021
  international table cover the leaked data, 2018 to February 2020.

Usage: python -m scripts.import_research [RESEARCH_DIR] [DATA_DIR]
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

from clearview.ids import AGENCY_TYPES, COUNTRIES, country_code, county_name, host, source_id, split_name
from clearview.normalise import clean_text, range_key, slugify, subdivision_name

RESEARCH_FILES = ["us_reported.csv", "intl_reported.csv", "us_seed_supplement.csv"]

# Short names the sources themselves use for an agency; kept only if one of the agency's own
# evidence quotes or source addresses contains it (checked below), so no alias is ours alone.
EXTRA_ALIASES = {
    "Royal Canadian Mounted Police": ["RCMP"],
    "Ontario Provincial Police": ["OPP"],
    "Australian Federal Police": ["AFP"],
    "National Crime Agency": ["NCA"],
    "Metropolitan Police Service": ["Met Police", "Scotland Yard"],
    "Toronto Police Service": ["TPS"],
    "Waterloo Regional Police Service": ["WRPS"],
    "Edmonton Police Service": ["EPS"],
    "Calgary Police Service": ["CPS"],
    "Gainesville Police Department": ["GPD"],
    "Pennsylvania State Police": ["PSP"],
    "Seattle Police Department": ["SPD"],
    "Austin Police Department": ["APD"],
    "Danish National Police (Rigspolitiet) - National Cyber Crime Centre (NC3)": ["NC3", "Rigspolitiet"],
}

# Counts whose wording gives bounds or a period beyond what a bucket label gives.
# (file, line): (searches_min, searches_max, period_start, period_end). None = not stated.
LEAK = ("2018", "2020-02")
COUNTS: dict[tuple[str, int], tuple[int | None, int | None, str | None, str | None]] = {
    ("us_reported.csv", 3): (2700, None, None, None),  # "2700+" per Clearview e-mails
    ("us_reported.csv", 16): (11001, None, "2018", "2019"),  # "used ... in 2018 and 2019"
    ("us_reported.csv", 19): (5101, None, None, None),
    ("us_reported.csv", 21): (None, None, None, None),  # "thousands"
    ("us_reported.csv", 35): (161, None, None, "2020-02"),  # "as of February"
    ("us_reported.csv", 36): (None, None, None, None),  # "nearly 400"
    ("us_reported.csv", 40): (None, 5000, None, None),  # "up to"
    ("us_reported.csv", 41): (None, 500, None, None),
    ("us_reported.csv", 42): (None, 100, None, None),
    ("us_reported.csv", 43): (2001, None, "2019-07", "2020-01"),  # "since ... July" (Jan 2020)
    ("us_reported.csv", 46): (None, None, None, None),  # people, not searches
    ("us_reported.csv", 50): (None, None, None, None),  # "the thousand or so"
    ("us_reported.csv", 57): (30, None, None, None),  # "at least 30"
    ("us_reported.csv", 58): (None, None, None, None),  # "approximately"
    ("us_reported.csv", 64): (None, None, None, None),  # detectives, not searches
    ("us_reported.csv", 78): (156, 156, "2024", "2025-12"),  # contract "middle of last year"
    ("us_reported.csv", 82): (None, None, "2023-12", None),  # adopted after Dec 2023 approval
    ("us_reported.csv", 90): (None, None, None, None),  # people, not searches
    ("us_reported.csv", 92): (11001, None, None, "2020-02"),  # BuzzFeed, Feb 2020 leak
    ("us_reported.csv", 93): (None, None, "2019-12", "2020-12"),  # officers, not searches
    ("us_reported.csv", 94): (3823, 3823, "2019", "2020"),
    ("us_reported.csv", 95): (None, None, "2018", "2020"),  # "around 2,000"
    ("us_reported.csv", 109): (None, None, None, None),  # leads, not searches
    ("us_reported.csv", 118): (None, None, None, None),  # people identified
    ("intl_reported.csv", 2): (121, None, *LEAK),
    ("intl_reported.csv", 3): (3401, None, *LEAK),
    ("intl_reported.csv", 4): (71, None, *LEAK),
    ("intl_reported.csv", 5): (651, None, *LEAK),
    ("intl_reported.csv", 6): (451, None, *LEAK),
    ("intl_reported.csv", 7): (101, None, *LEAK),
    ("intl_reported.csv", 9): (501, None, *LEAK),
    ("intl_reported.csv", 10): (151, None, *LEAK),
    ("intl_reported.csv", 11): (10, None, *LEAK),  # "at least 10"
    ("intl_reported.csv", 12): (101, None, *LEAK),
    ("intl_reported.csv", 13): (101, None, *LEAK),
    ("intl_reported.csv", 14): (11, None, *LEAK),
    ("intl_reported.csv", 15): (1001, None, *LEAK),
    ("intl_reported.csv", 17): (None, None, *LEAK),  # "nearly 120"
    ("intl_reported.csv", 18): (131, None, *LEAK),
    ("intl_reported.csv", 19): (401, None, *LEAK),
    ("intl_reported.csv", 20): (301, None, *LEAK),
    ("intl_reported.csv", 47): (None, None, None, None),  # photos, not searches
    ("intl_reported.csv", 49): (501, None, "2019-10", "2020-02"),  # "between October ... and this month"
    ("intl_reported.csv", 50): (171, None, "2019-12", "2020-02"),  # "since December"
    ("intl_reported.csv", 52): (171, None, None, None),
    ("intl_reported.csv", 53): (501, None, None, None),
    ("intl_reported.csv", 54): (171, None, None, "2020-02"),  # the Feb 2020 client-list leak
    ("intl_reported.csv", 70): (101, None, None, None),
    ("intl_reported.csv", 75): (None, None, None, None),  # "noin" = about
    ("intl_reported.csv", 76): (None, None, None, None),  # round figure; other sources say "about"
    ("intl_reported.csv", 77): (None, None, None, None),
    ("intl_reported.csv", 80): (50, 100, None, None),
    ("intl_reported.csv", 83): (100, 500, None, None),
    ("intl_reported.csv", 84): (78, 78, None, None),
    ("intl_reported.csv", 87): (None, None, None, None),  # "hundreds"
    ("intl_reported.csv", 90): (131, None, None, None),
    ("intl_reported.csv", 91): (130, None, None, None),  # "almeno" = at least
    ("intl_reported.csv", 92): (131, None, None, None),  # "oltre" = more than
    ("intl_reported.csv", 106): (321, None, None, "2020-02"),  # the Feb 2020 client-list leak
    ("intl_reported.csv", 115): (1, 1, None, None),
    ("intl_reported.csv", 116): (1, 1, None, None),
    ("us_seed_supplement.csv", 6): (None, None, None, None),  # round figure in a translation
    ("us_seed_supplement.csv", 7): (None, None, None, None),  # "approximately"
}

# Archived articles cited as seed:NAME, described from their own text (the rest keep the research title).
SEED_DOCUMENTS = {
    "seed:002_cd904d17c0ac0d0f.txt": {"title": "Is Clearview AI the end of citizens' privacy?", "publisher": ""},
    "seed:004_c51c8d9a06e6193c.txt": {
        "title": "Clearview AI Offered Free Trials To Police Around The World",
        "publisher": "BuzzFeed News",
    },
}

SUBDIVISION_NAMES = {"St. Gallen": "Sankt Gallen"}  # pycountry's ISO 3166-2 name


def read_research(folder: Path) -> list[dict]:
    rows = []
    for name in RESEARCH_FILES:
        with open(folder / name, encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                rows.append({k: clean_text(v) for k, v in row.items()} | {"_file": name, "_line": line})
    return rows


def build(rows: list[dict]) -> dict[str, list[dict]]:
    agencies: dict[str, dict] = {}
    evidence: dict[str, str] = defaultdict(str)
    sources: dict[str, dict] = {}
    responses, counts = [], []
    for row in rows:
        name, aliases = split_name(row["agency_name"])
        agency_id = slugify(name)
        country = COUNTRIES.get(row["country"]) or country_code(row["country"])
        place = {
            "city": row["city"],
            "county": county_name(row["county"], country),
            "state_province": SUBDIVISION_NAMES.get(row["state"]) or subdivision_name(row["state"], country),
        }
        agency = agencies.setdefault(
            agency_id,
            {
                "agency_id": agency_id,
                "name": name,
                "aliases": [],
                "agency_type": AGENCY_TYPES[row["agency_type"]],
                "city": "",
                "county": "",
                "state_province": "",
                "country": country,
                "latitude": "",
                "longitude": "",
                "location_note": "",
            },
        )
        for alias in aliases:
            if alias not in agency["aliases"]:
                agency["aliases"].append(alias)
        for field, value in place.items():
            if value and not agency[field]:
                agency[field] = value
            elif value and agency[field] != value:
                raise SystemExit(f"{row['_file']}:{row['_line']}: {name} {field} {value!r} != {agency[field]!r}")
        evidence[agency_id] += " ".join(["", row["evidence_quote"], row["response_quote"], row["source_url"]])

        sid = source_id(row["source_url"])
        archived = row["source_url"].startswith("seed:")
        seed = SEED_DOCUMENTS.get(row["source_url"], {})
        url = "" if archived else row["source_url"]
        source = sources.setdefault(
            sid,
            {
                "source_id": sid,
                "url": url,
                "document": row["source_url"].removeprefix("seed:") if archived else "",
                "title": seed.get("title", row["source_title"]),
                "publisher": seed.get("publisher", host(url)),
                "published": row["source_date"],
            },
        )
        for field in ("title", "published"):
            if not source[field]:
                source[field] = row["source_title" if field == "title" else "source_date"]

        responses.append(
            {
                "agency_id": agency_id,
                "source_id": sid,
                "response_status": row["response_category"],
                "statement": row["response_quote"],
                "response_date": row["source_date"],
                "evidence_quote": row["evidence_quote"],
            }
        )
        if row["search_range_label"] or row["searches_reported_text"]:
            key = (row["_file"], row["_line"])
            if row["search_range_label"]:
                minimum, maximum, start, end = (None, None, *LEAK)
            else:
                minimum, maximum, start, end = COUNTS[key]
            counts.append(
                {
                    "agency_id": agency_id,
                    "source_id": sid,
                    "search_range": range_key(row["search_range_label"]),
                    "searches_min": "" if minimum is None else minimum,
                    "searches_max": "" if maximum is None else maximum,
                    "searches_reported": row["searches_reported_text"],
                    "period_start": start or "",
                    "period_end": end or "",
                    "evidence_quote": row["evidence_quote"],
                }
            )

    for agency_id, agency in agencies.items():
        for alias in EXTRA_ALIASES.get(agency["name"], []):
            if alias in evidence[agency_id] or alias.lower().replace(" ", "-") in evidence[agency_id]:
                agency["aliases"].append(alias)
            else:
                print(f"alias {alias!r} for {agency['name']} not in its sources: left out", file=sys.stderr)
        agency["aliases"] = "; ".join(agency["aliases"])
    return {
        "agencies": sorted(agencies.values(), key=lambda a: a["agency_id"]),
        "sources": sorted(sources.values(), key=lambda s: s["source_id"]),
        "responses": responses,
        "search_counts": counts,
    }


PUBLISHED_TABLES = {"us_2021": "US", "intl_2021": "outside US"}


def published_totals(path: Path, sources: list[dict]) -> list[dict]:
    """The totals the original tables published, each with its source (added to sources if new).

    "confirmed_unaware (subset of confirmed_use)" becomes measure confirmed_unaware, subset_of confirmed_use;
    a value that is not a plain number ("nearly 14,000") keeps its wording and gets no number.
    """
    known = {source["source_id"] for source in sources}
    totals = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            measure, _, note = row["measure"].partition(" (")
            subset = re.match(r"subset of (\w+)", note)
            sid = source_id(row["source_url"])
            if sid not in known:
                url = "" if row["source_url"].startswith("seed:") else row["source_url"]
                sources.append(
                    {
                        "source_id": sid,
                        "url": url,
                        "document": row["source_url"].removeprefix("seed:") if not url else "",
                        "title": row["source_title"],
                        "publisher": host(url) if url else "",
                        "published": row["source_date"],
                    }
                )
                known.add(sid)
            totals.append(
                {
                    "published_table": row["table"],
                    "scope": PUBLISHED_TABLES[row["table"]],
                    "measure": measure,
                    "subset_of": subset[1] if subset else "",
                    "value": row["value"] if row["value"].isdigit() else "",
                    "value_reported": row["value"],
                    "source_id": sid,
                    "evidence_quote": row["evidence_quote"],
                }
            )
    sources.sort(key=lambda s: s["source_id"])
    return totals


def write(tables: dict[str, list[dict]], folder: Path) -> None:
    for name, rows in tables.items():
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"data/{name}.csv: {len(rows)} rows")


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    research = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / "research"
    data = Path(sys.argv[2]) if len(sys.argv) > 2 else root / "data"
    tables = build(read_research(research))
    tables["published_totals"] = published_totals(research / "published_totals.csv", tables["sources"])
    write(tables, data)
