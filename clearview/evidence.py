"""Whether a count's evidence quote states its number: in digits in any common format ("3,400", "3.400", "3 400"),
or in words in the languages of the sources ("two dozen", "zwölfmal", "noin 120").

The build refuses a count whose number its quote does not state, unless the count carries an editors' note saying
where the source states it; make add refuses it with the same words.
"""

from __future__ import annotations

import re
from functools import cache

from num2words import num2words

from clearview.normalise import fold

# The languages the sources are written in (num2words' codes).
LANGUAGES = ("en", "de", "fr", "nl", "fi", "it", "sv", "no", "da", "es", "pt")
# Words for an amount that no single number spells: "dozens", "Hunderte", "centaines".
AMOUNT_WORDS = [
    *("dozen", "dozens", "hundreds", "thousands", "millions", "handful"),
    *("dutzend", "dutzende", "hunderte", "tausende", "douzaine", "douzaines", "centaines", "milliers"),
    *("tientallen", "honderden", "duizenden", "kymmenia", "satoja", "tuhansia", "decine", "centinaia", "migliaia"),
    *("hundratals", "tusentals", "hundrevis", "tusenvis", "docena", "docenas", "cientos", "centenas", "milhares"),
]
DIGITS = re.compile(r"\d{1,3}(?:[,.\u00a0\u202f\u2009 ]\d{3})+(?!\d)|\d+")
NOT_DIGIT = re.compile(r"\D")


def numbers_in(text: str) -> set[int]:
    """Every whole number written in digits, thousands separated by comma, point or space, or not at all."""
    return {int(NOT_DIGIT.sub("", match)) for match in DIGITS.findall(text)}


@cache
def in_words(number: int) -> frozenset[str]:
    """How the sources' languages write a number, folded ("zwölf" -> "zwolf")."""
    words = set()
    for language in LANGUAGES:
        try:
            words.add(fold(num2words(number, lang=language)))
        except (NotImplementedError, OverflowError, ValueError):
            continue
    return frozenset(words)


@cache
def word_values() -> dict[str, int]:
    """The number each number word names ("zwolf" -> 12)."""
    return {w: n for n in [*range(1, 21), *range(30, 100, 10), 100, 1000, 10**6] for w in in_words(n)}


@cache
def number_words() -> tuple[str, ...]:
    """Every word that names an amount, longest first so "seventeen" is read before "seven"."""
    words = set(word_values()) | set(AMOUNT_WORDS)
    return tuple(sorted({w for w in words if len(w) >= 3}, key=lambda w: (-len(w), w)))


def count_unstated(count: dict[str, str]) -> str:
    """What a count row's quote does not state of its wording (searches_reported, else its range): '' if all."""
    wording = count["searches_reported"] or count["search_range"]
    return unstated(wording, count.get("evidence_quote", "")) if wording else ""


def unstated(reported: str, quote: str) -> str:
    """The part of the count's wording its quote does not state ('' when the quote states it all)."""
    quoted_numbers = numbers_in(quote)
    numbers = numbers_in(reported)
    if numbers and numbers <= quoted_numbers:
        return ""  # every number in digits in the quote: the common case, told before folding the quote
    folded = fold(quote)
    for number in sorted(numbers):
        if number not in quoted_numbers and not any(word in folded for word in in_words(number)):
            return f"{number:,}"
    if numbers:
        return ""
    said = [
        next((w for w in number_words() if token.startswith(w)), "") for token in re.findall(r"\w+", fold(reported))
    ]
    said = [w for w in said if w]
    if said:
        return next((w for w in said if w not in folded and word_values().get(w) not in quoted_numbers), "")
    # No number at all ("a few searches"): the quote must carry the wording itself.
    return "" if fold(reported).strip() in folded else reported
