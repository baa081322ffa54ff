"""Title, author and date from text and Markdown dumps: candidates around the article's start, scored by models."""
from newsclean.metadata import author_candidates, MetadataRules
from newsclean.pipeline import clean_document
from newsclean.record import Block, Removal
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


def test_dates_in_reads_the_forms_pages_write_and_glued_dumps():
    from datetime import date

    from newsclean.dates import dates_in

    cases = {"Dec 12, 2025": date(2025, 12, 12), "UPDATED 16:47 EST / DECEMBER 19 2025": date(2025, 12, 19),
             "the 14th of August 2025": date(2025, 8, 14), "Published: 2025.12.17 | essays": date(2025, 12, 17),
             "Posted on the 15/12/2025 at 19:00": date(2025, 12, 15), "* 2/24/2026": date(2026, 2, 24),
             "14.11.24": date(2024, 11, 14), "October 17, 20236:01 PM ET": date(2023, 10, 17),
             "EditorialNovember 22, 2018": date(2018, 11, 22), "Jan. 17, 2025 @ 01:39 PM": date(2025, 1, 17),
             "Updated on 19-Dec-2025": date(2025, 12, 19), "By: FlowGuard on 04-ago-2021 5:11": date(2021, 8, 4),
             "📅Jul. 11. 2025": date(2025, 7, 11), "publicado el 12 de diciembre de 2025": date(2025, 12, 12),
             "Veröffentlicht am 3. März 2024": date(2024, 3, 3), "le 1er décembre 2025": date(2025, 12, 1),
             "5 marzo 2023, Roma": date(2023, 3, 5), "7 mei 2022": date(2022, 5, 7), "06.18.2025": date(2025, 6, 18)}
    for text, expected in cases.items():
        assert [d for d, _, _ in dates_in(text)] == [expected], text
    first, second = dates_in("May 21, 2025April 24, 2025 by the desk")
    assert (first[0], second[0]) == (date(2025, 5, 21), date(2025, 4, 24))
    assert dates_in("04/05/2025", dayfirst=True)[0][0] == date(2025, 5, 4)
    assert dates_in("04/05/2025")[0][0] == date(2025, 4, 5)
    for text in ("commay 5, 2020 was", "version 3.14.15", "31/02/2025", "Dec 12, 1850", "call 12/34/5678",
                 "Marchello 5, 2020", "3 out 2025 ranked"):
        assert dates_in(text) == [], text


def test_a_pages_ambiguous_numeric_dates_are_read_in_the_order_its_other_dates_show():
    """'03/10/2023' is 3 October on a page that also writes '18/06/2025', 10 March on one that writes
    '06/18/2025'; with no unambiguous date the page's language decides (English: month first)."""
    from datetime import date

    from newsclean.dates import date_candidates, page_dayfirst
    from newsclean.record import Block

    def page(*lines):
        return [Block(t, "paragraph") for t in lines]

    assert page_dayfirst(["03/10/2023", "Older: 18/06/2025"], default=False) is True
    assert page_dayfirst(["03/10/2023", "Older: 06/18/2025"], default=True) is False
    assert page_dayfirst(["03/10/2023"], default=False) is False
    assert page_dayfirst(["03.10.2023"], default=True) is True
    dayfirst_page = date_candidates(page("Posted 03/10/2023", "Comment of 18/06/2025"), dayfirst=False)
    assert [c[1] for c in dayfirst_page] == [date(2023, 10, 3), date(2025, 6, 18)]
    monthfirst_page = date_candidates(page("Posted 03/10/2023", "Comment of 06/18/2025"), dayfirst=True)
    assert [c[1] for c in monthfirst_page] == [date(2023, 3, 10), date(2025, 6, 18)]


def test_the_date_model_picks_the_articles_date_over_related_and_updated_dates():
    from dataclasses import replace

    from newsclean.pipeline import PipelineConfig

    related = ["Related posts", "School board delays vote on start times", "March 2, 2025",
               "New library branch opens downtown", "February 27, 2025"]
    page = ("\n\n".join(MENU + [TITLE, "By Jane Roe", "Published January 9, 2024 · Updated March 3, 2025"] + ARTICLE
                        + related + ["© 2025 The Daily Example"]) + "\n").encode()
    doc = clean_document(page, "d.txt")
    assert doc.metadata.published == "2024-01-09"
    for style in ("\n", "\n\n"):  # the date on its own line after the byline, with or without blank lines
        page = (style.join(MENU + [TITLE, "Jane Roe", "2024-01-09"] + ARTICLE + related) + "\n").encode()
        assert clean_document(page, "e.txt").metadata.published == "2024-01-09"
    # a date line above a long table of contents: beyond the rules' head window, found by the model
    toc = [f"* Section {k}: what the council decided" for k in range(1, 19)]
    page = ("\n".join(MENU + [TITLE, "Posted on January 9th, 2024", "Table of contents"] + toc + ARTICLE + related)
            + "\n").encode()
    assert clean_document(page, "t.txt").metadata.published == "2024-01-09"
    rules_only = replace(PipelineConfig(), metadata=replace(MetadataRules(), use_date_model=False))
    assert clean_document(page, "t.txt", rules_only).metadata.published is None


def test_without_the_date_model_the_rules_still_date_a_page():
    from dataclasses import replace

    from newsclean.pipeline import PipelineConfig

    rules_only = replace(PipelineConfig(), metadata=replace(MetadataRules(), use_date_model=False))
    page = ("\n\n".join(MENU + [TITLE, "Published January 9, 2024 · Updated March 3, 2025"] + ARTICLE
                        + ["Related posts", "March 2, 2025 Road closures planned for the weekend marathon"]) + "\n").encode()
    assert clean_document(page, "f.txt", rules_only).metadata.published == "2024-01-09"
    page = ("\n\n".join(MENU + [TITLE] + ARTICLE + ["Related posts", "Road closures planned", "March 2, 2025"]) + "\n").encode()
    assert clean_document(page, "g.txt", rules_only).metadata.published is None  # the rules read only the head


def test_author_from_an_author_box_after_the_article_and_a_name_glued_to_a_date():
    related = ["Related posts", "School board delays vote on start times", "New library branch opens downtown"]
    name = "Marisol Okonkwo-Reyes"
    box = MENU + [TITLE, "March 3, 2025"] + ARTICLE + [
        "About the author", name, "Marisol covers transport and city politics for the paper and has reported from "
                                  "the council chamber since 2019."] + related
    glued = MENU + [TITLE, f"Mar 3, 2025{name}"] + ARTICLE + related
    for parts in (box, glued):
        doc = clean_document(("\n\n".join(parts) + "\n").encode(), "x.txt")
        assert doc.metadata.author == name
        assert doc.metadata.published == "2025-03-03"
    names = {n for _, n, _ in author_candidates([Block(t) for t in box], 4, 11, {}, MetadataRules())}
    assert name in names and "School board delays vote on start times" not in names
    plain = MENU + [TITLE, "March 3, 2025"] + ARTICLE + related
    assert clean_document(("\n\n".join(plain) + "\n").encode(), "y.txt").metadata.author is None


def test_a_title_line_carrying_the_site_name_gives_the_headline_alone():
    for line in (f"{TITLE} | The Daily Example", f"{TITLE} – The Daily Example"):
        doc = clean_document(("\n\n".join(MENU + [line, "By Jane Roe", "March 3, 2025"] + ARTICLE) + "\n").encode(), "x.txt")
        assert doc.metadata.title == TITLE
        [removal] = [r for r in doc.removed if r.category == "title"]
        assert removal.text == line and "before its separator" in removal.reason
        assert "Daily Example" not in doc.body
    whole = "Buses – a guide to the new night routes"
    doc = clean_document(("\n\n".join(MENU + [whole, "By Jane Roe", "March 3, 2025"] + ARTICLE) + "\n").encode(), "y.txt")
    assert doc.metadata.title == whole


def test_author_candidates_read_later_meta_fields_colon_bylines_copyright_holders_and_month_names():
    from newsclean.metadata import copyright_holder

    head = ["12 Comments | Priya Natarajan | Last Updated: March 11, 2019", "Written By:Tom May",
            "By Jonathan Sayers Jan. 31, 2026 7:47 am EST", "Contributors: April Fulton"]
    found = {(name, kind) for _, name, kind in author_candidates([Block(t) for t in head], 0, len(head), {}, MetadataRules())}
    assert {"Priya Natarajan", "Tom May", "Jonathan Sayers", "April Fulton"} <= {name for name, _ in found}
    assert ("Priya Natarajan", 6) in found
    assert not any("Jan" in name or "Comments" in name for name, _ in found)
    # a copyright line anywhere on the page names the site's owner (kind 7); a date or a company with digits does not
    page = ARTICLE * 3 + ["© Copyright 2012-2025 Dana Whitfield. All rights reserved."]
    assert (len(page) - 1, "Dana Whitfield", 7) in author_candidates([Block(t) for t in page], 0, 0, {}, MetadataRules())
    assert copyright_holder("© 2025 Toby Hede | Privacy") == "Toby Hede"
    assert copyright_holder("Copyright © 2025 March 3") is None and copyright_holder("© 2025 acme.com") is None
    assert copyright_holder("No mark here, Jane Roe") is None
    # a byline the head reading already took is still the author model's candidate
    blocks = [Block(t) for t in ARTICLE * 3 + ["Written by Ana Lima"]]
    taken_line = {len(blocks) - 1: Removal("byline", "Written by Ana Lima", "'By …' line in the page body", "byline")}
    assert any(name == "Ana Lima" for _, name, _ in author_candidates(blocks, 0, 0, taken_line, MetadataRules()))


def test_author_candidates_keep_credentials_lists_handles_and_dated_bylines_below_the_article():
    from newsclean.metadata import byline_rest, name_list

    head = ["By Mike Marshall, head of freight", "by jsteinhardt", "Ann Lee, Bo Chan & Cy Diaz", "Dana Whitfield, Ph.D."]
    found = {(name, kind) for _, name, kind in author_candidates([Block(t) for t in head], 0, len(head), {}, MetadataRules())}
    assert ("Mike Marshall, head of freight", 8) in found and ("jsteinhardt", 8) in found
    assert ("Ann Lee, Bo Chan & Cy Diaz", 9) in found and ("Dana Whitfield, Ph.D.", 9) in found
    # below the article, a 'by' line whose date defeats the parse still names its author
    page = ARTICLE * 3 + ["by Jill Barshay August 25, 2025August 29, 2025", "Omar Haddad, RN, CCRN"]
    found = {(name, kind) for _, name, kind in author_candidates([Block(t) for t in page], 0, 0, {}, MetadataRules())}
    assert ("Jill Barshay", 3) in found and ("Omar Haddad, RN, CCRN", 9) in found
    # what is not a byline or a name list gives nothing
    assert byline_rest("The storm moved by the coast.") is None and byline_rest("By 2030, 40% of cars") is None
    assert name_list("Apples, pears and plums are in season.") is None
    assert name_list("Jane Roe") is None  # one name alone is the name-line candidate's (kind 2)
    assert name_list("March 3, April 4") is None


def test_title_is_the_headline_not_the_dek_under_it():
    """A headline and its dek are two short lines in a row; the title model reads which comes first
    (before the prev/next-candidate features, it took the dek on two of these three pages)."""
    pairs = [("Why the night buses stopped running", "The city cut four routes to pay for a new depot, and riders were not told"),
             ("Three parks to reopen this spring", "Work on the paths is nearly done, the council says"),
             ("The harbour that outlived its fleet", "How a fishing town rebuilt itself around ferries and tourists")]
    for headline, dek in pairs:
        page = "\n\n".join(MENU + [headline, dek, "By Jane Roe", "March 3, 2025"] + ARTICLE) + "\n"
        assert clean_document(page.encode(), "dek.txt").metadata.title == headline


def test_a_picture_credit_names_no_author():
    head = ["Three Leaders At The Summit. Picture: AP", "Photo: Jane Roe/Reuters"]
    assert author_candidates([Block(t) for t in head], 0, len(head), {}, MetadataRules()) == []
