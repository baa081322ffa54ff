from newsclean.language import detect_language
from newsclean.record import Block, Document

EN = ("The regional government announced on Friday that the new railway line would open next spring, "
      "after years of delays caused by disputes over funding and land.")
DE = ("Die Regierung hat am Freitag angekündigt, dass die neue Bahnstrecke im nächsten Frühjahr eröffnet wird, "
      "nachdem es jahrelang Verzögerungen gegeben hatte.")


def test_document_language_and_foreign_passage_flag():
    doc = Document("x", "x", "text", blocks=(Block(EN), Block(EN), Block(DE), Block(EN)))
    out = detect_language(doc)
    assert out.language == "en"
    [flag] = out.flags
    assert flag.kind == "foreign_language" and "language:de" in flag.reasons
    assert out.body[flag.start:flag.end] == DE


def test_same_input_same_answer():
    doc = Document("x", "x", "text", blocks=(Block("Ciao, come stai? Bene grazie, e tu?"),))
    assert len({detect_language(doc).language for _ in range(5)}) == 1


MY = ["မြန်မာနိုင်ငံသည် အရှေ့တောင်အာရှတွင် တည်ရှိသော နိုင်ငံတစ်ခု ဖြစ်ပြီး ရန်ကုန်မြို့သည် နိုင်ငံ၏ အကြီးဆုံးမြို့ ဖြစ်သည်။",
      "မိုးရာသီတွင် မိုးများစွာ ရွာသွန်းသဖြင့် လယ်သမားများသည် စပါးကို စိုက်ပျိုးကြပြီး ဈေးကွက်သို့ ရောင်းချကြသည်။",
      "ကျောင်းသားများသည် စာသင်ကျောင်းသို့ နေ့စဉ် သွားကြပြီး ဆရာများသည် သင်ခန်းစာများကို သင်ကြားပေးကြသည်။",
      "မြို့တော်ရှိ ဆေးရုံများတွင် ဆရာဝန်များနှင့် သူနာပြုများသည် လူနာများကို နေ့ရောညပါ ပြုစုစောင့်ရှောက်ကြသည်။"]


def test_a_page_in_a_language_langdetect_cannot_name_is_written_with_its_code_and_cleaned(tmp_path):
    """Burmese has no langdetect profile: its script names it, the record is written, the menu goes."""
    import json
    import subprocess
    import sys

    page = "\n".join(["Home", "News", "Sport", "Contact us", "", *[p + "\n" for p in MY], "Share on Facebook",
                      "Copyright 2025 All rights reserved", ""])
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "my.txt").write_text(page, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "newsclean.cli", "clean", str(tmp_path / "raw"), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    [rec] = [json.loads(line) for line in (tmp_path / "out" / "documents.jsonl").read_text().splitlines()]
    assert rec["language"] == "my"
    assert all(p in rec["text"] for p in MY)
    for furniture in ("Home", "Sport", "Share on Facebook", "Copyright"):
        assert furniture not in rec["text"]
    assert not (tmp_path / "out" / "rejects.jsonl").read_text().strip()


def test_body_language_by_script_and_undetermined():
    from newsclean.language import body_language

    assert body_language(" ".join(MY)) == "my"
    assert body_language("12345 67890 ---- %%%% 4444") == "und"


def test_langdetect_probabilities_are_langdetects_own_to_the_last_bit():
    """newsclean runs langdetect's inner loop on numpy arrays (language.langdetect_probabilities);
    on every paragraph of the sample corpus, texts in many scripts, and random character soups,
    the probabilities equal langdetect's own Detector.get_probabilities() exactly."""
    import random
    from pathlib import Path

    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    import numpy as np

    from newsclean.language import _detector_factory, _profiles, langdetect_probabilities

    reference = DetectorFactory()  # a factory of its own: nothing newsclean does can touch it
    reference.load_profile(PROFILES_DIRECTORY)
    reference.set_seed(0)
    raw = Path(__file__).resolve().parents[1] / "raw"
    texts = [p for f in sorted(raw.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    texts += [EN, DE, *MY, "ПРИВЕТ мир, Hello WORLD", "中文 日本語 カタカナ ひらがな 한국어", "العربية والإنجليزية",
              "Tiếng Việt có dấu", "Știri și ţări: ȘTIRI", "ÀÉÎ ØÆ déjà vu — “quoted”", "12345 !!!", ""]
    rng = random.Random(7)
    soup = "".join(sorted(set("".join(texts)))) + "  AaBb"
    texts += ["".join(rng.choice(soup) for _ in range(rng.randint(1, 300))) for _ in range(200)]
    profiles = _profiles()  # newsclean's own load of the same files, as one matrix
    assert profiles.langlist == reference.langlist and list(profiles.index) == list(reference.word_lang_prob_map)
    lists = np.array([reference.word_lang_prob_map[w] for w in profiles.index])
    dense = profiles.rows(np.arange(len(profiles.index)))
    assert np.array_equal(lists.view(np.int64), dense.view(np.int64))  # bit for bit
    some = [5, 0, len(profiles.index) - 1, 5, 17]  # any rows in any order, repeats included
    assert np.array_equal(profiles.rows(some).view(np.int64), lists[some].view(np.int64))
    compared = 0
    for text in texts:
        ours, theirs, matrix = reference.create(), reference.create(), _detector_factory().create()
        for d in (ours, theirs, matrix):
            d.append(text)
        try:
            want = [(x.lang, x.prob) for x in theirs.get_probabilities()]
        except LangDetectException:
            want = []
        assert [(x.lang, x.prob) for x in langdetect_probabilities(ours)] == want, text
        assert [(x.lang, x.prob) for x in langdetect_probabilities(matrix, profiles)] == want, text
        compared += bool(want)
    assert compared > 150  # most texts have a language to compare
