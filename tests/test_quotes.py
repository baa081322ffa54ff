from pathlib import Path

import pytest

from newsclean.quotes import QuoteIndex, dedup_quotes
from newsclean.record import Block, Document

DATA = Path(__file__).parent / "data"

ORIGINAL = ("“Unfortunately, this conflict has not been resolved. Of course, we managed to secure the ceasefire, "
            "but there are still many issues that must be resolved,” the prime minister said.")
REPEAT = ("“Unfortunately, this conflict remains unresolved. Of course, we were able to reach a ceasefire, "
          "yet there are many issues to be resolved,” said the prime minister.")
SAME_TOPIC = ("The prime minister also said the ceasefire had held since November, and that talks on the "
              "remaining issues would resume in the spring.")


def _doc(*paras):
    return Document("x", "x", "text", blocks=tuple(Block(p) for p in paras), stopword_language="en")


def test_a_repeated_quote_goes_and_says_what_it_repeats():
    out = dedup_quotes(_doc(ORIGINAL, SAME_TOPIC, REPEAT))
    assert [b.text for b in out.blocks] == [ORIGINAL, SAME_TOPIC]
    [removal] = out.removed
    assert removal.category == "duplicate_quote" and removal.repeats_paragraph == 0 and removal.text == REPEAT


def test_only_the_repeated_sentence_leaves_a_mixed_paragraph():
    mixed = "The minister spoke for an hour about the economy and jobs in the region. " + REPEAT
    out = dedup_quotes(_doc(ORIGINAL, mixed))
    assert out.blocks[1].text == "The minister spoke for an hour about the economy and jobs in the region."
    assert out.removed[0].text == REPEAT


def test_quotes_are_linked_across_articles():
    index = QuoteIndex()
    index.add({"id": "a", "source": "a.txt", "text": "Intro. " + ORIGINAL})
    index.add({"id": "b", "source": "b.txt", "text": REPEAT})
    index.add({"id": "c", "source": "c.txt", "text": "“Nothing about this matches the other statements at all,” she said."})
    rows = index.rows()
    linked = [r for r in rows if len(r["documents"]) == 2]
    assert len(rows) == 2 and linked and linked[0]["documents"] == ["a", "b"]
    occ = linked[0]["occurrences"][0]
    # the span is the quoted words, without the marks: text[start:end] == quote
    assert (occ["start"], ("Intro. " + ORIGINAL)[occ["start"]:occ["end"]]) == (8, occ["quote"])
    assert occ["quote"].startswith("Unfortunately,")
    assert linked[0]["speaker"] == "the prime minister" or linked[0]["speaker"] is None


def test_statement_ids_come_from_content_not_from_run_order():
    docs = [{"id": "a", "source": "a.txt", "text": "Intro. " + ORIGINAL}, {"id": "b", "source": "b.txt", "text": REPEAT},
            {"id": "c", "source": "c.txt", "text": "“Nothing about this matches the other statements at all,” she said."}]

    def ids(order):
        index = QuoteIndex()
        for d in order:
            index.add(d)
        return {tuple(r["documents"]): (r["statement_id"], sorted(o["quote_id"] for o in r["occurrences"]))
                for r in index.rows()}

    first = ids(docs)
    assert ids(docs[::-1]) == first and ids([docs[2], docs[0], docs[1]]) == first
    extra = {"id": "z", "source": "0.txt", "text": "“An unrelated statement that sorts first in the run,” he said."}
    assert {k: v for k, v in ids([extra] + docs).items() if "z" not in k} == first


def test_an_unquoted_fact_restated_inside_a_paragraph_stays():
    lede = "The new model will go from zero to 60 mph in about 3.5 seconds, the company said on Tuesday."
    later = ("Prices for the base version start at $60,000 before any of the options are added. The new model "
             "will go from zero to 60 mph in about 3.5 seconds. Deliveries to the first customers in Europe "
             "begin in the spring.")
    out = dedup_quotes(_doc(lede, SAME_TOPIC, later))
    assert [b.text for b in out.blocks] == [lede, SAME_TOPIC, later] and not out.removed


def test_numbers_decide_a_borderline_repeat():
    original = ("The 10-year note last rose 12/32 in price to yield 1.771%, from 1.811% late on Monday, "
                "as investors sought safety before the central bank meeting.")
    same_template = ("The 30-year bond last rose 29/32 in price to yield 2.252%, from 2.293% late on Monday, "
                     "as traders waited for the central bank meeting.")
    out = dedup_quotes(_doc(original, SAME_TOPIC, same_template))
    assert not out.removed  # new numbers: another statement in the same words

    figures = ("Exports grew by 8.6% to 1,300 billion yuan in the first half, the customs office said, "
               "led by sales of cars and batteries to Europe.")
    reworded = ("Customs figures show exports rose by 8.6% to 1300 billion yuan in the first six months, "
                "mainly on car and battery shipments to Europe.")  # Jaccard 0.29: under the plain bar
    out = dedup_quotes(_doc(figures, SAME_TOPIC, reworded))
    assert [r.text for r in out.removed] == [reworded]  # the same figures in other words

    in_euros = ("Exports grew by 8.6% to 1,300 billion yuan (166 billion euros) in the first half, the customs "
                "office said, led by sales of 42,000 cars and 3.5 million batteries to 27 countries in Europe.")
    in_dollars = ("Customs figures show exports rose by 8.6% to 1300 billion yuan (about 180 billion dollars) in the "
                  "first six months, mainly on 42,000 cars and 3.5 million batteries shipped to 27 European countries.")
    out = dedup_quotes(_doc(in_euros, SAME_TOPIC, in_dollars))
    assert [r.text for r in out.removed] == [in_dollars]  # one converted figure among five shared ones


def test_a_rewording_that_changes_word_endings_is_caught():
    original = ("Recently the police department has received numerous reports of telecommunications fraud: "
                "criminals impersonate phone companies and send fraudulent messages luring victims to a fake website.")
    reworded = ("The police recently found several cases of fraudulent telecommunication, where criminals faked "
                "the phone company to send fraud messages that lure owners onto fake websites.")  # 5-gram J 0.28
    out = dedup_quotes(_doc(original, SAME_TOPIC, reworded))
    [removal] = out.removed
    assert removal.text == reworded and "pair model" in removal.reason and removal.repeats_paragraph == 0


def test_a_one_sentence_paragraph_restated_in_other_words_goes():
    plan = "The city plans to speed up the upgrade of its gigabit fibre network next year."
    restated = "Next year the city will accelerate upgrading the gigabit fiber network, the plan says."  # 5-gram J 0.24
    out = dedup_quotes(_doc(plan, SAME_TOPIC, restated))
    assert [b.text for b in out.blocks] == [plan, SAME_TOPIC]
    assert [r.rule for r in out.removed] == ["repeated_paragraph"]


def test_a_neighbour_sharing_only_one_long_name_stays():
    task = ("The minister said that implementing the National Strategy for Sustainable Coastal Development and "
            "Marine Protection is the most urgent task for every province this year.")
    seminar = ("Provincial governors and senior officials attended a week-long seminar on the National Strategy "
               "for Sustainable Coastal Development and Marine Protection in the capital.")  # 5-gram J 0.34
    reworded = ("According to the minister, carrying out the National Strategy for Sustainable Coastal Development "
                "and Marine Protection is this year's most pressing task for all provinces.")
    assert not dedup_quotes(_doc(task, SAME_TOPIC, seminar)).removed  # agreement in one run only
    assert [r.text for r in dedup_quotes(_doc(task, SAME_TOPIC, reworded)).removed] == [reworded]


def test_a_paragraph_restating_the_lede_in_its_own_words_stays(raw_dir):
    from newsclean.pipeline import clean_document

    doc = clean_document((raw_dir / "002_de24a9370a978d47.txt").read_bytes(), "002.txt")
    assert not [r for r in doc.removed if r.category == "duplicate_quote"]
    assert "Russian President Vladimir Putin hosted his counterparts from Armenia and Azerbaijan" in doc.body


def test_a_repeat_that_lost_its_full_stop_still_goes_but_a_heading_is_not_a_target():
    said = "There are a lot of conditions attached to the new “price guarantee agreement”, buyers said."
    unpunctuated = "Buyers said there are quite a few conditions attached to the “price guarantee agreement”"
    out = dedup_quotes(_doc(said, SAME_TOPIC, unpunctuated))
    assert [r.text for r in out.removed] == [unpunctuated]
    heading = "Quite a few conditions attached to the new price guarantee agreement for buyers"
    assert not dedup_quotes(_doc(heading, SAME_TOPIC, unpunctuated)).removed  # only a sentence is restated


def test_a_free_rewording_goes_when_its_wording_agrees_widely_enough():
    said = ("The mayor said the new bridge would cut the commute for thousands of residents and open next "
            "spring after years of delay.")
    # both: pair model 0.72-0.78 (under its own threshold), agreement outside the longest run 0.17
    reworded = ("After years of setbacks the new bridge opens next spring and will cut travel times for many "
                "thousands of local people, according to the mayor of the city.")  # 3-gram Jaccard 0.368
    looser = ("After years of setbacks the new bridge opens next spring and will cut travel times for many "
              "thousands of people in the region, according to the city's mayor.")  # 3-gram Jaccard 0.356
    assert [r.text for r in dedup_quotes(_doc(said, SAME_TOPIC, reworded)).removed] == [reworded]
    assert not dedup_quotes(_doc(said, SAME_TOPIC, looser)).removed


def test_a_short_sentence_given_again_goes_but_a_short_new_claim_in_the_same_words_stays():
    lede = ("In 1999 the company began to study how to transform its business, the founder told staff at the "
            "annual meeting, and you have to be willing to step into the limelight and take risks.")
    again = "In 1999, the company began to study business transformation."  # 8 words, 5-grams 0.81 inside
    question = "Did the company study how to transform its business?"  # 9 words, 0.87: a heading
    new_claim = "You have to be willing to be a leader."  # 0.73, but 'leader' is a word the lede lacks
    out = dedup_quotes(_doc(lede, SAME_TOPIC, again))
    assert [(r.text, r.rule) for r in out.removed] == [(again, "repeated_short_sentence")]
    assert not dedup_quotes(_doc(lede, SAME_TOPIC, question)).removed
    assert not dedup_quotes(_doc(lede, SAME_TOPIC, new_claim)).removed


def test_a_line_cut_after_the_article_that_repeats_it_is_recorded_as_a_repeat():
    from newsclean.record import Removal

    source = "Source: “2022 Survey of Graduates Returning Home”"
    related = "Ten things to know before you buy a house this year"
    doc = _doc("Trends in hiring after the holiday, by sector. Source: “2022 Survey of Graduates Returning Home”.",
               SAME_TOPIC)
    cut = tuple(Removal("related_content", t, "after the article", "after_article") for t in (source, related))
    out = dedup_quotes(doc.with_changes(removed=cut))
    assert [(r.category, r.rule, r.repeats_paragraph) for r in out.removed] == [
        ("duplicate_quote", "repeated_after_article", 0), ("related_content", "after_article", None)]
    assert [b.text for b in out.blocks] == [b.text for b in doc.blocks]  # nothing cut or kept anew


def test_short_identical_quotes_link_verbatim_and_short_different_ones_do_not():
    index = QuoteIndex()
    for i in range(4):  # four copies of one article: one statement, four occurrences
        index.add({"id": f"d{i}", "source": f"{i}.txt",
                   "text": f"Copy {i}. “Not all issues have been resolved yet,” the envoy said."})
    index.add({"id": "e", "source": "e.txt", "text": "“Not all issues were raised by us,” the envoy said."})
    rows = index.rows()
    [same] = [r for r in rows if len(r["documents"]) > 1]
    assert same["documents"] == ["d0", "d1", "d2", "d3"] and len(same["occurrences"]) == 4
    assert same["quote"] == "Not all issues have been resolved yet,"
    assert len(rows) == 2  # the other short quote stays a statement of its own


def test_overlaps_from_postings_equal_the_pairwise_intersections():
    """The postings a long page switches to list the same earlier paragraphs with the same counts."""
    import random

    from newsclean.quotes import _Earlier, shingles

    rng = random.Random(3)
    vocab = "council bus route night fare budget vote street driver shift the a of and to".split()
    paragraphs = [" ".join(rng.choice(vocab) for _ in range(rng.randint(8, 40))) for _ in range(120)]
    pairwise, indexed = _Earlier(postings_from=10 ** 9), _Earlier(postings_from=5)
    for k, text in enumerate(paragraphs):
        sh = shingles(text)
        assert pairwise.overlaps(sh) == indexed.overlaps(sh)
        expected = [(i, len(sh & other), len(other)) for i, other in pairwise if sh & other]
        assert indexed.overlaps(sh) == expected
        pairwise.append((k, sh))
        indexed.append((k, sh))
    assert indexed._postings is not None and pairwise._postings is None


FIXTURE_RECORDS = [
    {"id": "a", "source": "a.txt", "text": "Intro. " + ORIGINAL},
    {"id": "b", "source": "b.txt", "text": REPEAT},
    {"id": "c", "source": "c.txt", "text": "“Nothing about this matches the other statements at all,” she said."},
    {"id": "a2", "source": "a2.txt", "text": "A copy. " + ORIGINAL},
    {"id": "e", "source": "e.txt", "text": "“Not all issues have been resolved yet,” the envoy said. "
                                           "“Not all issues have been resolved yet,” he added."}]


@pytest.mark.parametrize("fixture", ["quote_index_same_as.pickle", "quote_index_union_find.pickle"])
def test_a_quote_index_saved_by_an_earlier_version_gives_the_same_statements_and_grows(fixture):
    """Incremental datasets keep the quote index pickled in the state store. The fixtures are real
    pickles of FIXTURE_RECORDS' index made by earlier versions, kept in memory with datasketch's
    MinHashLSH: one whose quotes listed the earlier quotes of their statement (``same_as``, before
    7283bec), one with a union-find (7283bec to e8d144f); each with the rows it gave then. Each still
    loads, gives those rows, and grows as an index built now from the same records does."""
    import pickle

    legacy, rows_then = pickle.loads((DATA / fixture).read_bytes())
    assert legacy.rows() == rows_then
    fresh = QuoteIndex()
    for r in FIXTURE_RECORDS:
        fresh.add(r)
    assert fresh.rows() == rows_then
    more = [{"id": "d", "source": "d.txt", "text": REPEAT.replace("said", "told reporters")},
            {"id": "f", "source": "f.txt", "text": "Again: “Nothing about this matches the other statements at all,” she said."}]
    for r in more:
        legacy.add(r)
        fresh.add(r)
    assert legacy.rows() == fresh.rows()
    assert [(r["documents"], len(r["occurrences"])) for r in legacy.rows()] == [
        (["a", "a2", "b", "d"], 4), (["c", "f"], 2), (["e"], 2)]
    again = pickle.loads(pickle.dumps(legacy))  # and this version's own pickle
    assert again.rows() == legacy.rows()

def test_templated_list_items_are_not_repeats_of_each_other_but_a_verbatim_item_is():
    from newsclean.record import LIST_ITEM

    plan = "The city plans to speed up the upgrade of its gigabit fibre network next year."
    restated = "Next year the city will accelerate upgrading the gigabit fiber network, the plan says."
    # as paragraphs the restatement goes (the test above); as list items, in other words, it stays
    doc = Document("x", "x", "text", blocks=(Block(plan, LIST_ITEM), Block(SAME_TOPIC), Block(restated, LIST_ITEM)),
                   stopword_language="en")
    out = dedup_quotes(doc)
    assert [b.text for b in out.blocks] == [plan, SAME_TOPIC, restated] and not out.removed
    # the same item given twice word for word still goes
    doc = Document("x", "x", "text", blocks=(Block(plan, LIST_ITEM), Block(SAME_TOPIC), Block(plan, LIST_ITEM)),
                   stopword_language="en")
    assert [r.rule for r in dedup_quotes(doc).removed] == ["repeated_paragraph"]


def test_normalise_reads_ascii_and_other_text_as_its_regex_definition_does():
    """normalise's ASCII path (str.translate) gives what NFKC, lower-casing and the regexes give."""
    import random
    import re
    import unicodedata

    from newsclean.quotes import normalise

    def by_regex(text):
        text = unicodedata.normalize("NFKC", text).lower()
        return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text)).strip()

    rng = random.Random(7)
    alphabet = [chr(c) for c in range(128)] + list("éÉß’“”«»\u00a0\u2009\u3000ﬁＡ①İΣ")
    texts = ["", " ", "\x1c\x1fa b", "Tab\tand\nnewline\r\x0bvt", "“Quoted,” she said — 40%.", ORIGINAL]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(3000)]
    for text in texts:
        assert normalise(text) == by_regex(text), repr(text)


def test_an_unmatched_quote_mark_does_not_make_a_quote_of_the_paragraphs_after_it():
    """A stray opening mark pairs with the next closing mark paragraphs later: that span is no
    quotation, and as one it contained every quote of the page and linked unrelated ones."""
    from newsclean.quotes import find_quotes

    first = "“The budget will be balanced by the end of the year without new taxes,” the mayor said."
    second = "Residents asked about the bridge. “We will repair it before the winter storms arrive,” he said."
    stray = "The review gave it a 4.5\" screen and a battery that lasts two days in normal use for most people."
    text = "\n\n".join([stray, "A paragraph about the launch event and the prices in several markets today.",
                       'It ended with the words "and that is all we can say about the plans for next year."', first])
    found = [q for _, _, q, _ in find_quotes(text)]
    assert all("\n" not in q for q in found) and found == [
        "and that is all we can say about the plans for next year.",
        "The budget will be balanced by the end of the year without new taxes,"]
    index = QuoteIndex()
    index.add({"id": "a", "source": "a.txt", "text": text})
    index.add({"id": "b", "source": "b.txt", "text": stray + "\n\n" + second + ' And then "a closing mark'})
    assert all(len(r["documents"]) == 1 for r in index.rows())  # nothing here is the same statement
