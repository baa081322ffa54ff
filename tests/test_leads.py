import re

from newsclean.leads import LeadIndex, leads_of, start_lookahead
from newsclean.patterns import RULES, first_matching_rule
from newsclean.signals import word_count


def test_leads_are_read_off_an_anchored_pattern():
    rx = re.compile(r"^\W*(advertisement|sponsored( content)?|\d+ comments?|реклама)\W*$", re.I)
    assert leads_of(rx) == tuple(sorted(("advertisement", "sponsored") + tuple("0123456789")))


def test_patterns_the_gate_cannot_read_are_always_tried():
    assert leads_of(re.compile(r"\ball rights reserved\b", re.I)) is None  # not anchored
    assert leads_of(re.compile(r"^\W*(menu|\w+ ago)\W*$", re.I)) is None  # a lead that is not literal
    assert leads_of(re.compile(r"^\W*(menu)\W*$")) is None  # case-sensitive


def test_index_admits_by_the_first_two_characters_after_punctuation():
    index = LeadIndex({"ad": ("advertisement",), "count": ("1", "2")})
    assert index.admitted("- advertisement -") == {"ad"}
    assert index.admitted("12 comments") == {"count"} and index.admitted("2") == {"count"}
    assert index.admitted("the advertisement") == frozenset()
    assert index.admitted("— ünlü") == {"ad", "count"}  # a non-ASCII head is never gated


def test_gated_lookup_answers_as_trying_every_rule():
    lines = ["- Advertisement -", "ADVERTISEMENT", "12 Shares", "X", "Share 12 Tweet 3 Email", "Реклама",
             "Most Read", "— Most read —", "Related: A story elsewhere", "1 / 13", "Comments (4)",
             "Tags: politics, economy", "Skip to content", "Sign in", "Continue reading the main story",
             "Originally published at example.org", "İn other news", "ſhare", "Home", "Homeward bound"]
    for line in lines:
        n = word_count(line)
        expected = next((r for r in RULES if n <= r.max_words and r.pattern.search(line)
                         and (r.also is None or n <= r.bare_words or r.also.search(line))), None)
        assert first_matching_rule(line, n) is expected, line


def test_start_lookahead_finds_the_same_matches():
    rx = re.compile(r"\b(support|donate) (our|to) journalism\b|\(\s*(AP|Reuters)\s*\)$|^\W*give\b", re.I)
    fast = start_lookahead(rx)
    assert fast is not None and fast.pattern.startswith("(?:^|(?=[")
    texts = ["Please SUPPORT our journalism today", "A crash on the M4 (Reuters)", "— Give now", "give",
             "Nothing to see here", "ſupport our journalism", "They donate to journalism"]
    for text in texts:
        a, b = rx.search(text), fast.search(text)
        assert (a and a.span()) == (b and b.span()), text


def test_start_lookahead_declines_patterns_that_start_anywhere():
    assert start_lookahead(re.compile(r"\w+ says", re.I)) is None
    assert start_lookahead(re.compile(r"(a|b?)c", re.I)) is None
