"""Title, author and date from text and Markdown dumps: candidates around the article's start, scored by models."""
from newsclean.metadata import author_candidates, MetadataRules
from newsclean.pipeline import clean_document
from newsclean.record import Block
from newsclean.signals import find_date
from test_block_model import ARTICLE, MENU

TITLE = "Council expands late-night bus network to four new routes"


def _page(head: list[str]) -> bytes:
    return ("\n\n".join(MENU + head + ARTICLE + ["About us", "Privacy policy"]) + "\n").encode()


def test_title_author_and_date_of_a_meta_line_dump():
    doc = clean_document(_page([TITLE, "by Jane Roe ● December 23, 2025 ● 6 min read"]), "a.txt")
    assert doc.metadata.title == TITLE
    assert doc.metadata.author == "Jane Roe"
    assert doc.metadata.published == "2025-12-23"
    assert TITLE not in doc.body and "Jane Roe" not in doc.body
    [title] = [r for r in doc.removed if r.category == "title"]
    assert "title model" in title.reason or title.rule == "title"


def test_a_name_only_line_under_the_title_is_the_author_and_leaves_the_body():
    doc = clean_document(_page([TITLE, "Jane Roe", "Published on 14 Aug 2025 | 5 min read"]), "b.txt")
    assert doc.metadata.title == TITLE
    assert doc.metadata.author == "Jane Roe"
    assert doc.metadata.published == "2025-08-14"
    assert "Jane Roe" not in doc.body
    assert any(r.rule == "author_model" and "author probability" in r.reason for r in doc.removed)


def test_markdown_heading_is_the_title():
    md = "\n\n".join([f"* [{m}](/{m.lower()})" for m in MENU] + [f"# {TITLE}", "By Jane Roe"] + ARTICLE) + "\n"
    doc = clean_document(md.encode(), "c.md")
    assert doc.metadata.title == TITLE and doc.metadata.author == "Jane Roe"


def test_author_candidates_see_through_glued_text_dump_fields():
    lines = ["By Korin MillerPublished: Jan 29, 2025", "ByNina Pineda", "October 11, 2023 by Autumn Huerter",
             "Tom Talbot October 14, 2025", "The Best Cameras of the Year"]
    names = {name for _, name, _ in author_candidates([Block(t) for t in lines], 0, len(lines), {}, MetadataRules())}
    assert names == {"Korin Miller", "Nina Pineda", "Autumn Huerter", "Tom Talbot"}


def test_find_date_reads_dates_written_inside_a_line():
    assert find_date("Published on 14 Aug 2025 | 5 min read") == "2025-08-14"
    assert find_date("Updated: December 9, 2024 at 10:00") == "2024-12-09"
    assert find_date("2025-02-22 by the desk") == "2025-02-22"
    assert find_date("No date in 2025 here") is None
