from newsclean.garble import flag_garbled, score_sentence
from newsclean.record import Block, Document


def test_rules_name_their_signal():
    cases = {
        "They agreed to begin the demarcation and demarcation of the border.": "repeated_word",
        "It ended with the Russo-Qwzlat peace agreement in the autumn.": "rare_compound",
        "The plan angered the opposition, which fears for its interests. can be done.": "fragment_after_period",
        "To live as, (or) learn to live as neighbors again.”": "unbalanced_quote",
    }
    for sentence, signal in cases.items():
        score, reasons = score_sentence(sentence)
        assert score >= 0.5 and signal in reasons, (sentence, reasons)


def test_clean_prose_is_not_flagged():
    fine = ["More and more people moved to the city, the U.S. census showed.",
            "“We will continue,” he said. “This is only the beginning.”",
            "The Russo-Japanese war ended in 1905 with a treaty signed in Portsmouth."]
    for s in fine:
        assert score_sentence(s)[1] == [], s  # no signal fired: not flagged


def test_flags_index_the_clean_text():
    doc = Document("x", "x", "text", language="en",
                   blocks=(Block("A fine opening paragraph about the talks."),
                           Block("Both said they were ready for the demarcation and demarcation of the border.")))
    out = flag_garbled(doc)
    [flag] = out.flags
    assert out.body[flag.start:flag.end] == flag.text == "demarcation and demarcation"


def test_the_fluency_model_ranks_mangled_translation_above_fluent_news():
    from newsclean.fluency import load_model

    model = load_model()
    assert model is not None, "newsclean/models/garble_fluency.npz must ship with the package"
    fluent = ["The council voted on Tuesday to extend the programme for another year, the mayor said.",
              "Shares in the company rose 4 per cent in early trading after it reported higher profits."]
    mangled = ["After the hundred military destruction of goguryeo, the twelve kingdoms of goguryeo fled to okjo for a while.",
               "Derogation from the treatment regime for treated treated materials that have been imported into the Union and imported into the Union."]
    p = model.probabilities(fluent + mangled)
    assert max(p[:2]) < min(p[2:])
    # the pipeline's shortcut never changes a flag: same decision with and without it
    full = model.probabilities(fluent + mangled) >= model.threshold
    fast = model.probabilities(fluent + mangled, only_above=model.threshold) >= model.threshold
    assert list(full) == list(fast)


def test_the_n_gram_hash_is_murmurhash3_and_counts_character_n_grams():
    from newsclean.hashing import hashed_counts, murmurhash3_32

    # MurmurHash3 x86-32 published test vectors (what scikit-learn's HashingVectorizer uses)
    vectors = {(b"", 0): 0, (b"", 1): 0x514E28B7, (b"test", 0): 0xBA6BD213, (b"Hello, world!", 0): 0xC0363E43,
               (b"The quick brown fox jumps over the lazy dog", 0): 0x2E4FF723}
    for (key, seed), want in vectors.items():
        assert int(murmurhash3_32([key], seed)[0]) & 0xFFFFFFFF == want, key
    # n-grams are counted per text, never across two texts, and multi-byte characters count as one
    row, column, count = hashed_counts(["abab", "éé", "Ab  AB"], 2, 2, 2 ** 18)
    [ab, ba, ee] = [int(abs(h) % 2 ** 18) for h in murmurhash3_32([b"ab", b"ba", "éé".encode()])]
    got = {(int(r), int(c)): int(n) for r, c, n in zip(row, column, count)}
    space = {int(abs(h) % 2 ** 18) for h in murmurhash3_32([b"b ", b" a"])}
    assert got[(0, ab)] == 2 and got[(0, ba)] == 1 and got[(1, ee)] == 1 and got[(2, ab)] == 2
    assert sum(n for (r, _), n in got.items() if r == 0) == 3 and sum(n for (r, _), n in got.items() if r == 1) == 1
    assert {c for (r, c) in got if r == 2} == {ab} | space  # "ab  ab": runs of white space fold to one
