"""The hostile visitor (issue 17): each attack that once held a core or gigabytes now ends at once with a 400 that
says why; visitor SQL runs a bounded number at a time; /data/ serves only published files; caches compute once.
Timings live in `make attack` (bench/attack.py), not here."""

from __future__ import annotations

import asyncio

import pytest

from clearview import routes, sql_limits
from clearview.cache import once_per_database
from tests.conftest import ROOT

ATTACKS = {
    "select length(randomblob(999999999))": "not authorized to use function: randomblob",
    "select zeroblob(200000000)": "not authorized to use function: zeroblob",
    "select length(printf('%.*c',1000000000,'x'))": "not authorized to use function: printf",
    "select length(format('%.*c',1000000000,'x'))": "not authorized to use function: format",
    "select hex(fts3_tokenizer('simple'))": "not authorized to use function: fts3_tokenizer",
    "select hex(fts3_tokenizer('simple', x'0000000000000000'))": "not authorized to use function: fts3_tokenizer",
    "with recursive r(s) as (select 'x' union all select s||s from r limit 40) select length(s) from r": (
        "string or blob too big"
    ),
    "select length(replace(replace(replace(replace(replace(quote(hex(zeroblob(1))), '0', '0000000000'), '0', "
    "'0000000000'), '0', '0000000000'), '0', '0000000000'), '0', '0000000000'))": "not authorized",
    "select length(json_quote(replace(hex(randomblob(1)), 'A', 'AAAA')))": "not authorized",
    # 2,000 rows of 64 KB: a short request that would answer with 128 MB.
    "with recursive d(s, k) as (select 'x', 0 union all select s || s, k + 1 from d where k < 16), "
    "r(n) as (select 1 union all select n + 1 from r limit 2000) "
    "select n, s from r, d where k = 16": "result too large",
}


@pytest.mark.parametrize("sql, refusal", ATTACKS.items(), ids=range(len(ATTACKS)))
async def test_an_expensive_query_is_refused_with_its_reason(real_site, sql, refusal):
    response = await real_site.client.get("/clearview.json", params={"sql": sql})
    assert response.status_code == 400
    assert refusal in response.json()["error"]


async def test_a_where_clause_is_bounded_the_same_way(real_site):
    response = await real_site.client.get("/clearview/agencies.json", params={"_where": "randomblob(1000000000)"})
    assert response.status_code == 400 and "not authorized to use function: randomblob" in response.json()["error"]


async def test_every_real_value_fits_the_length_limit(real_db):
    import sqlite3

    with sqlite3.connect(real_db) as db:
        for (table,) in db.execute("select name from sqlite_master where type = 'table'"):
            for (column,) in [(c[1],) for c in db.execute(f"pragma table_info([{table}])")]:
                longest = db.execute(f"select max(length(cast([{column}] as blob))) from [{table}]").fetchone()[0]
                assert (longest or 0) < sql_limits.MAX_VALUE_BYTES, (table, column)


@pytest.mark.parametrize(
    "path",
    ["/clearview/agencies?_sort=nope", "/clearview/agencies.json?_sort_desc=nope", "/clearview/agencies?_through=x"],
)
async def test_a_bad_parameter_is_a_400_not_a_500(real_site, path):
    response = await real_site.client.get(path)
    assert response.status_code == 400


async def test_the_downloads_and_tallies_are_our_own_queries_outside_the_budget(real_site):
    for path in ("/downloads/agency_shown.csv", "/downloads/responses.json", "/tallies"):
        assert (await real_site.client.get(path)).status_code == 200


async def test_data_serves_only_the_published_files(real_site):
    debris = [ROOT / "data" / name for name in (".env", "~$agencies.xlsx", "agencies.csv.bak")]
    try:
        for path in debris:
            path.write_text("EDITOR=someone\n")
        for path in debris:
            assert (await real_site.client.get(f"/data/{path.name}")).status_code == 404
        assert (await real_site.client.get("/data/released/agencies.csv")).status_code == 404
        for name in ("agencies.csv", "use_periods.csv", "README.md", "CHANGELOG.md"):
            assert (await real_site.client.get(f"/data/{name}")).status_code == 200
    finally:
        for path in debris:
            path.unlink(missing_ok=True)


async def test_visitor_sql_past_the_bound_gets_429_and_readers_pass():
    from plugins import visitor_sql

    started, release = asyncio.Event(), asyncio.Event()

    async def slow_app(scope, receive, send):
        started.set()
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    class Site:
        def metadata(self, *args, **kwargs):
            return {"agencies_within_km": {}}

    app = visitor_sql.asgi_wrapper(Site())(slow_app)
    statuses: list[int] = []

    async def get(path: str, query: bytes) -> None:
        async def send(message):
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app({"type": "http", "path": path, "query_string": query}, None, send)

    first = asyncio.create_task(get("/clearview.json", b"sql=select+1"))
    await started.wait()
    await get("/clearview/agencies_within_km.json", b"km=5&latitude=1&longitude=1")  # waits, then 429
    assert statuses == [429]
    reader = asyncio.create_task(get("/agency/x", b""))
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(first, reader)
    assert sorted(statuses) == [200, 200, 429]


async def test_concurrent_first_requests_compute_an_answer_once():
    calls = 0

    class Database:
        hash, path = "synthetic-hash", "synthetic.db"

    async def compute(database):
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return "answer"

    answers = await asyncio.gather(*(once_per_database(Database(), "synthetic", compute) for _ in range(20)))
    assert answers == ["answer"] * 20 and calls == 1


async def test_an_answer_kept_for_the_database_is_left_out_of_the_cycle_collectors_passes(monkeypatch):
    """A kept answer lives as long as the database: a full collection pass over a search index built at 100,000
    agencies paused a reader's request 170 ms (bench/RESULTS.md: the place search's p95)."""
    import gc

    from clearview import cache

    monkeypatch.setattr(cache, "_answers", {})

    class Database:
        hash, path = "kept-hash", "kept.db"

    async def compute(database):
        return [[n] for n in range(1_000)]  # lists: containers the collector would scan

    answer = await once_per_database(Database(), "kept", compute)
    assert gc.is_tracked(answer[0])
    # The collector's generations no longer hold it: it is in the permanent one (gc.freeze).
    assert not any(found is answer[0] for found in gc.get_objects())


async def test_assets_and_reader_pages_carry_cache_control_and_an_etag_that_answers_304(real_site):
    for path, max_age in (
        ("/static/site.css", "max-age=86400"),
        ("/", "max-age=300"),
        ("/agency/toronto-police-service", "max-age=300"),
    ):
        first = await real_site.client.get(path)
        assert max_age in first.headers["cache-control"] and first.headers["etag"].startswith('W/"')
        again = await real_site.client.get(path, headers={"if-none-match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""


async def test_etags_change_with_the_data(real_site, synthetic_db):
    from tests.conftest import make_datasette

    other = make_datasette(synthetic_db)
    assert (await real_site.client.get("/")).headers["etag"] != (await other.client.get("/")).headers["etag"]


async def test_the_database_download_etag_follows_the_file(real_db, tmp_path):
    import os

    from tests.conftest import make_datasette

    copy = tmp_path / "clearview.db"
    copy.write_bytes(real_db.read_bytes())
    site = make_datasette(copy)
    before = (await site.client.get("/clearview.db")).headers["etag"]
    os.utime(copy, ns=(1, 1))  # a rebuild under a running server
    assert (await site.client.get("/clearview.db")).headers["etag"] != before


async def test_text_is_gzipped_for_clients_that_ask(real_site):
    response = await real_site.client.get("/map/agencies.geojson", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip" and response.json()["features"]
    # Gzipped once (as it was built), and the same as the plain answer.
    plain = await real_site.client.get("/map/agencies.geojson", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == response.json()
    assert "accept-encoding" in response.headers["vary"].lower()


async def test_what_a_first_request_builds_is_built_beside_the_event_loop(real_db, monkeypatch):
    """No single request holds the server: the browse page's facets and the map's markers and popups, built when
    first asked for, are built in a thread while the server's loop answers other readers (bench/run.py measures how
    long other requests wait meanwhile)."""
    import threading

    from clearview import browse, cache, markers
    from tests.conftest import make_datasette

    monkeypatch.setattr(cache, "_answers", {})  # built afresh here, not by an earlier test
    on_loop: dict[str, bool] = {}

    def watch(module, name: str) -> None:
        original = getattr(module, name)

        def watched(*args, **kwargs):
            on_loop[name] = threading.current_thread() is threading.main_thread()
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, watched)

    for module, name in ((browse, "slugify"), (markers, "markers"), (markers, "details")):
        watch(module, name)
    site = make_datasette(real_db)
    for path in ("/browse", routes.path("map_markers"), routes.path("map_details") + "0.json"):
        assert (await site.client.get(path)).status_code == 200, path
    assert on_loop == {"slugify": False, "markers": False, "details": False}


def test_a_csv_cell_longer_than_the_csv_modules_default_limit_streams_whole():
    from plugins.csv_safe import CsvNeutraliser

    cell = "x" * 200_000
    out = CsvNeutraliser().feed(f"a,b\r\n{cell},=1+1\r\n".encode(), final=True)
    assert out == f"a,b\r\n{cell},'=1+1\r\n".encode()


def repeated(piece: str, times: int) -> str:
    """SQL for a value made of a piece repeated, as a visitor builds a long one (printf and zeroblob are refused)."""
    return (
        f"(select group_concat({piece}, '') from (with recursive n(i) as (select 1 union all select i + 1 from n "
        f"where i < {times}) select i from n))"
    )


BIG = repeated("'aaaaaaaa'", 12_000)  # 96 KB, under the length limit
# One call of each compares every place of a value with every character of another: SQLite cannot stop it mid-call,
# and 150 of them in one query once held a CPU for minutes.
QUADRATIC_ATTACKS = {
    "like": (f"'%' || {repeated(chr(39) + 'a' + chr(39), 97)} || 'b'", "v like p"),
    "glob": (f"'*' || {repeated(chr(39) + '[a]' + chr(39), 32)} || 'b'", "v glob p"),
    "instr": (f"substr({BIG}, 1, 40000) || 'b'", "instr(v, p)"),
    "replace": (f"substr({BIG}, 1, 40000) || 'b'", "replace(v, p, 'x')"),
}


@pytest.mark.parametrize("name", QUADRATIC_ATTACKS)
async def test_a_query_of_many_quadratic_calls_stops_at_its_time_limit(real_site, name):
    pattern, call = QUADRATIC_ATTACKS[name]
    calls = ", ".join(f"{call} as c{i}" for i in range(150))
    sql = f"with t(v, p) as (select {BIG}, {pattern}) select {calls} from t"
    response = await real_site.client.get("/clearview.json", params={"sql": sql})
    assert response.status_code == 400
    assert "SQL query took too long" in response.json()["error"]


def test_trim_of_text_never_reaches_sqlites_own(monkeypatch):
    """SQLite's trim compares each end character with every character of the set (7,000 of them: 0.4 s a call, which
    the time limit cannot stop); ours takes one pass."""
    import sqlite3

    connection = sqlite3.connect(":memory:")
    sql_limits.prepare(connection)
    monkeypatch.setattr(sql_limits, "builtins", lambda: pytest.fail("trim went to SQLite's own"))
    characters = "".join(chr(256 + i) for i in range(7000))
    value = chr(7255) * 30_000 + "b"
    for name, expected in (("trim", "b"), ("ltrim", "b"), ("rtrim", value)):
        assert connection.execute(f"select {name}(?, ?)", [value, characters]).fetchone()[0] == expected


async def test_a_long_like_pattern_is_refused_and_a_short_one_still_matches(real_site):
    long = "'%" + "a" * sql_limits.LIKE_PATTERN_BYTES + "'"
    response = await real_site.client.get("/clearview.json", params={"sql": f"select 'x' like {long}"})
    assert response.status_code == 400 and "pattern too complex" in response.json()["error"]
    sql = "select 'Toronto' like 'tor%' as a, 'Toronto' glob 'T*o' as b, instr('abc', 'c') as c, "
    sql += "replace('abc', 'b', 'x') as d, trim('xax', 'x') as e, 'a_c' like 'a!_c' escape '!' as f"
    rows = (await real_site.client.get("/clearview.json", params={"sql": sql, "_shape": "array"})).json()
    assert rows == [{"a": 1, "b": 1, "c": 3, "d": "axc", "e": "a", "f": 1}]


def test_a_bounded_function_past_the_deadline_interrupts_its_query():
    import sqlite3

    connection = sqlite3.connect(":memory:")
    sql_limits.prepare(connection)
    with sql_limits.timed(connection, 0), pytest.raises(sqlite3.OperationalError, match="interrupted"):
        connection.execute("select 'a' like 'a'").fetchall()
    assert connection.execute("select 'a' like 'a'").fetchone()[0] == 1  # outside a query's time, as before


@pytest.mark.parametrize("name", ["trim", "ltrim", "rtrim"])
def test_trim_answers_as_sqlites_own(name):
    import sqlite3

    ours, own = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    sql_limits.prepare(ours)
    for value, characters in [("xxaxx", "x"), ("  a b  ", " "), ("abcba", "ab"), ("", "a"), ("é€aé", "é€"), ("a", "")]:
        for args in ([value, characters], [value.encode(), characters.encode()]):
            sql = f"select {name}(?, ?)"
            assert tuple(ours.execute(sql, args).fetchone()) == own.execute(sql, args).fetchone(), (name, args)
    for args in ([None, "a"], ["a", None], [12321, "1"], [1.5, "1"]):
        sql = f"select {name}(?, ?)"
        assert tuple(ours.execute(sql, args).fetchone()) == own.execute(sql, args).fetchone(), (name, args)


async def test_a_large_body_is_refused_before_anything_reads_it(real_site):
    from plugins.request_limits import MAX_BODY_BYTES

    big = b"a=" + b"x" * (MAX_BODY_BYTES + 1)
    cookies = {"ds_csrftoken": "x"}  # Datasette's CSRF layer read the whole form body of a POST with a cookie
    for path in ("/", "/search", "/clearview/agencies", "/no-such-page"):
        response = await real_site.client.post(path, content=big, cookies=cookies)
        assert response.status_code == 413, path

    async def chunks():  # no length given: refused before a byte is read
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b"x" * 1024

    response = await real_site.client.post("/search", content=chunks(), cookies=cookies)
    assert response.status_code == 411
    assert (await real_site.client.post("/search", content=b"q=x")).status_code != 413


async def test_large_or_many_headers_are_refused(real_site):
    from plugins.request_limits import MAX_HEADER_BYTES, MAX_HEADERS

    response = await real_site.client.get("/", headers={"x-big": "x" * MAX_HEADER_BYTES})
    assert response.status_code == 431
    response = await real_site.client.get("/", headers={f"x-{n}": "1" for n in range(MAX_HEADERS + 1)})
    assert response.status_code == 431
    assert (await real_site.client.get("/", headers={"x-small": "1"})).status_code == 200


def test_a_connection_that_sends_no_whole_head_is_closed(real_db, monkeypatch):
    """Slowloris and idle connections (clearview/server.py): a head must come whole within HEAD_SECONDS of the
    connection or of the last response, whatever dribbles in meanwhile."""
    import socket
    import time

    from clearview import server
    from tests.browser_support import serve

    monkeypatch.setattr(server, "HEAD_SECONDS", 0.5)

    def closed_within(sock: socket.socket, seconds: float) -> bool:
        sock.settimeout(seconds)
        try:
            while sock.recv(4096):
                pass
            return True
        except TimeoutError:
            return False

    with serve(real_db) as base:
        port = int(base.rsplit(":", 1)[1])
        idle = socket.create_connection(("127.0.0.1", port))
        assert closed_within(idle, 5)
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        for _ in range(3):  # a header line now and then never completes the head
            time.sleep(0.3)
            try:
                slow.sendall(b"X-Slow: 1\r\n")
            except OSError:
                break
        assert closed_within(slow, 5)
        kept = socket.create_connection(("127.0.0.1", port))  # a whole request is answered as before
        kept.sendall(b"GET /-/versions.json HTTP/1.1\r\nHost: x\r\n\r\n")
        kept.settimeout(5)
        assert kept.recv(12).startswith(b"HTTP/1.1 200")


async def test_requests_wait_their_turn_to_build_a_page_but_not_to_be_read(real_site):
    """plugins/render_limit.py: at most TURNS requests of a kind build their answers at once (300 slow readers of
    the largest JSON once took the server from 80 to 240 MB, for good); an answer being read holds no turn; readers'
    pages do not wait behind reporters' data."""
    from plugins.render_limit import TURNS, one_turn_each

    plugins = (await real_site.client.get("/-/plugins.json")).json()
    assert any(plugin["name"] == "render_limit.py" for plugin in plugins)

    building, most, reading, release = 0, 0, 0, asyncio.Event()

    async def app(scope, receive, send):
        nonlocal building, most, reading
        building += 1
        most = max(most, building)
        await asyncio.sleep(0.01)  # builds its page
        building -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        reading += 1
        await release.wait()  # read slowly: the body goes out only when the reader takes it
        await send({"type": "http.response.body", "body": b"x"})

    async def sent(message):
        pass

    for path, turns in (("/search", TURNS["pages"]), ("/clearview/agencies.json", TURNS["data"])):
        building, most, reading = 0, 0, 0
        release.clear()
        wrapped = one_turn_each(app)
        requests = [asyncio.create_task(wrapped({"type": "http", "path": path}, None, sent)) for _ in range(5 * turns)]
        for _ in range(200):
            if reading == len(requests):
                break
            await asyncio.sleep(0.01)
        assert most == turns and reading == len(requests), path  # each answer started while others were read
        release.set()
        await asyncio.gather(*requests)

    blocked = asyncio.Event()

    async def site(scope, receive, send):  # the exports never finish building; the reader's page does
        if scope["path"].startswith("/clearview"):
            await blocked.wait()
        else:
            await app(scope, receive, send)

    wrapped = one_turn_each(site)
    exports = [
        asyncio.create_task(wrapped({"type": "http", "path": "/clearview.json"}, None, sent))
        for _ in range(TURNS["data"] + 1)
    ]
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.wait_for(wrapped({"type": "http", "path": "/"}, None, sent), 1)  # does not wait for the exports
    blocked.set()
    await asyncio.gather(*exports)

    async def failing(scope, receive, send):
        raise ValueError

    wrapped = one_turn_each(failing)
    for _ in range(TURNS["pages"] + 1):  # a request that fails gives its turn back
        with pytest.raises(ValueError):
            await wrapped({"type": "http", "path": "/"}, None, sent)


def test_a_reader_that_takes_nothing_is_dropped_and_one_that_reads_gets_it_all(monkeypatch):
    """clearview/server.py: an answer goes out in pieces, and a reader that takes no piece for WRITE_STALL_SECONDS
    is dropped, with what it had not taken; a reader that reads gets every byte."""
    import socket
    import threading
    import time

    import uvicorn

    from clearview import server
    from clearview.browser import free_port

    monkeypatch.setattr(server, "WRITE_STALL_SECONDS", 0.5)
    answer = b"x" * (24 * 1024 * 1024)  # past what the kernel's socket buffers hold (4 MB each way here)

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        headers = [(b"content-length", str(len(answer)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    port = free_port()
    running = uvicorn.Server(server.config(app, "127.0.0.1", port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.05)

    def taken(pause: float) -> int:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(pause)  # takes nothing meanwhile
        sock.settimeout(10)
        received = 0
        try:
            while chunk := sock.recv(1 << 20):
                received += len(chunk)
                if received > len(answer):  # the head and every byte of the answer
                    break
        except ConnectionResetError:
            pass
        sock.close()
        return received

    try:
        assert taken(pause=0) > len(answer)
        assert taken(pause=2) < len(answer)
    finally:
        running.should_exit = True
        thread.join(timeout=10)
