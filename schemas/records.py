"""pandera schemas of the clean record, and the one function that applies them.

A batch of records is flattened into three tables — documents, flags, removals — each checked
by a strict ``DataFrameSchema`` with lazy validation, so every failure of every record is
collected in one pass. :func:`validate_records` returns the records that passed and, for each
that failed, the failure cases; the caller writes the first and rejects the second. pandera is
imported nowhere else.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import pandera.pandas as pa

#: ISO 639-1 codes (the two-letter language codes)
ISO_639_1 = frozenset("""aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr
    cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li
    ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl
    ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn
    to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split())
#: what ``language`` holds when no language could be named (ISO 639-2's code for "undetermined"): the
#: record is still written, its boilerplate still removed
UNDETERMINED_LANGUAGE = "und"
FLAG_KINDS = ("garbled", "foreign_language")


def _is_iso_date(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _published_is_iso(s: pd.Series) -> pd.Series:
    return s.map(lambda v: v is None or v is pd.NA or (isinstance(v, str) and _is_iso_date(v))).astype(bool)


def _reasons_listed(s: pd.Series) -> pd.Series:
    return s.map(lambda v: isinstance(v, list) and len(v) > 0 and all(isinstance(x, str) for x in v))


_HEX_ID = r"^[0-9a-f]{8,64}$"
_NOT_EMPTY = {"min_value": 1}


def _text(*checks: pa.Check, nullable: bool = False, unique: bool = False) -> pa.Column:
    return pa.Column(str, checks=list(checks), nullable=nullable, unique=unique)


# Schema objects, not DataFrameModel classes: building a model's schema resolves its annotations
# through pandera.typing, which imports dask.dataframe whenever dask is installed (1 s of every
# run's start-up); the checks are the same.

#: one row per clean record
DocumentSchema = pa.DataFrameSchema({
    "id": _text(pa.Check.str_matches(_HEX_ID), unique=True),
    "source": _text(pa.Check.str_length(**_NOT_EMPTY)),
    "text": _text(pa.Check.str_matches(r"\S")),
    "title": _text(pa.Check.str_length(**_NOT_EMPTY), nullable=True),
    "published": _text(pa.Check(_published_is_iso, name="iso_8601_date"), nullable=True),
    "author": _text(pa.Check.str_length(**_NOT_EMPTY), nullable=True),
    "site": _text(pa.Check.str_length(**_NOT_EMPTY), nullable=True),
    "url": _text(pa.Check.str_matches(r"^(https?://|www\.)\S+$"), nullable=True),
    "language": _text(pa.Check.isin(sorted(ISO_639_1 | {UNDETERMINED_LANGUAGE}))),
    "format": _text(pa.Check.isin(["text", "markdown", "html"])),
    # near-duplicates (newsclean/near_duplicates.py): the first earlier record this one is a
    # near-duplicate of, and the id of its cluster's first record (its own id when alone)
    "duplicate_of": _text(pa.Check.str_matches(_HEX_ID), nullable=True),
    "cluster": _text(pa.Check.str_matches(_HEX_ID)),
    # incremental datasets only (null in a snapshot): the run that wrote the record, when, and the
    # pipeline version (package + models) that cleaned it
    "run": _text(pa.Check.str_matches(r"^\d{8}T\d{6}(\d{6})?[0-9a-f]{4,}$"), nullable=True),
    "cleaned_at": _text(nullable=True),
    "version": _text(pa.Check.str_length(**_NOT_EMPTY), nullable=True),
}, strict=True, coerce=False, name="DocumentSchema")

#: one row per flag; ``body_slice`` is the record's ``text[start:end]``
FlagSchema = pa.DataFrameSchema({
    "record": pa.Column(int),
    "kind": _text(pa.Check.isin(list(FLAG_KINDS))),
    "start": pa.Column(int, pa.Check.ge(0)),
    "end": pa.Column(int, pa.Check.ge(0)),
    "text": _text(pa.Check.str_length(**_NOT_EMPTY)),
    "body_slice": _text(),
    "score": pa.Column(float, [pa.Check.ge(0.0), pa.Check.le(1.0)]),
    "reasons": pa.Column(object, pa.Check(_reasons_listed, name="has_reasons")),
}, checks=[pa.Check(lambda df: df["end"] > df["start"], name="span_not_empty"),
           pa.Check(lambda df: df["text"] == df["body_slice"], name="text_equals_body_slice")],
   strict=True, name="FlagSchema")

#: one row per removal
RemovalSchema = pa.DataFrameSchema({
    "record": pa.Column(int),
    "category": _text(pa.Check.str_matches(r"^[a-z_]+$")),
    "text": _text(pa.Check.str_length(**_NOT_EMPTY)),
    "reason": _text(pa.Check.str_length(**_NOT_EMPTY)),
}, strict=True, name="RemovalSchema")

DOCUMENT_COLUMNS = list(DocumentSchema.columns)


def _tables(records: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    docs = pd.DataFrame([{c: r.get(c) for c in DOCUMENT_COLUMNS} for r in records], columns=DOCUMENT_COLUMNS)
    docs = docs.astype("string")
    flags = pd.DataFrame(
        [{"record": i, "kind": f.get("kind"), "start": f.get("start"), "end": f.get("end"),
          "text": f.get("text"), "body_slice": r["text"][f.get("start", 0):f.get("end", 0)],
          "score": f.get("score"), "reasons": f.get("reasons")}
         for i, r in enumerate(records) for f in r.get("flags", [])],
        columns=list(FlagSchema.columns))
    removed = pd.DataFrame(
        [{"record": i, "category": x.get("category"), "text": x.get("text"), "reason": x.get("reason")}
         for i, r in enumerate(records) for x in r.get("removed", [])],
        columns=list(RemovalSchema.columns))
    text_columns = {"kind": "string", "text": "string", "body_slice": "string"}
    flags = flags.astype({"record": "int64", "start": "int64", "end": "int64", "score": "float64", **text_columns})
    removed = removed.astype({"record": "int64", "category": "string", "text": "string", "reason": "string"})
    return docs, flags, removed


def _failures(schema: pa.DataFrameSchema, df: pd.DataFrame, row_to_record) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        for case in err.failure_cases.to_dict("records"):
            idx = case.get("index")
            where = schema.name.replace("Schema", "").lower()
            column = case.get("column") or "(table)"
            msg = f"{where}.{column}: {case.get('check')} failed for {str(case.get('failure_case'))[:80]!r}"
            targets = [row_to_record(idx)] if idx is not None and idx == idx else [-1]
            for t in targets:
                out.setdefault(t, []).append(msg)
    return out


def validate_records(records: list[dict]) -> tuple[list[dict], list[tuple[dict, list[str]]]]:
    """Split ``records`` into those that pass every schema and those that fail (with reasons)."""
    if not records:
        return [], []
    docs, flags, removed = _tables(records)
    problems: dict[int, list[str]] = {}
    for schema, df, to_record in ((DocumentSchema, docs, lambda i: int(i)),
                                  (FlagSchema, flags, lambda i: int(flags.at[i, "record"])),
                                  (RemovalSchema, removed, lambda i: int(removed.at[i, "record"]))):
        for rec, msgs in _failures(schema, df, to_record).items():
            problems.setdefault(rec, []).extend(msgs)
    if -1 in problems:  # a table-level failure with no row: fail the whole batch, loudly
        table_msgs = problems.pop(-1)
        for i in range(len(records)):
            problems.setdefault(i, []).extend(table_msgs)
    valid = [r for i, r in enumerate(records) if i not in problems]
    invalid = [(records[i], sorted(set(m))) for i, m in sorted(problems.items())]
    return valid, invalid
