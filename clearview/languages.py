"""The language a source's words are in, as an ISO 639-1 code ('fi'): sources.csv's language column, which make add
fills in for a new source from its words (langdetect, seeded so the same words always give the same answer) unless
the editor gives it (source_language), and which an editor corrects the same way. Pages set it as lang= on each
quote, so a screen reader reads a Finnish quote in Finnish."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def _detector():
    from langdetect import DetectorFactory, detect  # only make add and the tests tell languages: not at start-up

    DetectorFactory.seed = 0  # langdetect samples at random: seeded, the same words give the same language
    return detect


def detect(*texts: str) -> str:
    """The language of the words, or '' when there are too few to tell."""
    words = " ".join(text for text in texts if text).strip()
    if len(words.split()) < 3:
        return ""
    try:
        return _detector()(words)
    except Exception:  # langdetect's LangDetectException: no letters to go on
        return ""


def is_language(code: str) -> bool:
    return code.islower() and len(code) == 2 and pycountry.languages.get(alpha_2=code) is not None


def language_name(code: str) -> str:
    found = pycountry.languages.get(alpha_2=code) if code else None
    return found.name if found else code
