"""Lines a site repeats on every page are found across the corpus and removed."""
from newsclean import run_clean
from newsclean.corpus import CorpusLines
from conftest import load_jsonl

CHROME = ["Our Newsroom Picks", "inside the valley today"]  # mid-article: no positional rule takes them


TOPICS = ["harbour", "railway", "library", "stadium", "hospital"]
SENTENCES = ["The council met on Tuesday and agreed a new plan for the {t}, officials said.",
             "Residents had asked for changes to the {t} for years, and many welcomed the vote.",
             "Work on the {t} is expected to start in the spring and to last about two years.",
             "Critics said the cost of the {t} was too high for a town of its size."]


def _page(i: int) -> str:
    t = TOPICS[i]
    body = [s.format(t=t) for s in SENTENCES]
    return "\n\n".join([f"Council backs the {t} plan", *body[:2], *CHROME, *body[2:]])


def test_site_chrome_repeated_on_many_pages_is_removed(tmp_path):
    src = tmp_path / "raw"
    src.mkdir()
    for i in range(5):
        (src / f"page{i}.txt").write_text(_page(i), encoding="utf-8")
    run_clean([src], tmp_path / "out")
    for record in load_jsonl(tmp_path / "out" / "documents.jsonl"):
        assert not any(line in record["text"] for line in CHROME)
        assert {r["rule"] for r in record["removed"] if r["text"] in CHROME} == {"repeated_across_corpus"}
        assert "too high for a town of its size" in record["text"]


def test_a_line_on_few_pages_is_not_repeated():
    index = CorpusLines()
    for i in range(10):
        index.add_document([f"Headline about {TOPICS[i % 5]} and {'x' * (i + 1)}", "Shared Menu Line"]
                           + (["Rare Line Here"] if i < 2 else []))
    frozen = index.freeze()
    assert frozen.is_repeated("Shared menu line") and not frozen.is_repeated("Rare Line Here")
    assert not frozen.is_repeated("Headline about harbour and xxx")


def test_copies_of_one_article_count_once():
    index = CorpusLines()
    story = ["Why the harbour plan matters", "The council met on Tuesday and agreed a new plan for the harbour."]
    for _ in range(6):
        index.add_document(story)
    assert index.documents == 1 and not index.freeze().is_repeated("Why the harbour plan matters")
