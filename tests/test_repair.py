from newsclean.record import Block, Document
from newsclean.repair import repair_paragraphs


def test_rejoins_a_sentence_broken_across_a_blank_line():
    doc = Document("x", "x", "text", blocks=(Block('"Not settled," he told journalists after talks'),
                                             Block("that lasted nearly four hours."),
                                             Block("Clashes broke out in September.")))
    out = repair_paragraphs(doc)
    assert [b.text for b in out.blocks] == ['"Not settled," he told journalists after talks that lasted nearly four hours.',
                                            "Clashes broke out in September."]
    assert out.repairs == 1


def test_leaves_whole_paragraphs_alone():
    doc = Document("x", "x", "text", blocks=(Block("The vote passed."), Block("iPhone sales rose.")))
    assert repair_paragraphs(doc) == doc
