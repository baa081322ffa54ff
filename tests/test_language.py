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
