from newsclean.record import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW
from newsclean.segment import segment


def test_text_dump_keeps_one_block_per_line_but_joins_hard_wraps():
    text = "Menu\nSearch\n\nThe minister said the talks would\ncontinue next week in the capital.\n"
    blocks = segment(text, "text")
    assert [b.text for b in blocks] == ["Menu", "Search",
                                        "The minister said the talks would continue next week in the capital."]


def test_markdown_headings_links_and_lists():
    text = "# Big **news**\n\nSee [the report](http://x.y) and <https://a.b/c>.\n\n- first item\n- second item\n"
    blocks = segment(text, "markdown")
    assert (blocks[0].kind, blocks[0].text) == (HEADING, "Big news")
    assert (blocks[1].kind, blocks[1].text) == (PARAGRAPH, "See the report and https://a.b/c.")
    assert [(b.kind, b.text) for b in blocks[2:]] == [(LIST_ITEM, "first item"), (LIST_ITEM, "second item")]


def test_list_items_lose_their_bullet_but_keep_their_number():
    text = "Our picks:\n\n1) Lego Star Wars set\n2. A racing track\n• a bullet point\n* starred item\n"
    blocks = segment(text, "text")
    assert [(b.kind, b.text) for b in blocks[1:]] == [
        (LIST_ITEM, "1) Lego Star Wars set"), (LIST_ITEM, "2. A racing track"),
        (LIST_ITEM, "a bullet point"), (LIST_ITEM, "starred item")]


def test_markdown_table_rows_are_one_block_each_without_pipes():
    text = ("Shares fell on the news.\n\n| Ticker | Last | Change % |\n|---|---|---|\n"
            "| HD | 225.86 | -5.44% |\n| LOW | 113.40 | -1.41% |\n\nAnalysts had expected more.\n")
    blocks = segment(text, "html")
    assert [(b.kind, b.text) for b in blocks[1:4]] == [
        (TABLE_ROW, "Ticker Last Change %"), (TABLE_ROW, "HD 225.86 -5.44%"), (TABLE_ROW, "LOW 113.40 -1.41%")]
    assert blocks[4].text == "Analysts had expected more."
