"""make add, make build and make release interrupted at random moments, killed, and run two at once: data/ and the
database are always as before or as after, never between, and always agree. On synthetic data (conftest.py)."""

from __future__ import annotations

import csv
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import build_db
from clearview import schema, transaction
from tests.conftest import ROOT, synthetic_data, write_csv

TRIES = 20
FACT = {
    "agency_type": "police",
    "city": "Timmins",
    "state": "ON",
    "country": "CA",
    "response_category": "confirmed_use",
    "source_title": "Synthetic report",
    "source_date": "2021-04-06",
    "evidence_quote": "synthetic sentence",
}


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    synthetic_data(root / "data")
    build_db.build(root / "data", root / "clearview.db")
    return root


def facts_file(root: Path, name: str, names: list[str]) -> Path:
    rows = [FACT | {"agency_name": n, "source_url": f"https://example.org/{name}"} for n in names]
    write_csv(root / f"{name}.csv", rows, columns=list(rows[0]))
    return root / f"{name}.csv"


def command(root: Path, *args: str) -> list[str]:
    return [sys.executable, *args, "--data", str(root / "data"), "--db", str(root / "clearview.db")]


def run(root: Path, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(command(root, *args), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def consistent(root: Path) -> dict[str, bytes]:
    """Every data file whole, and the database built from exactly these files; returns the files."""
    data = root / "data"
    files = {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*.csv"))}
    for name, content in files.items():
        assert content.endswith(b"\n"), f"{name} is cut short"
        header = next(csv.reader([content.decode().splitlines()[0]]))
        assert header == schema.TABLES[Path(name).stem]["columns"], f"{name}: header lost"
    with sqlite3.connect(root / "clearview.db") as db:
        listed = sorted(row[0] for row in db.execute("select agency_id from agencies"))
        releases = [row[0] for row in db.execute("select version from releases order by version")]
    with open(data / "agencies.csv", encoding="utf-8") as handle:
        assert listed == sorted(row["agency_id"] for row in csv.DictReader(handle)), "data/ and the database differ"
    with open(data / "releases.csv", encoding="utf-8") as handle:
        assert releases == sorted(row["version"] for row in csv.DictReader(handle)), "releases differ"
    assert not list(root.glob(transaction.JOURNAL)), "a journal was left behind"
    return files


@pytest.mark.parametrize(
    "what",
    [
        ("-m", "clearview.add", "{facts}"),
        ("build_db.py",),
        ("-m", "scripts.release", "--date", "2026-01-05"),
    ],
    ids=["add", "build", "release"],
)
def test_an_interrupt_at_any_moment_leaves_before_or_after(tmp_path: Path, what: tuple[str, ...]):
    root = project(tmp_path)
    before = consistent(root)
    facts = facts_file(root, "facts", ["Synthetic Interrupted Police"])
    chance = random.Random(22)
    outcomes = set()
    for _ in range(TRIES):
        process = run(root, *(str(facts) if part == "{facts}" else part for part in what))
        time.sleep(chance.uniform(0.2, 2.5))
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        # Only Python's own start, before the project's code is loaded, can still end in a traceback.
        assert b"Traceback" not in err or (b"/clearview/" not in err and b"KeyboardInterrupt" in err), err.decode()
        now = consistent(root)
        outcomes.add("before" if now == before else "after")
        if now != before:  # back to the start, so that the next try can be interrupted again
            for name, content in before.items():
                (root / "data" / name).write_bytes(content)
            for name in set(now) - set(before):
                (root / "data" / name).unlink()
            build_db.build(root / "data", root / "clearview.db")
    assert outcomes, "no try ran"


def test_a_killed_run_is_finished_or_cleaned_by_the_next(tmp_path: Path):
    root = project(tmp_path)
    facts = facts_file(root, "facts", ["Synthetic Killed Police"])
    chance = random.Random(9)
    for _ in range(8):
        process = run(root, "-m", "clearview.add", str(facts))
        time.sleep(chance.uniform(0.2, 2.5))
        process.kill()
        process.wait()
        after = subprocess.run(command(root, "build_db.py"), cwd=ROOT, capture_output=True, text=True)
        assert after.returncode == 0, after.stderr
        consistent(root)
        assert not [p for p in root.iterdir() if p.name.startswith(transaction.LEFTOVERS)], "leftovers remain"


def test_two_adds_at_once_never_disagree_and_neither_loses_what_it_said_it_added(tmp_path: Path):
    root = project(tmp_path)
    first = facts_file(root, "first", ["Synthetic First Police"])
    second = facts_file(root, "second", ["Synthetic Second Police"])
    for _ in range(3):
        runs = [run(root, "-m", "clearview.add", str(f)) for f in (first, second)]
        for process in runs:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0 or b"is changing data/ or the database" in err, err.decode()
        consistent(root)
        agencies = (root / "data" / "agencies.csv").read_text()
        assert "Synthetic First Police" in agencies and "Synthetic Second Police" in agencies


def test_a_second_run_waits_then_names_the_one_that_runs(tmp_path: Path):
    root = project(tmp_path)
    with transaction.exclusive(root, "make add"):
        refused = subprocess.run(command(root, "build_db.py"), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert "make add (pid" in refused.stderr and "is changing data/ or the database" in refused.stderr
