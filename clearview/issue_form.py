"""A reader's fact, sent through the GitHub issue form (.github/ISSUE_TEMPLATE/new-fact.yml), as a row of make add.

GitHub writes a submitted form into the issue's body as a heading per field ("### Source address") and the answer
below it ("_No response_" for one left blank). This turns such a body into facts.csv, which
.github/workflows/fact-check.yml gives to `make add --dry-run` so that the reader sees at once what would change or
why it would be refused. Nothing is published until an editor runs make add.

    python -m clearview.issue_form BODY.md FACTS.csv
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from clearview import schema
from clearview.add import COLUMNS

FORM = Path(__file__).resolve().parent.parent / ".github" / "ISSUE_TEMPLATE" / "new-fact.yml"
NO_RESPONSE = "_No response_"


class NotAFact(Exception):
    """An issue body that is not the form's."""


def labels(form: Path = FORM) -> dict[str, str]:
    """Each field's label in the form, and the make add column it fills (the field's id)."""
    fields = yaml.safe_load(form.read_text(encoding="utf-8"))["body"]
    return {field["attributes"]["label"]: field["id"] for field in fields if "id" in field}


def fact_from_body(body: str, form: Path = FORM) -> dict[str, str]:
    """The make add row a submitted form's body holds; NotAFact when it holds none of the form's fields."""
    known = labels(form)
    fact = dict.fromkeys(COLUMNS, "")
    found = False
    for heading, answer in re.findall(r"^### (.+?)\s*\n(.*?)(?=^### |\Z)", body.replace("\r\n", "\n"), re.M | re.S):
        column = known.get(heading.strip())
        if column is None:
            continue
        found = True
        answer = answer.strip()
        fact[column] = "" if answer == NO_RESPONSE else answer
    if not found:
        raise NotAFact("this issue was not written with the form: none of its headings is one of the form's fields")
    return fact


def main(argv: list[str] | None = None) -> int:
    body, out = (Path(a) for a in (argv if argv is not None else sys.argv[1:]))
    try:
        fact = fact_from_body(body.read_text(encoding="utf-8"))
    except NotAFact as error:
        print(error, file=sys.stderr)
        return 1
    schema.write_table(out, [fact], columns=list(COLUMNS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
