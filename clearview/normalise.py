"""Normalisation shared by the build, the live site and the static site.

Every function here is pure and idempotent: applying it twice gives the same result as once,
so the build can run it over data that has already been cleaned.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from functools import cache, lru_cache

import pycountry
from slugify import slugify as _slugify

# Characters that spreadsheets and word processors put where a plain hyphen or space was meant.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Printable ASCII with single inner spaces is clean already: most cells are, and skipping them halves a large build.
_CLEAN_ASCII = re.compile(r"(?:[\x21-\x7e]+(?: [\x21-\x7e]+)*)?")


def clean_text(value: str | None) -> str:
    """NFC, no control characters, single spaces, trimmed. Dashes are kept as written."""
    if value is None:
        return ""
    value = str(value)
    if _CLEAN_ASCII.fullmatch(value):
        return value
    value = unicodedata.normalize("NFC", value)
    value = value.replace("\ufeff", "")
    value = CONTROL.sub("", value)
    return _SPACES.sub(" ", value).strip()


# A whole record of such cells joined by NUL (which no clean cell holds) is checked in one match, not cell by cell.
_CLEAN_RECORD = re.compile(r"(?:[\x21-\x7e]+(?: [\x21-\x7e]+)*)?(?:\x00(?:[\x21-\x7e]+(?: [\x21-\x7e]+)*)?)*")


def clean_texts(values: list[str]) -> list[str]:
    """clean_text of each value; a record that is clean already comes back as it is."""
    joined = "\x00".join(values)
    if _CLEAN_RECORD.fullmatch(joined) and joined.count("\x00") == len(values) - 1:  # no NUL inside a value
        return values
    return [clean_text(value) for value in values]


_CODE_GAPS = re.compile(r"[\s\-]+")


def clean_code(value: str | None) -> str:
    """Codes (vocabulary keys) are lower case with underscores: 'Confirmed Use' -> 'confirmed_use'."""
    return _CODE_GAPS.sub("_", clean_text(value).translate(_DASHES).lower())


def slugify(value: str) -> str:
    """The stable id of an agency or source: ASCII, lower case, hyphens."""
    return _slugify(clean_text(value), max_length=80, word_boundary=True)


_NUMBER = r"(\d[\d,.\u00a0 ]*)"
_RANGE = re.compile(rf"^{_NUMBER}\s*(?:-|to|tot|a|à|bis)\s*{_NUMBER}$")
_OPEN = re.compile(rf"^(?:more than|over|above|>)\s*{_NUMBER}\+?$|^{_NUMBER}\s*(?:\+|or more)$")


def _integer(text: str) -> int:
    return int(re.sub(r"[,.\u00a0 ]", "", text))


def range_key(label: str | None) -> str:
    """The vocabulary key of a search-range label however it was typed.

    '101 - 500', '101–500', '101 to 500' and '101-500' all give '101-500'; '1,001-5,000' gives
    '1001-5000'; 'more than 5,000' and '5,001+' give '5001+'. Text that is not a range is returned
    cleaned, so validation can name it.
    """
    text = clean_text(label).translate(_DASHES).lower().strip("'\"‘’“” ")
    if not text:
        return ""
    match = _RANGE.match(text)
    if match:
        return f"{_integer(match.group(1))}-{_integer(match.group(2))}"
    match = _OPEN.match(text)
    if match:
        number = _integer(match.group(1) or match.group(2))
        # "more than 5,000" starts at 5,001; "5,001+" already names its first value.
        return f"{number + 1 if match.group(1) else number}+"
    return text


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def clean_date(value: str | None) -> str:
    """Dates are ISO 8601 and may be partial (2021, 2021-08, 2021-08-25): sources often give only a month.

    '2021/8/25', '2021.08.25' and '2021-8-5' are rewritten as ISO; anything else is returned
    cleaned so that validation can name it.
    """
    text = clean_text(value)
    if _DATE.match(text):  # ISO already
        return text
    parts = re.split(r"[-/.]", text)
    if len(parts) in (2, 3) and len(parts[0]) == 4 and all(p.isdigit() and 0 < len(p) <= 2 for p in parts[1:]):
        text = "-".join([parts[0], *(p.zfill(2) for p in parts[1:])])
    return text


def valid_date(text: str) -> bool:
    """A real calendar date, possibly partial: 2021-02-31 is not one."""
    match = _DATE.match(text)
    if not match:
        return False
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1 << 18)  # place and agency names are folded again and again
def fold(text: str) -> str:
    """Accent- and case-free form for matching names: 'Española' and 'espanola' fold alike."""
    if text.isascii():  # nothing to decompose; casefold is lower
        return clean_text(text).lower()
    decomposed = unicodedata.normalize("NFKD", clean_text(text))
    # Cleaned again: a lone accent ('´') decomposes to a space and a combining mark.
    return clean_text("".join(c for c in decomposed if not unicodedata.combining(c)).casefold())


@lru_cache(maxsize=1 << 12)  # asked once per agency, of a few hundred states
def subdivision_name(value: str, country: str) -> str:
    """'ON', 'CA-ON' and 'ontario' are all 'Ontario', the ISO 3166-2 name; anything else is returned as it is."""
    if not value:
        return value
    code = value.upper() if "-" in value else f"{country}-{value.upper()}"
    found = pycountry.subdivisions.get(code=code)
    if found is None:
        found = next(
            (
                s
                for s in pycountry.subdivisions.get(country_code=country) or []
                if fold(s.name) == fold(value)  # 'Gujarat' is pycountry's 'Gujarāt'
            ),
            None,
        )
    return found.name if found else value


@cache
def country_name(code: str) -> str:
    """A country as readers name it ("Bolivia", not "Bolivia, Plurinational State of"): the one name every page,
    search and the database give it; the code itself if it is none."""
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)
