"""The id rules and the research vocabulary: how a fact in the research's shape becomes rows of data/.

One place for the rules data/README.md documents, used by `make add` (clearview/add.py), by the one-time
import (scripts/import_research.py) and by the build's checks:
- agency_id: slugify(the name without a parenthesised alias): "Sheriff's" -> "sheriff-s", "Zürich" -> "zurich";
- source_id: the URL's host (without www.) as a slug, a hyphen, the first 6 hex digits of the URL's sha1;
  an archived document cited as seed:NNN_xxx.txt is archive-NNN.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlparse, urlsplit, urlunsplit

import pycountry

from clearview.normalise import clean_code, clean_text, slugify

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The research writes countries in words; the project stores ISO 3166 codes.
COUNTRIES = {
    "US": "US",
    "USA": "US",
    "United States": "US",
    "UK": "GB",
    "International (HQ France)": "FR",
}

# The research's free-text agency types, and the project's controlled list (data/agency_types.csv).
AGENCY_TYPES = {
    "police": "police_department",
    "sheriff": "sheriffs_office",
    "state_police": "state_provincial_police",
    "police (state)": "state_provincial_police",
    "police (provincial)": "state_provincial_police",
    "police (cantonal)": "state_provincial_police",
    "police (federal)": "federal_national_agency",
    "police (national)": "federal_national_agency",
    "law enforcement (national)": "federal_national_agency",
    "federal": "federal_national_agency",
    "federal (military police)": "federal_national_agency",
    "federal (inspector general)": "federal_national_agency",
    "military": "federal_national_agency",
    "legislative police": "federal_national_agency",
    "district_attorney": "prosecutor",
    "prosecutor": "prosecutor",
    "university_police": "university_college",
    "state_agency": "government_department",
    "interior ministry": "government_department",
    "justice ministry": "government_department",
    "defence ministry": "government_department",
    "government research center": "government_department",
    "military / federal department": "government_department",
    "military / government department": "government_department",
    "international police organization": "international_organisation",
    "police (railway)": "other",
    "transit_agency": "other",
    "fusion_center": "other",
    "sovereign wealth fund": "other",
    "unknown": "other",
}

# Parenthesised parts that are part of the name, not an alias.
NAME_PARENTHESES = {
    "Kansas City (Missouri) Police Department",
    "Richmond County (Staten Island) District Attorney's Office",
    "Kenosha (agency not specified in source)",
    "Milwaukee (agency not specified in source)",
    "Ministry of Defence (UK)",
    "Ministry of the Interior (France)",
    "Ohio Bureau of Criminal Investigation (Ohio Attorney General's Office)",
    "Danish National Police (Rigspolitiet) - National Cyber Crime Centre (NC3)",
}


def split_name(raw: str) -> tuple[str, list[str]]:
    """'New York City Police Department (NYPD)' -> the name and ['NYPD']: a parenthesis holds aliases."""
    raw = clean_text(raw)
    if raw in NAME_PARENTHESES or "(" not in raw:
        return raw, []
    name, _, rest = raw.partition(" (")
    inside = rest.rstrip(")")
    parts = [part.strip() for part in inside.replace(" / ", ", ").split(",") if part.strip()]
    # "(Ministry of Justice and Public Security, Brazil)": the country says where, it is not a name.
    return name, [part for part in parts if not country_code(part)]


def agency_type(raw: str) -> str:
    """A key of agency_types.csv for the research's free text: the text as the first import mapped it
    (AGENCY_TYPES), else the word before its parenthesis ("police (municipal)" -> police), else the text as a key."""
    text = clean_text(raw).lower()
    base = text.partition(" (")[0].strip()
    return AGENCY_TYPES.get(text) or AGENCY_TYPES.get(base) or clean_code(text)


def agency_id(name: str) -> str:
    return slugify(split_name(name)[0])


def source_id(url: str) -> str:
    if url.startswith("seed:"):
        return "archive-" + url.removeprefix("seed:").split("_")[0]
    return f"{slugify(host(url))}-{hashlib.sha1(url.encode()).hexdigest()[:6]}"


TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ocid|cmpid|__twitter_impression)$", re.I
)


@cache  # make add compares each fact's address with every source's
def canonical_url(url: str) -> str:
    """The form a source's address is stored and matched in: scheme and host in lower case, no default port, no
    fragment, no tracking parameters (utm_*, fbclid, ...), no trailing slash after a path. Other parameters stay:
    some sites name the article by them ("?p=14552")."""
    if url.startswith("seed:") or "://" not in url:
        return url
    parts = urlsplit(url.strip())
    host_part = (parts.hostname or "") + (f":{parts.port}" if parts.port and parts.port not in (80, 443) else "")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host_part.lower(), path, query, ""))


def host(url: str) -> str:
    return urlparse(url).netloc.removeprefix("www.")


def country_code(raw: str) -> str:
    """'Canada', 'CA' and 'United Kingdom' -> 'CA' and 'GB'; '' where pycountry knows no such country."""
    raw = clean_text(raw)
    if raw in COUNTRIES:
        return COUNTRIES[raw]
    try:
        return pycountry.countries.lookup(raw).alpha_2
    except LookupError:
        return ""


def county_name(raw: str, country: str) -> str:
    """A US county is written 'Polk County' in data/, whether the research wrote 'Polk' or 'Polk County'."""
    raw = clean_text(raw)
    if raw and country == "US" and not raw.endswith("County"):
        return raw + " County"
    return raw
