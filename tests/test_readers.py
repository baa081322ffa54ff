"""JSON Lines and WARC inputs (issue 14, items 1-3): real files written here (the WARC with warcio),
cleaned through the CLI, records and rejects read back."""
from __future__ import annotations

import gzip
import io
import json
import os

import pytest
from typer.testing import CliRunner

from conftest import RAW, load_jsonl
from newsclean.cli import app
from newsclean.readers import Fields, jsonl_pages

runner = CliRunner()

ARTICLE = ("<p>The city council approved the new budget on Tuesday after a long debate about the cost of "
           "the bridge repairs and the schools.</p><p>Members said the plan would raise spending on roads "
           "by a fifth, and that the works would start in the spring if the weather allows it.</p>"
           "<p>The mayor, who had asked for more money for parks, said she would try again next year "
           "and thanked the residents who came to the hearing.</p>")


def page_html(title: str) -> str:
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{ARTICLE}</article></body></html>"


def clean(*args: str):
    result = runner.invoke(app, ["clean", *args, "-q"])
    return result


def test_jsonl_lines_are_pages_with_their_metadata_and_bad_lines_are_rejects(tmp_path):
    text_page = sorted(RAW.glob("*.txt"))[0].read_text(encoding="utf-8")
    lines = [
        json.dumps({"url": "https://news.example/budget", "html": page_html("Council approves budget"),
                    "fetched_at": "2026-11-30T10:00:00Z"}),
        "",  # blank lines are not pages
        "{not json",
        json.dumps({"url": "https://news.example/empty"}),
        json.dumps({"text": text_page, "title": "The title the scraper saw", "url": "https://news.example/text",
                    "date": "30 November 2026"}),
        json.dumps(["a", "list"]),
    ]
    src = tmp_path / "crawl.jsonl.gz"
    src.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    out = tmp_path / "out"
    result = clean(str(src), "--out", str(out))
    assert result.exit_code == 0, result.output
    records = {r["source"]: r for r in load_jsonl(out / "documents.jsonl")}
    assert set(records) == {"crawl.jsonl.gz#1", "crawl.jsonl.gz#5"}
    html = records["crawl.jsonl.gz#1"]
    assert html["format"] == "html" and "approved the new budget" in html["text"] and "{" not in html["text"]
    assert html["url"] == "https://news.example/budget"
    assert html["published"].startswith("2026-11-30")  # the page states no date: the line's fills it
    text = records["crawl.jsonl.gz#5"]
    assert text["format"] in ("text", "markdown") and text["url"] == "https://news.example/text"
    rejects = {r["source"]: r for r in load_jsonl(out / "rejects.jsonl")}
    assert set(rejects) == {"crawl.jsonl.gz#3", "crawl.jsonl.gz#4", "crawl.jsonl.gz#6"}
    assert "not JSON" in rejects["crawl.jsonl.gz#3"]["reason"]
    assert "no page field" in rejects["crawl.jsonl.gz#4"]["reason"] and "--field" in rejects["crawl.jsonl.gz#4"]["reason"]
    assert all(r["stage"] == "read" for r in rejects.values())


def test_field_names_are_configurable_and_checked(tmp_path):
    src = tmp_path / "scrape.ndjson"
    src.write_text(json.dumps({"link": "https://news.example/a", "raw_html": page_html("Renamed fields"),
                               "crawled": 1764496800}) + "\n")
    out = tmp_path / "out"
    result = clean(str(src), "--out", str(out), "--field", "html=raw_html", "--field", "url=link",
                   "--field", "date=crawled")
    assert result.exit_code == 0, result.output
    [record] = load_jsonl(out / "documents.jsonl")
    assert record["url"] == "https://news.example/a" and record["published"].startswith("2025-11-30")
    assert record["source"] == "scrape.ndjson#1"
    bad = clean(str(src), "--out", str(out), "--field", "body")
    assert bad.exit_code == 2 and "ROLE=NAME" in bad.output
    assert Fields.parse(["text=a,b"]).text == ("a", "b")


def test_jsonl_is_streamed_and_a_truncated_gzip_keeps_what_was_read(tmp_path):
    body = "".join(json.dumps({"html": page_html(f"Story {i}")}) + "\n" for i in range(50)).encode()
    src = tmp_path / "cut.jsonl.gz"
    src.write_bytes(gzip.compress(body)[:-200])
    stream = jsonl_pages(str(src), "cut.jsonl.gz")
    first = next(stream)  # a page before the file is read to its end
    assert first.source == "cut.jsonl.gz#1" and first.error is None
    rest = list(stream)
    assert rest[-1].error and "cannot read past line" in rest[-1].error
    assert all(p.error is None for p in rest[:-1]) and len(rest) >= 10


def test_incremental_skips_jsonl_lines_already_cleaned(tmp_path):
    src = tmp_path / "feed.jsonl"
    src.write_text("".join(json.dumps({"html": page_html(f"Story number {i}"), "url": f"https://n.example/{i}"})
                           + "\n" for i in range(3)))
    out = tmp_path / "data"
    assert clean(str(src), "-i", "--out", str(out)).exit_code == 0
    first = json.loads((out / "summary.json").read_text())["inputs"]
    assert first["pages_new"] == 3
    with open(src, "a") as fh:  # the scraper appends
        fh.write(json.dumps({"html": page_html("A later story"), "url": "https://n.example/9"}) + "\n")
    assert clean(str(src), "-i", "--out", str(out)).exit_code == 0
    again = json.loads((out / "summary.json").read_text())
    assert again["inputs"]["pages_new"] == 1 and again["inputs"]["pages_unchanged"] == 3 and again["documents"] == 1
    assert clean(str(src), "-i", "--out", str(out)).exit_code == 0
    assert json.loads((out / "summary.json").read_text())["documents"] == 0
    records = [r for p in sorted((out / "documents").glob("*.jsonl")) for r in load_jsonl(p)]
    assert sorted(r["source"] for r in records) == [f"feed.jsonl#{i}" for i in range(1, 5)]


def write_warc(path, truncate: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newsclean-test"}))
    for i in range(3):
        uri = f"https://news.example/story-{i}"
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
        writer.write_record(writer.create_warc_record(uri, "request", payload=io.BytesIO(b""), http_headers=request))
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            uri, "response", payload=io.BytesIO(page_html(f"Warc story {i}").encode()), http_headers=headers,
            warc_headers_dict={"WARC-Date": f"2026-11-2{i}T08:00:00Z"}))
    image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://news.example/logo.png", "response",
                                                  payload=io.BytesIO(b"\x89PNG" + bytes(200)), http_headers=image))
    last = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    cut_at = len(buf.getvalue())
    writer.write_record(writer.create_warc_record("https://news.example/cut", "response",
                                                  payload=io.BytesIO(page_html("Cut story").encode() * 40),
                                                  http_headers=last))
    data = buf.getvalue()
    path.write_bytes(data[:cut_at + (len(data) - cut_at) // 2] if truncate else data)


def test_warc_response_records_become_documents_and_a_truncated_one_a_reject(tmp_path):
    src = tmp_path / "crawl.warc.gz"
    write_warc(src, truncate=True)
    out = tmp_path / "out"
    result = clean(str(src), "--out", str(out))
    assert result.exit_code == 0, result.output
    records = load_jsonl(out / "documents.jsonl")
    assert [r["url"] for r in records] == [f"https://news.example/story-{i}" for i in range(3)]
    assert [r["published"][:10] for r in records] == ["2026-11-20", "2026-11-21", "2026-11-22"]
    assert all(r["source"].startswith("crawl.warc.gz@") and "approved the new budget" in r["text"] for r in records)
    offsets = [int(r["source"].split("@")[1]) for r in records]
    with open(src, "rb") as fh:  # the offset is where the record starts: warcio reads it back from there
        from warcio.archiveiterator import ArchiveIterator
        fh.seek(offsets[1])
        assert next(iter(ArchiveIterator(fh))).rec_headers.get_header("WARC-Target-URI") == records[1]["url"]
    [cut] = load_jsonl(out / "rejects.jsonl")
    assert cut["stage"] == "read" and "truncated" in cut["reason"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["inputs"]["warc_records_skipped"] == 5  # warcinfo, 3 requests, the image


@pytest.mark.parametrize("name", ["export.csv", "pages.json", "notes.docx"])
def test_unsupported_files_given_by_name_are_refused(tmp_path, name):
    bad = tmp_path / name
    bad.write_text('{"html": "<p>x</p>"}\n')
    out = tmp_path / "out"
    result = clean(str(bad), "--out", str(out))
    assert result.exit_code == 2
    assert "unsupported file type" in result.output and ".jsonl" in result.output
    assert not out.exists()
    os.remove(bad)
