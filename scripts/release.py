"""Make a data release: record what changed in data/ since the last release, then snapshot it.

    python -m scripts.release [--version V] [--date YYYY-MM-DD]   (what `make release` runs)

Compares each fact file with its copy in data/released/ (csv-diff, keyed as schema.TABLES says), appends the
changes to data/changes.csv and the release to data/releases.csv, rewrites data/CHANGELOG.md from them, and
copies the files to data/released/. The data must build first; a release with no change is refused.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import shutil
import sys
from functools import partial
from pathlib import Path

from csv_diff import compare

from clearview import build, schema, transaction, validate
from clearview.progress import progress

FACT_TABLES = schema.FACT_TABLES
LISTED_PER_RELEASE = 100  # a first release adds every record: the changelog lists the first ones


def read_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def keyed(rows: list[dict], table: str) -> dict[str, dict]:
    key = schema.TABLES[table]["key"]
    return {"/".join(row[column] for column in key): row for row in rows}


def changes_between(previous: Path, current: Path, version: str) -> list[dict]:
    """One row per added or removed record, and one per changed value, in a stable order."""
    changes = []
    for table in progress(FACT_TABLES, "compare with the last release", unit=" files"):
        before, after = (
            keyed(read_rows(previous / f"{table}.csv"), table),
            keyed(read_rows(current / f"{table}.csv"), table),
        )
        if before and after:
            diff = compare(before, after)
        else:  # csv-diff needs rows on both sides: the first release adds everything
            diff = {"added": list(after.values()), "removed": list(before.values()), "changed": []}
        base = {"version": version, "table_name": table, "column_name": "", "old_value": "", "new_value": ""}
        for change in ("added", "removed"):
            for row in diff[change]:
                record = "/".join(row[column] for column in schema.TABLES[table]["key"])
                changes.append(base | {"record": record, "change": change})
        # A column new since the last release: its value in every record that was there is a change from nothing.
        for column in diff.get("columns_added", []):
            for record, row in after.items():
                if record in before and row[column]:
                    diff["changed"].append({"key": record, "changes": {column: ("", row[column])}})
        for changed in diff["changed"]:
            for column, (old, new) in sorted(changed["changes"].items()):
                changes.append(
                    base
                    | {
                        "record": changed["key"],
                        "change": "changed",
                        "column_name": column,
                        "old_value": old,
                        "new_value": new,
                    }
                )
    return sorted(changes, key=lambda c: (FACT_TABLES.index(c["table_name"]), c["change"], c["record"]))


def next_version(releases: list[dict], date: str) -> str:
    """Releases are named by date: 2026.11.22, then 2026.11.22.2 for a second release that day."""
    base = date.replace("-", ".")
    taken = {release["version"] for release in releases}
    if base not in taken:
        return base
    return next(f"{base}.{n}" for n in range(2, 1000) if f"{base}.{n}" not in taken)


def changelog(releases: list[dict], changes: list[dict]) -> str:
    lines = [
        "# Data changelog",
        "",
        "Written by `make release` from `data/releases.csv` and `data/changes.csv`; do not edit by hand.",
        "",
    ]
    for release in reversed(releases):
        lines += [
            f"## {release['version']} ({release['released']})",
            "",
            f"{release['added']} records added, {release['removed']} removed, {release['changed']} values changed.",
            "",
        ]
        listed = [c for c in changes if c["version"] == release["version"]]
        for change in listed[:LISTED_PER_RELEASE]:
            where = f"{change['table_name']} `{change['record']}`"
            if change["change"] == "changed":
                lines.append(f"- {where}: {change['column_name']} “{change['old_value']}” → “{change['new_value']}”")
            else:
                lines.append(f"- {where} {change['change']}")
        if len(listed) > LISTED_PER_RELEASE:
            lines.append(f"- and {len(listed) - LISTED_PER_RELEASE} more: see `data/changes.csv`")
        lines.append("")
    return "\n".join(lines)


def release(
    data: Path,
    version: str | None = None,
    date: str | None = None,
    allow_removed: bool = False,
    db: Path | None = None,
) -> dict:
    """The release made in a staged copy of data/, built (into db, when given), then moved onto data/ and db at
    once (clearview/transaction.py): a refusal or an interrupt leaves both as they were."""
    root = data.resolve().parent
    folder = transaction.staging(root)
    try:
        staged = transaction.copy_data(data, folder)
        build.build(staged, folder / "check.db", allow_removed)  # raises BuildError: nothing is released
        made = release_in(staged, version, date)
        build.build(staged, folder / "clearview.db", allow_removed)  # the database says which release it is
        moves = transaction.changed_files(staged, data)
        transaction.commit(root, moves + ([(folder / "clearview.db", db)] if db else []))
        return made
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def release_in(data: Path, version: str | None, date: str | None) -> dict:
    releases = read_rows(data / "releases.csv")
    date = date or datetime.date.today().isoformat()
    version = version or next_version(releases, date)
    if version in {r["version"] for r in releases}:
        raise SystemExit(f"release {version} exists already: choose another --version")
    new = changes_between(data / "released", data, version)
    if not new:
        raise SystemExit("nothing changed since the last release: no release made")
    counts = {kind: sum(1 for c in new if c["change"] == kind) for kind in ("added", "removed", "changed")}
    releases.append({"version": version, "released": date} | counts)
    changes = read_rows(data / "changes.csv") + new
    schema.write_table(data / "releases.csv", releases)
    schema.write_table(data / "changes.csv", changes)
    (data / "CHANGELOG.md").write_text(changelog(releases, changes), encoding="utf-8")
    (data / "released").mkdir(exist_ok=True)
    for table in FACT_TABLES:
        shutil.copyfile(data / f"{table}.csv", data / "released" / f"{table}.csv")
    return releases[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=build.ROOT / "data")
    parser.add_argument("--db", type=Path, default=build.ROOT / "clearview.db")
    parser.add_argument("--version")
    parser.add_argument("--date", help="the release date, YYYY-MM-DD (default today)")
    parser.add_argument("--allow-removed", action="store_true", default=os.environ.get("ALLOW_REMOVED") == "1")
    args = parser.parse_args(argv)
    try:
        work = partial(release, args.data, args.version, args.date, args.allow_removed, args.db)
        made = transaction.run(args.data.resolve().parent, "make release", "the release", work)
    except transaction.Stopped as stop:
        return stop.code
    except validate.BuildError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print("release refused: the data does not build", file=sys.stderr)
        return 1
    print(
        f"released {made['version']} ({made['released']}): {made['added']} added, "
        f"{made['removed']} removed, {made['changed']} changed; see data/CHANGELOG.md"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
