"""Synthetic data for the benchmarks: N agencies in the project's raw format, seeded, every row marked synthetic.

Never published: every name ends "(synthetic N)", every source is example.invalid, every quote says so. The shape
follows the published tables: responses in BuzzFeed News's US proportions (335 confirmed, of which 69 denied then
confirmed and 34 unaware, 210 denied, 97 declined, 1,161 no response), search ranges skewed to the low buckets,
towns drawn from the gazetteer by population, some agencies placed by county, state or country, some aliases and
some typos in names.

    python -m bench.generate 10000 bench/out/10000/data [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

from clearview import gazetteer, schema, validate
from clearview.normalise import slugify, subdivision_name

ROOT = Path(__file__).resolve().parent.parent

STATUSES = {
    "confirmed_use": 335 - 69 - 34,
    "denied_then_confirmed": 69,
    "confirmed_unaware": 34,
    "denied": 210,
    "declined": 97,
    "no_response": 1161,
}
RANGES = {"1-5": 40, "6-10": 15, "11-50": 22, "51-100": 8, "101-500": 7, "501-1000": 3, "1001-5000": 3, "5001+": 2}
COUNTED = 0.8  # share of agencies with a search count
AGENCIES_PER_SOURCE = 1000


def towns(places: gazetteer.Gazetteer) -> list[gazetteer.Place]:
    """US towns of 2,000 people or more whose state the build recognises."""
    states = validate.subdivision_names("US")
    return [
        p
        for p in places.places()
        if p.country == "US" and p.population >= 2000 and subdivision_name(p.state, "US") in states
    ]


def typo(name: str, rng: random.Random) -> str:
    """Two neighbouring letters of the first word swapped: 'Sprnigfield'."""
    word, _, rest = name.partition(" ")
    if len(word) < 4:
        return name
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :] + " " + rest


def agency_rows(n: int, rng: random.Random, places: list[gazetteer.Place]) -> list[dict]:
    weights = [p.population for p in places]
    chosen = rng.choices(places, weights=weights, k=n)
    rows = []
    for number, town in enumerate(chosen, start=1):
        kind = rng.random()
        row = {"aliases": "", "city": "", "county": "", "latitude": "", "longitude": "", "location_note": ""}
        row |= {"country": "US", "state_province": subdivision_name(town.state, "US")}
        if kind < 0.70:
            name, agency_type = f"{town.name} Police Department", "police_department"
            row["city"] = town.name
            row["county"] = town.county
        elif kind < 0.85 and town.county:
            name, agency_type = f"{town.county} Sheriff's Office", "sheriffs_office"
            row["county"] = town.county
        elif kind < 0.93:
            name, agency_type = f"{row['state_province']} State Police", "state_provincial_police"
        elif kind < 0.97:
            name, agency_type = f"{town.name} District Attorney's Office", "prosecutor"
            row["city"] = town.name
        else:
            name, agency_type = "Federal Agency", "federal_national_agency"
            row["state_province"] = ""
        if rng.random() < 0.02:
            name = typo(name, rng)
        # The number stays outside the parenthesis too: two synthetic "Tulsa Police Department"s are not one agency.
        name = f"{name} {number} (synthetic {number})"
        if rng.random() < 0.1:
            row["aliases"] = "".join(word[0] for word in name.split() if word[0].isupper()) + f" {number}"
        rows.append(
            row | {"agency_id": slugify(f"synthetic {number} {name}"), "name": name, "agency_type": agency_type}
        )
    return rows


def generate(n: int, folder: Path, seed: int = 1) -> dict[str, int]:
    """Writes the raw CSVs for n synthetic agencies to folder; returns rows per file."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for name in schema.VOCABULARIES:
        shutil.copy(ROOT / "data" / f"{name}.csv", folder / f"{name}.csv")
    agencies = agency_rows(n, rng, towns(gazetteer.load()))
    sources = [
        {
            "source_id": f"synthetic-source-{i}",
            "url": f"https://example.invalid/synthetic/{i}",
            "document": "",
            "title": f"Synthetic source {i} (benchmark data, not real)",
            "publisher": "synthetic",
            "published": "2021-08-25",
        }
        for i in range(1, (n - 1) // AGENCIES_PER_SOURCE + 2)  # each cited: the build refuses a source no fact cites
    ]
    statuses = rng.choices(list(STATUSES), weights=list(STATUSES.values()), k=n)
    responses, counts = [], []
    for i, (agency, status) in enumerate(zip(agencies, statuses, strict=True)):
        source = f"synthetic-source-{i // AGENCIES_PER_SOURCE + 1}"
        responses.append(
            {
                "agency_id": agency["agency_id"],
                "source_id": source,
                "response_status": status,
                "statement": "",
                "statement_by": "",
                "response_date": "2021-08",
                "use_period": "leaked",
                "evidence_quote": "synthetic: not a real quote",
            }
        )
        if rng.random() < COUNTED:
            search_range = rng.choices(list(RANGES), weights=list(RANGES.values()))[0]
            counts.append(
                {
                    "agency_id": agency["agency_id"],
                    "source_id": source,
                    "search_range": search_range,
                    "searches_min": "",
                    "searches_max": "",
                    "searches_reported": "",
                    "measure": "searches",
                    "period_start": "2018",
                    "period_end": "2020-02",
                    "note": "",
                    "evidence_quote": f"synthetic: not a real quote ({search_range})",
                }
            )
    tables = {"agencies": agencies, "sources": sources, "responses": responses, "search_counts": counts}
    for name in ("published_totals", "releases", "changes"):
        tables[name] = []
    for name, rows in tables.items():
        schema.write_table(folder / f"{name}.csv", rows)
    return {name: len(rows) for name, rows in tables.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("agencies", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(generate(args.agencies, args.folder, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
