"""Changes to data/ and clearview.db made by one command at a time, and all at once or not at all.

make add, make build and make release each hold the project's lock while they run: a second one waits briefly,
then refuses, naming the one that runs. What a command changes is written first as complete files in a staging
folder beside data/ (`.staged-<pid>`); only then are the files moved onto data/ and the database, with interrupts
held back and a journal written first, so a kill at any moment leaves every file as it was or as it is meant to be.
The next command finishes a journal a killed one left, and removes the staging and build folders of runs that are
gone.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from filelock import FileLock, Timeout

T = TypeVar("T")

WAIT_SECONDS = 10  # a second command waits this long for the first before it refuses
LOCK, JOURNAL, OWNER = ".clearview.lock", ".clearview-commit.json", ".clearview.lock-owner"
LEFTOVERS = (".staged-", ".building-")  # folders named <prefix><pid>-...: a run's scratch space
STARTED = time.time()  # about when this process began (this module is imported at its start)


class Stopped(Exception):
    """A command line's end before its work was done (busy, or interrupted), its message printed: exit with code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class Busy(Exception):
    """Another command holds the lock."""


def pid_of(folder: Path) -> int | None:
    parts = folder.name.split("-")  # .staged-<pid>, .building-<pid>-<random>
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True  # running (a PermissionError says so too: it is someone else's)


@contextmanager
def exclusive(root: Path, command: str, wait: float = WAIT_SECONDS) -> Iterator[list[str]]:
    """Hold the lock of the project at root for one command; yields what was recovered from a killed run."""
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(root / LOCK)
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        owner = (root / OWNER).read_text(encoding="utf-8").strip() if (root / OWNER).exists() else "another command"
        raise Busy(
            f"{owner} is changing data/ or the database; waited {wait:.0f} s. Run yours again when it has ended "
            "(nothing of yours was changed)."
        ) from None
    try:
        (root / OWNER).write_text(f"{command} (pid {os.getpid()}, since {time.strftime('%H:%M:%S')})\n")
        yield recover(root)
    finally:
        (root / OWNER).unlink(missing_ok=True)
        lock.release()


def recover(root: Path) -> list[str]:
    """Finish the commit a killed run left, and remove the scratch folders of runs that are gone."""
    done = []
    journal = root / JOURNAL
    if journal.exists():
        moves = json.loads(journal.read_text(encoding="utf-8"))
        for staged, target in moves:
            if Path(staged).exists():
                os.replace(staged, target)
        journal.unlink()
        done.append(f"finished the change an interrupted run had begun to write ({len(moves)} files)")
    return done + remove_leftovers(root)


def remove_leftovers(folder: Path) -> list[str]:
    """The scratch folders in folder of runs that are no longer running (killed, or the machine stopped)."""
    removed = []
    for leftover in sorted(p for prefix in LEFTOVERS for p in folder.glob(prefix + "*")):
        pid = pid_of(leftover)
        # In a container each run may get the same pid: a folder with ours from before this process began is stale.
        earlier = pid == os.getpid() and leftover.stat().st_mtime < STARTED
        if leftover.is_dir() and (pid is None or earlier or (pid != os.getpid() and not alive(pid))):
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(f"removed {leftover.name}, left by an interrupted run")
    return removed


def staging(root: Path) -> Path:
    """A fresh scratch folder for this process, beside data/ (so a rename onto data/ stays on one file system)."""
    folder = root / f".staged-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def copy_data(data: Path, into: Path) -> Path:
    """data/'s CSV files and its released/ snapshot, copied to stage a change against them."""
    copy = into / "data"
    shutil.copytree(data, copy, ignore=lambda _, names: [n for n in names if n.startswith(".")])
    return copy


def commit(root: Path, moves: list[tuple[Path, Path]]) -> None:
    """Move each complete staged file onto its target, all of them or (should the machine stop) the journal's
    promise that the next command will. SIGINT and SIGTERM wait until the moves are done."""
    for staged, _ in moves:
        with open(staged, "rb") as handle:
            os.fsync(handle.fileno())
    journal, partial = root / JOURNAL, root / (JOURNAL + ".new")
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        partial.write_text(json.dumps([[str(s), str(t)] for s, t in moves]), encoding="utf-8")
        os.replace(partial, journal)
        for staged, target in moves:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
        journal.unlink()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def changed_files(staged_data: Path, data: Path) -> list[tuple[Path, Path]]:
    """The staged copy's files that differ from data/'s, as (staged, target) moves."""
    moves = []
    for staged in sorted(p for p in staged_data.rglob("*") if p.is_file()):
        target = data / staged.relative_to(staged_data)
        if not same_file(staged, target):
            moves.append((staged, target))
    return moves


def same_file(one: Path, other: Path) -> bool:
    """Both exist with the same bytes (sizes first: a large file that changed is rarely read)."""
    return one.exists() and other.exists() and filecmp.cmp(one, other, shallow=False)


def run(root: Path, command: str, what: str, work: Callable[[], T]) -> T:
    """work() under the project's lock, as make build, add and release run it: what was recovered from a killed run
    is said first; another command holding the lock too long, or an interrupt, ends in Stopped with its message."""
    try:
        with exclusive(root, command) as recovered:
            for line in recovered:
                print(f"note: {line}", file=sys.stderr)
            return work()
    except Busy as error:
        print(error, file=sys.stderr)
        raise Stopped(1) from None
    except KeyboardInterrupt:
        raise Stopped(interrupted(what)) from None


def interrupted(what: str) -> int:
    """What an interrupted command prints: nothing it was doing reached data/ or the database."""
    print(f"interrupted: {what} stopped; data/ and the database are as they were before it", file=sys.stderr)
    return 130
