"""The build on small synthetic data: what it derives, and that bad data changes nothing."""

import csv

import pytest
import sqlite_utils

from tests.conftest import ROOT


def rows(db_path, sql):
    return [dict(row) for row in sqlite_utils.Database(db_path).query(sql)]


def test_every_synthetic_row_is_loaded(synthetic_db):
    db = sqlite_utils.Database(synthetic_db)
    assert {t: db[t].count for t in ("agencies", "sources", "responses", "search_counts")} == {
        "agencies": 3,
        "sources": 2,
        "responses": 4,
        "search_counts": 3,
    }


def test_headline_response_is_the_strongest_confirmation(synthetic_db):
    [agency] = rows(synthetic_db, "select * from agencies where agency_id = 'synthetic-timmins-police'")
    assert agency["response_status"] == "confirmed_use"
    assert agency["statement"] == "Synthetic statement."
    assert agency["source_count"] == 2


def test_stated_range_wins_over_open_bound_and_typed_label_is_normalised(synthetic_db):
    [agency] = rows(synthetic_db, "select * from agencies where agency_id = 'synthetic-timmins-police'")
    assert (agency["search_range"], agency["searches_min"], agency["searches_max"]) == ("101-500", 101, 500)
    counts = rows(
        synthetic_db,
        "select * from search_counts where source_id = 'synthetic-source-1' and agency_id = 'synthetic-timmins-police'",
    )
    assert counts[0]["search_range"] == "101+"  # "more than 120": the open bucket its lower bound supports


def test_counts_after_february_2020_are_never_in_the_leaked_data(synthetic_db):
    [agency] = rows(synthetic_db, "select * from agency_shown where agency_id = 'synthetic-federal-agency'")
    assert agency["search_range"] == "unknown"  # the searches facet is the leaked data's
    assert agency["count_words"] == "40 searches, after February 2020"
    assert (agency["use_period"], agency["period_label"]) == ("after", "Known only from use after February 2020")
    [count] = rows(synthetic_db, "select * from search_counts where agency_id = 'synthetic-federal-agency'")
    assert (count["use_period"], count["search_range"]) == ("after", "11-50")


def test_manual_coordinates_win_and_others_are_geocoded(synthetic_db):
    located = {r["agency_id"]: r for r in rows(synthetic_db, "select * from agencies")}
    assert located["synthetic-manual-agency"]["location_precision"] == "manual"
    assert located["synthetic-manual-agency"]["latitude"] == 40.5
    assert located["synthetic-timmins-police"]["location_precision"] == "city"
    assert located["synthetic-federal-agency"]["location_precision"] == "country"


def test_one_count_scale_buckets_a_count_by_what_its_bounds_support():
    from clearview.headline import bucket_for

    with open(ROOT / "data" / "search_ranges.csv", encoding="utf-8") as handle:
        scale = list(csv.DictReader(handle))
    assert bucket_for("11", "50", scale) == "11-50"  # inside one of BuzzFeed's ranges
    assert bucket_for("3401", "", scale) == "1001+"  # "more than 3,400": the open bucket its floor supports
    assert bucket_for("500", "1000", scale) == "101+"  # bounds across two ranges: the floor's
    assert bucket_for("11001", "", scale) == "5001+"
    assert bucket_for("", "500", scale) == "upper_only"  # "up to 500"
    assert bucket_for("", "", scale) == "unknown"


def test_a_stale_build_folder_is_removed_even_when_its_pid_is_ours(tmp_path):
    """A container gives each run the same pid: a killed build's folder then carries the next build's pid."""
    import os

    from clearview import transaction

    stale, current = tmp_path / f".building-{os.getpid()}-old", tmp_path / f".building-{os.getpid()}-now"
    stale.mkdir()
    current.mkdir()
    os.utime(stale, (transaction.STARTED - 60, transaction.STARTED - 60))
    assert transaction.remove_leftovers(tmp_path) == [f"removed {stale.name}, left by an interrupted run"]
    assert current.exists() and not stale.exists()


def test_a_long_job_shows_progress_on_a_terminal_and_nothing_in_a_log(tmp_path):
    """clearview/progress.py: the build's bars on a terminal's standard error; in a pipe (CI's log) not a byte."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    from tests.conftest import synthetic_data

    data = synthetic_data(tmp_path / "data")
    command = [sys.executable, str(ROOT / "build_db.py"), "--data", str(data), "--db", str(tmp_path / "x.db")]
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_PROGRESS")}
    piped = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    assert "geocode" not in piped.stderr and "\r" not in piped.stderr

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # a terminal 80 columns wide
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, env=env) as build:
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the build has ended
                break
            if not chunk:
                break
            seen += chunk
    os.close(leader)
    assert build.returncode == 0
    assert b"read agencies" in seen and b"geocode, summarise" in seen


@pytest.mark.parametrize("module, step", [("build", "read_apart"), ("build", "load_share"), ("load", "full_text")])
def test_an_error_in_the_second_process_is_the_builds_own(tmp_path, monkeypatch, module, step):
    """The agencies' file is read, half the agencies summarised and the full-text tables built in a forked process:
    its exception (here a disk error) is raised by build(), which leaves no database."""
    from clearview import build, load
    from tests.conftest import synthetic_data

    data = synthetic_data(tmp_path / "data")

    def failing(*args):
        raise OSError(28, "No space left on device", str(args[-1]))

    monkeypatch.setattr({"build": build, "load": load}[module], step, failing)
    with pytest.raises(OSError, match="No space left"):
        build.build(data, tmp_path / "clearview.db")
    assert not (tmp_path / "clearview.db").exists()
    assert not list(tmp_path.glob(".building-*"))


def test_a_build_stopped_while_its_second_process_reads_leaves_no_process(tmp_path, monkeypatch):
    """An interrupt in the first process stops the second: nothing is left writing into the build's folder."""
    import os
    import time

    from clearview import build
    from tests.conftest import synthetic_data

    data = synthetic_data(tmp_path / "data")
    pid_file = tmp_path / "second.pid"

    def slow(data_dir, path, found):
        pid_file.write_text(str(os.getpid()))
        time.sleep(5)
        (tmp_path / "second-finished").touch()  # only if it was left to run on

    def interrupted(data_dir, names, found, staging, quiet=False):
        if "responses" in names:
            while not pid_file.exists():
                time.sleep(0.01)
            raise KeyboardInterrupt
        return plain_read(data_dir, names, found, staging, quiet)

    plain_read = build.read_files
    monkeypatch.setattr(build, "read_apart", slow)
    monkeypatch.setattr(build, "read_files", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build.build(data, tmp_path / "clearview.db")
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)  # ended and reaped: not even a zombie is left
    assert not (tmp_path / "second-finished").exists(), "the second process was waited for, not stopped"
    assert not list(tmp_path.glob(".building-*"))


def test_an_error_in_the_index_step_stops_the_tallies_being_counted_beside_it(tmp_path, synthetic_db, monkeypatch):
    """The tallies are counted by a thread while the index step builds indexes: an error (or Ctrl-C) there ends the
    thread's query at once rather than waiting for every tally to be counted."""
    import shutil
    import sqlite3

    from clearview import load

    db = tmp_path / "clearview.db"
    shutil.copy(synthetic_db, db)
    ended = []

    def long_count(connection):
        # About 10^8 rows: tens of seconds, unless the query is stopped.
        query = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000000) select count(*) "
        query += "from n"
        try:
            yield "long", str(connection.execute(query).fetchone()[0])
        except sqlite3.OperationalError as error:
            ended.append(str(error))
            raise

    def failing_index(self, columns, *args, **kwargs):
        raise RuntimeError("disk full (synthetic)")

    monkeypatch.setattr(load, "count_tallies", long_count)
    monkeypatch.setattr(sqlite_utils.db.Table, "create_index", failing_index)
    with pytest.raises(RuntimeError, match="synthetic"):
        load.index(db)
    assert ended == ["interrupted"], "the tallies' query ran on after the index step failed"


@pytest.mark.parametrize("fixture", ["synthetic_db", "real_db"])
def test_the_full_text_tables_built_beside_the_indexes_are_whole_and_find_each_row(fixture, request):
    """The full-text tables are built in a second process and copied in: FTS5's own check passes (the index agrees
    with the table it indexes), and each agency's name and each said sentence's words find their row."""
    import sqlite3

    connection = sqlite3.connect(request.getfixturevalue(fixture))
    for fts in ("agencies_fts", "said_fts"):
        connection.execute(f"insert into {fts}({fts}) values ('integrity-check')")  # raises if they disagree
    for table, column in (("agencies", "name"), ("said", "words")):
        for rowid, text in connection.execute(f"select rowid, [{column}] from [{table}] order by rowid limit 200"):
            phrase = '"' + " ".join(text.replace('"', " ").split()) + '"'
            found = connection.execute(f"select rowid from {table}_fts where {table}_fts match ?", [phrase]).fetchall()
            assert (rowid,) in found, (table, text)
