"""Leads: where a pattern's match can start, read off the pattern itself (speed gates).

Most furniture families are whole-line patterns, ``^\\W*(advertisement|sponsored content|…)\\W*$``:
after its leading punctuation, a line can only match if it starts with one of a few literal
prefixes ("advertisement", "sponsored", a digit…). :func:`leads_of` reads those prefixes off
the compiled pattern (Python's own regex parser, ``re._parser``), so they can never drift from
the pattern, and :class:`LeadIndex` answers "which rules could match a line starting like this"
with one dictionary lookup instead of one regex search per rule.

For the unanchored families ('… support our journalism …'), :func:`start_lookahead` puts the
characters a match can start with in a lookahead before the pattern: the same matches, but the
regex engine leaves most positions of a line after one character test.

The gates are conservative: a pattern it cannot read (an unanchored alternative, a lead that is
not a plain ASCII literal, no IGNORECASE) gets no leads and is always tried, and a line whose
head is not ASCII (where case folding may differ from ``str.lower``) is never gated.
"""
from __future__ import annotations

import re

try:  # Python's own regex parser (private, 3.11+); without it no pattern is gated
    from re import _constants as C  # noqa: N812 (the parser's opcode names)
    from re import _parser
except ImportError:  # pragma: no cover
    C = _parser = None

#: stop expanding alternatives past this many prefixes (keep what is read so far)
MAX_PREFIXES = 2000
_NOT_WORD = [(C.IN, [(C.CATEGORY, C.CATEGORY_NOT_WORD)])] if C else []
_DIGITS = frozenset("0123456789")
_LEADING_NON_WORD = re.compile(r"\W*")
_NONE: frozenset[str] = frozenset()
#: atomic groups and possessive repeats (3.11+) start like their plain forms
_ATOMIC = getattr(C, "ATOMIC_GROUP", None)
_REPEATS = tuple(op for op in (getattr(C, n, None) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")) if op)
_STOP = ("", False)  # a prefix ends here: what follows is not a literal
#: marks a prefix that starts with a non-ASCII letter: only lines with a non-ASCII head, which are
#: never gated, can match it
_NON_ASCII = "\x00"

Prefixes = set[tuple[str, bool]]  # (literal prefix, whether the pattern can still extend it)


def _element(op, av) -> Prefixes:
    """Prefixes one parsed element can start with."""
    if op is C.LITERAL:
        ch = chr(av).lower()
        if ch.isascii():
            return {(ch, True)}
        folds_to_ascii = ch[0].isascii() or ch.upper()[0].isascii()  # 'İ' -> 'i', 'ſ' -> 'S'
        return {_STOP} if folds_to_ascii else {(_NON_ASCII, False)}
    if op is C.IN:
        if av == [(C.CATEGORY, C.CATEGORY_DIGIT)]:
            return {(d, False) for d in _DIGITS}
        if all(o is C.LITERAL and chr(a).isascii() for o, a in av):
            return {(chr(a).lower(), True) for _, a in av}
        return {_STOP}
    if op is C.SUBPATTERN:
        return _sequence(list(av[3]))
    if op is _ATOMIC:  # (?>…) matches what its content matches, without backtracking into it
        return _sequence(list(av))
    if op is C.BRANCH:
        return set().union(*(_sequence(list(b)) for b in av[1]))
    if op in _REPEATS:
        low, high, sub = av
        inner = _sequence(list(sub))
        if (low, high) == (0, 1):
            return inner | {("", True)}
        inner = {(p, False) for p, _ in inner}
        return inner | {("", True)} if low == 0 else inner
    if op in (C.ASSERT, C.ASSERT_NOT):  # a lookaround consumes nothing
        return {("", True)}
    return {_STOP}


def _sequence(seq: list) -> Prefixes:
    """Prefixes a parsed sequence can start with."""
    out: Prefixes = {("", True)}
    for op, av in seq:
        options = _element(op, av)
        if len(out) * len(options) > MAX_PREFIXES:
            return {(p, False) for p, _ in out}
        out = {(p + q, more) if extendable else (p, False)
               for p, extendable in out for q, more in (options if extendable else [_STOP])}
        if not any(extendable for _, extendable in out):
            break
    return out


def _alternatives(seq: list) -> list[list]:
    """Top-level alternatives (the parser factors a common head such as ``^`` out of them)."""
    if seq and seq[-1][0] is C.BRANCH:
        return [seq[:-1] + alt for b in seq[-1][1][1] for alt in _alternatives(list(b))]
    return [seq]


def leads_of(pattern: re.Pattern) -> tuple[str, ...] | None:
    """Lower-case prefixes of which a line must start with one (after its leading non-word
    characters) for ``pattern`` to match it; None when the pattern cannot be gated this way."""
    if _parser is None or not pattern.flags & re.IGNORECASE:
        return None
    try:
        tree = list(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # a private parser: if it changes, fall back to trying the pattern
        return None
    leads: set[str] = set()
    for alt in _alternatives(tree):
        if len(alt) < 2 or alt[0] != (C.AT, C.AT_BEGINNING) or alt[1][0] is not C.MAX_REPEAT \
                or alt[1][1][:2] != (0, C.MAXREPEAT) or list(alt[1][1][2]) != _NOT_WORD:
            return None  # not '^\W*…'
        for prefix, _ in _sequence(alt[2:]):
            prefix = prefix.split(_NON_ASCII)[0] if not prefix.startswith(_NON_ASCII) else _NON_ASCII
            if prefix == _NON_ASCII:
                continue
            if not prefix or not (prefix[0].isalnum() or prefix[0] == "_"):
                return None  # could start anywhere, or with a character '\W*' would eat
            leads.add(prefix)
    return tuple(sorted(p for p in leads if not any(p != q and p.startswith(q) for q in leads)))


class _Anywhere(Exception):
    """The pattern may start a match with any character."""


def _first_chars(seq: list, i: int = 0) -> tuple[set[str], bool]:
    """(characters, ``\\d`` allowed) a match of ``seq[i:]`` can start with, and raise
    :class:`_Anywhere` when that is not a short known set; an empty sequence adds nothing."""
    chars: set[str] = set()
    digits = False
    while i < len(seq):
        op, av = seq[i]
        if (op, av) == (C.AT, C.AT_BEGINNING):  # this path matches only at the start, always admitted
            return chars, digits
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):  # \b and lookarounds consume nothing
            i += 1
            continue
        if op is C.LITERAL:
            return chars | {chr(av)}, digits
        if op is C.IN:
            for o, a in av:
                if o is C.LITERAL:
                    chars.add(chr(a))
                elif o is C.CATEGORY and a is C.CATEGORY_DIGIT:
                    digits = True
                else:
                    raise _Anywhere
            return chars, digits
        if op in (C.SUBPATTERN, C.BRANCH, _ATOMIC) or op in _REPEATS:
            branches = [list(av[3])] if op is C.SUBPATTERN else [list(av)] if op is _ATOMIC \
                else [list(b) for b in av[1]] if op is C.BRANCH else [list(av[2])]
            optional = op in _REPEATS and av[0] == 0
            for branch in branches:
                if not branch:
                    optional = True
                    continue
                more, d = _first_chars(branch)
                chars |= more
                digits |= d
            if not optional:
                return chars, digits
            i += 1
            continue
        raise _Anywhere
    raise _Anywhere  # the whole rest may match empty: the match may start anywhere


def start_lookahead(pattern: re.Pattern) -> re.Pattern | None:
    """``pattern`` behind a lookahead of the characters a match can start with: the same matches,
    found faster because the engine leaves most positions after one character test instead of
    trying every alternative there. None when those characters are not a short known set."""
    if _parser is None or pattern.pattern.startswith("(?") and not pattern.pattern.startswith("(?:"):
        return None
    try:
        tree = list(_parser.parse(pattern.pattern, pattern.flags))
        chars: set[str] = set()
        digits = False
        for alt in _alternatives(tree):
            if alt and alt[0] == (C.AT, C.AT_BEGINNING):
                continue  # matches only at the start, which the lookahead always admits
            more, d = _first_chars(alt)
            chars |= more
            digits |= d
    except Exception:  # _Anywhere, or a parse the reader does not know: no lookahead
        return None
    if not chars and not digits:
        return None  # anchored everywhere already
    klass = "".join(re.escape(c) for c in sorted(chars)) + ("\\d" if digits else "")
    return re.compile(f"(?:^|(?=[{klass}]))(?:{pattern.pattern})", pattern.flags)


class LeadIndex:
    """Which gated rules a line's head admits, by its first two characters."""

    def __init__(self, leads_by_rule: dict[str, tuple[str, ...]]):
        self.gated = frozenset(leads_by_rule)
        index: dict[str, set[str]] = {}
        for rule, leads in leads_by_rule.items():
            for lead in leads:
                if len(lead) == 1:  # a one-character line, or any second character
                    index.setdefault(lead, set()).add(rule)
                    for code in range(128):
                        index.setdefault(lead + chr(code), set()).add(rule)
                else:
                    index.setdefault(lead[:2], set()).add(rule)
        self._index = {k: frozenset(v) for k, v in index.items()}

    def admitted(self, lowered: str) -> frozenset[str]:
        """Gated rules that may match the lower-cased line (all of them when its first two
        characters after the leading punctuation are not ASCII: case folding may differ there)."""
        start = _LEADING_NON_WORD.match(lowered).end()
        key = lowered[start:start + 2]
        if not key.isascii():
            return self.gated
        return self._index.get(key, _NONE)
