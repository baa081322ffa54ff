"""newsclean/word_frequency.py gives wordfreq's English Zipf frequencies without importing wordfreq."""
import random

from wordfreq import get_frequency_dict, zipf_frequency

from newsclean.word_frequency import _tokens, zipf_en


def test_zipf_en_is_wordfreqs_on_its_word_list_and_on_generated_words():
    """Every word of wordfreq's English list (most answered here, the rest handed to wordfreq),
    their capitalised, quoted and hyphen-joined forms, and random strings of letters, apostrophes
    and hyphens: the same float as wordfreq.zipf_frequency(word, "en")."""
    rng = random.Random(3)
    words = list(get_frequency_dict("en"))
    answered_here = [w for w in words if _tokens(w) is not None]
    assert len(answered_here) > 0.9 * len(words)  # the fast path is the common path
    sample = rng.sample(words, 60_000)
    sample += [w.capitalize() for w in rng.sample(answered_here, 5_000)]
    sample += ["‘" + w + "’" for w in rng.sample(answered_here, 3_000)]  # a quoted word: ‘ goes to wordfreq
    sample += [w + "’" for w in rng.sample(answered_here, 3_000)] + ["'" + w + "'" for w in rng.sample(answered_here, 3_000)]
    sample += [a + "-" + b for a, b in zip(rng.sample(answered_here, 3_000), rng.sample(answered_here, 3_000))]
    sample += [w.replace("'", "’") for w in words if "'" in w][:5_000]
    letters = "abcdefghijklmnopqrstuvwxyzAEIOUHY'’-"
    sample += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 10))) for _ in range(30_000)]
    sample += ["", "-", "'", "l'arc", "qu'un", "d'heure", "o'neill", "rock'n'roll", "x''y", "abc123", "naïve", "Straße"]
    # words wordfreq's own tokenizer splits (digits, other letters, symbols): read here from the same list
    others = "abcdeéüßçñøłİı0123456789'’-.,/:%$€#@_&ó中文日本"
    sample += ["".join(rng.choice(others) for _ in range(rng.randint(1, 9))) for _ in range(20_000)]
    sample += [str(rng.randint(0, 10 ** rng.randint(1, 7))) + rng.choice(["", "th", "s", "%", "km", ".5", ",000"])
               for _ in range(5_000)]
    sample += ["covid-19", "1990s", "3.14", "2,000", "G7", "mp3", "£20", "x86-64", "café", "Ελλάδα", "Москва"]
    wrong = [w for w in sample if zipf_en(w) != zipf_frequency(w, "en")]
    assert wrong == []


def test_cleaning_the_sample_corpus_does_not_import_wordfreq(tmp_path):
    """wordfreq and langcodes cost ~0.3 s at every start; the sample corpus's words need neither."""
    from conftest import packages_a_clean_imports

    assert packages_a_clean_imports(tmp_path / "out", ("wordfreq", "langcodes")) == []
    assert (tmp_path / "out" / "documents.jsonl").stat().st_size > 0
