"""Markdown inline marks come out of the text; links and images are counted for the block model."""
from newsclean.markdown_inline import parse_inline
from newsclean.record import LIST_ITEM
from newsclean.segment import segment


def test_link_text_stays_and_is_counted():
    r = parse_inline("[Main](https://example.org) > [Blog](https://example.org/blog) > Ten trends to watch")
    assert r.text == "Main > Blog > Ten trends to watch"
    assert r.link_chars == len("Main") + len("Blog")


def test_images_go_also_inside_links_and_with_escaped_parens_in_alt_and_url():
    r = parse_inline("[ ![Icon \\(1\\)](data:image/svg+xml;base64,PHN2Zz4=) For brands ](https://x.example/a_\\(b\\))")
    assert r.text.strip() == "For brands" and r.images == 1 and r.alts == ("Icon (1)",)


def test_emphasis_marks_at_word_edges_go_but_snake_case_and_arithmetic_stay():
    r = parse_inline("Some _emphasis_, **bold** and *it* in snake_case with 2 * 3 and \\*literal\\*")
    assert r.text == "Some emphasis, bold and it in snake_case with 2 * 3 and *literal*"


def test_unclosed_brackets_and_parens_stay_as_written():
    for line in ("[not a link", "a ] b", "[text](unclosed", "![alt] (space) x"):
        assert parse_inline(line).text == line


def test_markdown_dump_image_only_line_becomes_its_alt_text_and_link_lines_are_counted():
    blocks = segment("![A crowd at the march](https://img.example/p.jpg)\n\n* [Sport](/sport)\n\nPlain words here.\n",
                     "markdown")
    assert [b.text for b in blocks] == ["A crowd at the march", "Sport", "Plain words here."]
    assert blocks[0].images == 1 and blocks[1].kind == LIST_ITEM and blocks[1].link_chars == len("Sport")
    assert blocks[2].link_chars == 0 and blocks[2].images == 0
