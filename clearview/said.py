"""What agencies said and what sources say, searchable: each statement, evidence quote and source title cut into
sentences at build time (the `said` table, with full-text search), and the rules that find a typed phrase in a
sentence and mark it. The live search asks SQLite's FTS5 for candidates and keeps those these rules match;
static/static-search.js applies the same rules (the same word pattern and folding) to the same sentences."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from clearview.normalise import fold
from clearview.search import AgencyIndex, Found

# A word as FTS5's unicode61 tokenizer reads one: a run of letters and digits; everything else separates.
WORD = re.compile(r"[^\W_]+")
# A sentence ends at . ! or ? after a lower-case word of three letters or more (or a closing quote), before a
# capital: "Feb. 11", "U.S. Army" and "D. Byron" stay whole; a missed end only makes a shown sentence longer.
SENTENCE_END = re.compile(r"(?:(?<=[a-z0-9]{3}[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z])")
PREFIX_LETTERS = 3  # a last word this long or longer also matches the words it starts
MAX_WORDS = 8  # a phrase longer than this is not what a reader types; the rest is ignored
CONTEXT_WORDS = 8  # words shown either side of the marked phrase; a long quote is cut to them, with "…"
TITLES_SHOWN = 3  # source titles shown before the rest are folded away
SENTENCES_PER_AGENCY = 1  # the first that holds the phrase; the agency's page has every one

FACTS = {"statement": "Statement", "quote": "Source's words", "title": "Source title"}

# Every text a reader may search, as (source_id, fact, text): an agency's from its responses and counts, and the
# sources' titles (which belong to no agency). An empty value is none.
RESPONSE_TEXTS = (("statement", "statement"), ("quote", "evidence_quote"), ("quote", "response_evidence"))
COUNT_TEXTS = (("quote", "evidence_quote"),)


# What every sentence end has (and most texts, one sentence long, lack): found far faster than SENTENCE_END.
MAYBE_END = re.compile(r"[.!?][\"”’)]?\s")


def sentences(text: str) -> list[str]:
    text = text.strip()
    if not MAYBE_END.search(text):
        return [text] if text else []
    return [part.strip() for part in SENTENCE_END.split(text) if part.strip()]


def agency_texts(responses: list[dict], counts: list[dict]) -> list[tuple[str, str, str]]:
    return [
        (row["source_id"], fact, row[column])
        for rows, columns in ((responses, RESPONSE_TEXTS), (counts, COUNT_TEXTS))
        for row in rows
        for fact, column in columns
        if row[column]
    ]


def title_texts(sources: list[dict]) -> list[tuple[str, str, str]]:
    return [(source["source_id"], "title", source["title"]) for source in sources if source["title"]]


def said_rows(agency_id: str | None, texts: list[tuple[str, str, str]]) -> Iterator[tuple]:
    """(agency_id, fact, sentence, source_id, its words folded) for one agency's texts (or the titles: agency_id
    None), each sentence once per source and fact, by source, fact and text: the said table is these, the titles
    first and then each agency in agency_id's order."""
    group, seen = None, set()
    for source_id, fact, text in sorted(texts):
        if (source_id, fact) != group:
            group, seen = (source_id, fact), set()
        for sentence in sentences(text):
            if sentence not in seen:
                seen.add(sentence)
                yield agency_id, fact, sentence, source_id, " ".join(words(sentence))


def folded_words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded word) of each word in the text. A word may fold to none ('ͺ' is a lone accent) or to
    several ('½' is '1⁄2'): each is read again as FTS5 will read the folded text."""
    for match in WORD.finditer(text):
        for word in WORD.findall(fold(match.group())):
            yield match.start(), match.end(), word


def words(text: str) -> list[str]:
    """The folded words of a text, as the phrase and the sentences are compared."""
    if text.isascii():  # folding is lower-casing there, which keeps each word one word: the build's said step, faster
        return WORD.findall(text.lower())
    return [word for _, _, word in folded_words(text)]


def phrase(query: str) -> list[str]:
    return words(query)[:MAX_WORDS]


def fts_query(wanted: list[str]) -> str:
    """The phrase as an FTS5 query: words only, quoted, so nothing typed is read as FTS syntax; the last word as a
    prefix where it is long enough (spells)."""
    return '"' + " ".join(wanted) + '"' + (" *" if wanted and len(wanted[-1]) >= PREFIX_LETTERS else "")


def spells(word: str, typed: str, last: bool) -> bool:
    """A sentence's word matches a typed one: the same, or for the last word typed its start ("free trial" finds
    "free trials", as a reader means it)."""
    return word == typed or (last and len(typed) >= PREFIX_LETTERS and word.startswith(typed))


def marked(sentence: str, wanted: list[str]) -> list[tuple[str, bool]]:
    """The sentence in pieces, each marked or not: every run of its words that spells the phrase is marked. No
    run, no pieces."""
    if not wanted:
        return []
    spans = list(folded_words(sentence))
    found = [
        (spans[i][0], spans[i + len(wanted) - 1][1])
        for i in range(len(spans) - len(wanted) + 1)
        if all(spells(spans[i + j][2], word, j == len(wanted) - 1) for j, word in enumerate(wanted))
    ]
    if not found:
        return []
    pieces, at = [], 0
    for start, end in found:
        if start < at:  # overlapping runs ("no no no" for "no no") are marked once
            continue
        if start > at:
            pieces.append((sentence[at:start], False))
        pieces.append((sentence[start:end], True))
        at = end
    if at < len(sentence):
        pieces.append((sentence[at:], False))
    return trimmed(pieces)


def trimmed(pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The words before the first mark and after the last cut to CONTEXT_WORDS, marked as cut with "…"."""
    keep = CONTEXT_WORDS + 1  # the space next to the mark makes an empty word
    text, mark = pieces[0]
    if not mark and len(spaced := text.split(" ")) > keep:
        pieces[0] = ("… " + " ".join(spaced[-keep:]), False)
    text, mark = pieces[-1]
    if not mark and len(pieces) > 1 and len(spaced := text.split(" ")) > keep:
        pieces[-1] = (" ".join(spaced[:keep]) + " …", False)
    return pieces


@dataclass
class Said:
    """One sentence that holds the phrase, cut into marked pieces, and its source."""

    fact: str
    pieces: list[tuple[str, bool]]
    source: dict


SAID_SQL = """
select said.agency_id, said.fact, said.sentence, said.source_id, sources.url, sources.document, sources.title,
  sources.publisher, sources.published, sources.language
from said join sources using (source_id)
where said.rowid in (select rowid from said_fts where said_fts match :query)
order by said.rowid
"""


SAID_SOURCES_SQL = (
    "select source_id, url, document, title, publisher, published, language from sources order by source_id"
)


def found_in(rows: list[dict], wanted: list[str], index: AgencyIndex) -> tuple[list[Found], list[Said]]:
    """Rows of SAID_SQL (or of the static index) that hold the phrase: each agency once, with its sentences, in the
    index's order (by name); and the source titles that hold it."""
    agencies = index.by_id
    found: dict[str, Found] = {}
    titles: list[Said] = []
    for row in rows:
        pieces = marked(row["sentence"], wanted)
        if not pieces or (row["agency_id"] and row["agency_id"] not in agencies):
            continue
        said = Said(row["fact"], pieces, row)
        if row["agency_id"] is None:
            titles.append(said)
            continue
        one = found.setdefault(row["agency_id"], Found(agencies[row["agency_id"]], "said"))
        if len(one.said) < SENTENCES_PER_AGENCY:
            one.said.append(said)
        else:
            one.more_said += 1
    return sorted(found.values(), key=lambda one: index.order[one.agency["agency_id"]]), titles
