from newsclean.metadata import extract_metadata, parse_byline
from newsclean.pipeline import ingest_document
from newsclean.signals import is_date_line, parse_date


def test_bylines():
    assert parse_byline("By Jane Doe for Example News") == ("Jane Doe", "Example News")
    assert parse_byline("By Ann Lee and Bo Chan") == ("Ann Lee; Bo Chan", None)
    assert parse_byline("By Tuesday the army had withdrawn from the town.") is None
    assert parse_byline("Byzantine art returns") is None


def test_date_lines():
    assert is_date_line("11 January 2021, 14:24") and parse_date("11 January 2021, 14:24") == "2021-01-11T14:24"
    assert parse_date("January 11, 2021") == "2021-01-11"
    assert parse_date("Updated 2020-03-04") == "2020-03-04"
    assert not is_date_line("January was the coldest month in 2021 for the region.")


def _meta(text: str):
    doc = extract_metadata(ingest_document(text.encode(), "a.txt"))
    return doc.metadata, [b.text for b in doc.blocks], doc.removed


def test_head_lines_move_into_metadata():
    text = ("Become a member\n\nHarbour reopens after storm damage\n\n3 March 2022\n\nBy Ann Lee\n\n"
            "The harbour reopened on Monday after repairs that took four months, officials said.\n\n"
            "Ferries will run again from next week, the port authority said in a statement.\n\n"
            "Original url:\n\nhttps://example.org/harbour\n")
    meta, body, removed = _meta(text)
    assert meta.title == "Harbour reopens after storm damage"
    assert meta.published == "2022-03-03"
    assert meta.author == "Ann Lee"
    assert meta.url == "https://example.org/harbour"
    assert body[0] == "Become a member"  # appeals are the boilerplate stage's business
    assert {r.category for r in removed} == {"title", "dateline", "byline", "source_footer"}


def test_a_meta_strip_of_date_author_and_tags_is_one_byline():
    text = ("Harbour reopens after storm damage\n\n"
            "05/10/2018 - Posted by: Ann Lee - Category: Local - Tags: harbour, storm, ferries\n\n"
            "The harbour reopened on Monday after repairs that took four months, officials said.\n\n"
            "Ferries will run again from next week, the port authority said in a statement.\n\n"
            "Paris - The minister said the works would be paid for by the state and the region.\n")
    meta, body, removed = _meta(text)
    assert (meta.author, meta.published[:4]) == ("Ann Lee", "2018")
    strip = next(r for r in removed if r.rule == "meta_strip")
    assert strip.category == "byline" and strip.text.startswith("05/10/2018")
    assert body[-1].startswith("Paris - The minister")  # a dateline sentence is not a meta strip
