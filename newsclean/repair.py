"""Repair: re-join a paragraph that the scrape broke across a blank line mid-sentence.

Rule ``rejoin_broken_paragraph``: a paragraph that does not close its sentence, followed by a
paragraph that goes on in lower case, is one paragraph ("… after talks in the Kremlin" +
"that lasted nearly four hours."). Headings and list items are never joined.
"""
from __future__ import annotations

import re

from .record import PARAGRAPH, Block, Document
from .signals import ends_sentence

#: a line ending like this is a label or an introduction, not a broken sentence
_OPEN_ENDING = re.compile(r"[:;,]\s*$")


def is_broken_pair(first: Block, second: Block) -> bool:
    """True when ``second`` continues the sentence ``first`` left open."""
    if first.kind != PARAGRAPH or second.kind != PARAGRAPH:
        return False
    head = second.text.lstrip()
    return (bool(head) and head[0].islower() and not ends_sentence(first.text)
            and not _OPEN_ENDING.search(first.text))


def repair_paragraphs(doc: Document) -> Document:
    """Join every broken pair; each join is counted as a ``repairs`` entry of the summary."""
    out: list[Block] = []
    joins = 0
    for block in doc.blocks:
        if out and is_broken_pair(out[-1], block):
            out[-1] = Block(out[-1].text.rstrip() + " " + block.text.lstrip(), PARAGRAPH, out[-1].gap_before)
            joins += 1
        else:
            out.append(block)
    if not joins:
        return doc
    return doc.with_changes(blocks=tuple(out), repairs=doc.repairs + joins)
