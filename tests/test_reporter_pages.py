"""Reporters' pages: tallies beside the published totals, the data dictionary, downloads."""

from __future__ import annotations

import csv
import io
import re

import sqlite_utils
import yaml

from tests.conftest import ROOT


async def test_tallies_show_ours_beside_every_published_total_with_its_source(real_site, real_db):
    db = sqlite_utils.Database(real_db)
    html = (await real_site.client.get("/tallies")).text
    for total in db.query("select * from published_totals join sources using (source_id)"):
        assert total["evidence_quote"].replace("'", "&#39;").replace('"', "&#34;") in html
    # The same construction as the table: agencies that the table's own source names. The US list's source
    # (idtechwire.com's summary) names none here, so no share is given; the leaked-period count stands beside it.
    intl_named = db.execute(
        "select count(distinct agency_id) from responses join agencies using (agency_id)"
        " where source_id = 'archive-004' and country != 'US'"
    ).fetchone()[0]
    us_leaked = db.execute(
        "select count(*) from agency_shown where country = 'US' and use_period = 'leaked'"
    ).fetchone()[0]
    assert re.search(rf"Agencies \(entities\)</th>\s*<td>88</td>\s*<td>{intl_named}</td>\s*<td>[\d.]+%</td>", html)
    assert re.search(
        rf"Agencies \(entities\)</th>\s*<td>1,803</td>\s*<td>0</td>\s*<td>–</td>\s*<td>{us_leaked}</td>", html
    )
    assert "<caption>US list (BuzzFeed News, 2021-04-06, as summarised by idtechwire.com)</caption>" in html


async def test_tallies_count_every_agency_by_status_range_country_and_type(real_site, real_db):
    agencies = sqlite_utils.Database(real_db)["agencies"].count
    html = (await real_site.client.get("/tallies")).text
    for section in ("by-status", "by-range", "by-country", "by-type"):
        block = html.split(f'id="{section}"')[1].split("</table>")[0]
        assert sum(int(n.replace(",", "")) for n in re.findall(r"</th><td>([\d,]+)</td>", block)) == agencies


async def test_data_dictionary_lists_every_vocabulary_value(real_site):
    html = (await real_site.client.get("/data-dictionary")).text
    for name in ("search_ranges", "response_statuses", "agency_types"):
        with open(ROOT / "data" / f"{name}.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                code = row[name.removesuffix("s").replace("statuse", "status")]
                assert f"<code>{code}</code>" in html, (name, code)
    assert "<code>source_facts</code>" in html


async def test_raw_csvs_and_the_sqlite_file_download(real_site):
    for name in ("agencies", "sources", "responses", "search_counts", "published_totals"):
        response = await real_site.client.get(f"/data/{name}.csv")
        assert response.status_code == 200
        assert (ROOT / "data" / f"{name}.csv").read_bytes() == response.content
    database = await real_site.client.get("/clearview.db")
    assert database.status_code == 200 and database.content.startswith(b"SQLite format 3\x00")


async def test_every_table_downloads_as_csv_and_json(real_site, real_db):
    db = sqlite_utils.Database(real_db)
    for name in db.table_names() + db.view_names():
        if name.startswith("sqlite_") or "_fts" in name:  # SQLite's own and the full-text indexes
            continue
        rows = list(csv.DictReader(io.StringIO((await real_site.client.get(f"/clearview/{name}.csv?_size=max")).text)))
        assert len(rows) == db[name].count, name
        assert (await real_site.client.get(f"/clearview/{name}.json?_shape=array&_size=1")).status_code == 200


async def test_csv_downloads_neutralise_spreadsheet_formulas(real_site):
    sql = (
        "select '=HYPERLINK(\"http://x\",\"click\")' as a, '+1+1' as b, '-cmd' as c, '@SUM(A1)' as d,"
        " -79.39864 as longitude, '-12' as e, 'plain, \"quoted\"' as f, 'multi\nline =x' as g"
    )
    for extra in ({}, {"_dl": "1"}, {"_stream": "on"}):
        response = await real_site.client.get("/clearview.csv", params={"sql": sql} | extra)
        assert response.status_code == 200
        [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert row == {
            "a": '\'=HYPERLINK("http://x","click")',
            "b": "'+1+1",
            "c": "'-cmd",
            "d": "'@SUM(A1)",
            "longitude": "-79.39864",
            "e": "-12",
            "f": 'plain, "quoted"',
            "g": "multi\nline =x",
        }


def test_csv_rewriting_waits_for_records_split_across_chunks():
    from plugins.csv_safe import CsvNeutraliser

    neutraliser = CsvNeutraliser()
    text = 'name,note\r\n"a, ""b""\n=c",=d\r\né,ok\r\n'.encode()
    out = b"".join(neutraliser.feed(text[i : i + 3]) for i in range(0, len(text), 3)) + neutraliser.feed(b"", True)
    assert list(csv.reader(io.StringIO(out.decode(), newline=""))) == [
        ["name", "note"],
        ['a, "b"\n=c', "'=d"],
        ["é", "ok"],
    ]


async def test_landing_page_links_reporters_to_queries_console_and_downloads(real_site):
    html = (await real_site.client.get("/")).text
    queries = yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["clearview"]["queries"]
    for name in queries:
        if name != "release_changes":
            assert f'href="/clearview/{name}"' in html, name
    for link in (
        "/clearview",
        "/clearview.db",
        "/data/agencies.csv",
        "/data-dictionary",
        "/tallies",
        "/data/CHANGELOG.md",
    ):
        assert f'href="{link}"' in html
        assert (await real_site.client.get(link)).status_code == 200, link


async def test_sql_console_is_read_only_and_time_limited(real_site):
    for sql in (
        "insert into agencies (agency_id) values ('x')",
        "update agencies set name = 'x'",
        "drop table agencies",
        "attach database ':memory:' as other",
        "select load_extension('/tmp/x')",
        "pragma writable_schema = 1",
    ):
        response = await real_site.client.get("/clearview.json", params={"sql": sql})
        assert response.status_code == 400, sql
    slow = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
    response = await real_site.client.get("/clearview.json", params={"sql": slow})
    assert response.status_code == 400 and "interrupted" in response.text.lower()


async def test_json_and_csv_are_readable_from_other_sites(real_site):
    """CORS, one setting in clearview/app.py: the same for `make serve`, the tests and the deployed image."""
    for path in ("/clearview/agencies.json", "/clearview/agencies.csv", "/clearview.json?sql=select+1"):
        response = await real_site.client.get(path)
        assert response.headers.get("access-control-allow-origin") == "*", path


async def test_downloads_open_right_in_a_spreadsheet(real_site, real_db, tmp_path):
    """A downloaded CSV starts with a UTF-8 byte order mark (Excel reads its accents); the raw data files and the CSV
    API do not. The .xlsx, read back with a spreadsheet library, holds codes and months as text and numbers as
    numbers, with every value as the database has it."""
    import io

    import openpyxl

    bom = b"\xef\xbb\xbf"
    assert (await real_site.client.get("/downloads/agencies.csv")).content.startswith(bom)
    assert (await real_site.client.get("/clearview/agencies.csv?_dl=1")).content.startswith(bom)
    for plain in ("/clearview/agencies.csv", "/data/agencies.csv", "/clearview.csv?sql=select+1"):
        assert not (await real_site.client.get(plain)).content.startswith(bom), plain

    db = sqlite_utils.Database(real_db)
    for table in ("search_counts", "sources", "agency_shown"):
        response = await real_site.client.get(f"/downloads/{table}.xlsx")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows())
        columns = [cell.value for cell in rows[0]]
        assert columns == list(db[table].columns_dict)
        expected = list(db.query(f"select * from [{table}]"))
        assert len(rows) - 1 == len(expected)
        for cells, row in zip(rows[1:], expected, strict=True):
            for cell, column in zip(cells, columns, strict=True):
                value = row[column]
                if isinstance(value, str):
                    assert (cell.data_type, cell.value) == ("s", value), (table, column, value)
                elif value is not None:
                    assert cell.data_type == "n" and cell.value == value, (table, column, value)


def test_an_xlsx_cell_that_looks_like_a_formula_or_a_date_stays_text():
    import io

    import openpyxl

    from plugins.downloads import workbook

    values = {"code": "1-5", "month": "2020-02", "formula": "=1+1", "count": 12, "share": 1.5}
    sheet = openpyxl.load_workbook(io.BytesIO(workbook("synthetic", list(values), [values]))).active
    cells = list(sheet.iter_rows())[1]
    assert [(c.data_type, c.value) for c in cells] == [
        ("s", "1-5"),
        ("s", "2020-02"),
        ("s", "=1+1"),
        ("n", 12),
        ("n", 1.5),
    ]
