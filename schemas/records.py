"""pandera schemas of the clean record, and the one function that applies them.

A batch of records is flattened into three tables — documents, flags, removals — each checked
by a strict ``DataFrameModel`` with lazy validation, so every failure of every record is
collected in one pass. :func:`validate_records` returns the records that passed and, for each
that failed, the failure cases; the caller writes the first and rejects the second. pandera is
imported nowhere else.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

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


class DocumentSchema(pa.DataFrameModel):
    """One row per clean record."""

    id: Series[str] = pa.Field(unique=True, str_matches=r"^[0-9a-f]{8,64}$")
    source: Series[str] = pa.Field(str_length={"min_value": 1})
    text: Series[str] = pa.Field(str_matches=r"\S")
    title: Series[str] = pa.Field(nullable=True, str_length={"min_value": 1})
    published: Series[str] = pa.Field(nullable=True)
    author: Series[str] = pa.Field(nullable=True, str_length={"min_value": 1})
    site: Series[str] = pa.Field(nullable=True, str_length={"min_value": 1})
    url: Series[str] = pa.Field(nullable=True, str_matches=r"^(https?://|www\.)\S+$")
    language: Series[str] = pa.Field(isin=sorted(ISO_639_1 | {UNDETERMINED_LANGUAGE}))
    format: Series[str] = pa.Field(isin=["text", "markdown", "html"])
    # near-duplicates (newsclean/near_duplicates.py): the first earlier record this one is a
    # near-duplicate of, and the id of its cluster's first record (its own id when alone)
    duplicate_of: Series[str] = pa.Field(nullable=True, str_matches=r"^[0-9a-f]{8,64}$")
    cluster: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{8,64}$")
    # incremental datasets only (null in a snapshot): the run that wrote the record, when, and the
    # pipeline version (package + models) that cleaned it
    run: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{8}T\d{6}(\d{6})?[0-9a-f]{4,}$")
    cleaned_at: Series[str] = pa.Field(nullable=True)
    version: Series[str] = pa.Field(nullable=True, str_length={"min_value": 1})

    @pa.check("published", name="iso_8601_date")
    def published_is_iso(cls, s: Series[str]) -> Series[bool]:
        return s.map(lambda v: v is None or v is pd.NA or (isinstance(v, str) and _is_iso_date(v))).astype(bool)

    class Config:
        strict = True
        coerce = False


class FlagSchema(pa.DataFrameModel):
    """One row per flag; ``body_slice`` is the record's ``text[start:end]``."""

    record: Series[int]
    kind: Series[str] = pa.Field(isin=list(FLAG_KINDS))
    start: Series[int] = pa.Field(ge=0)
    end: Series[int] = pa.Field(ge=0)
    text: Series[str] = pa.Field(str_length={"min_value": 1})
    body_slice: Series[str]
    score: Series[float] = pa.Field(ge=0.0, le=1.0)
    reasons: Series[object]

    @pa.dataframe_check(name="span_not_empty")
    def end_after_start(cls, df: pd.DataFrame) -> Series[bool]:
        return df["end"] > df["start"]

    @pa.dataframe_check(name="text_equals_body_slice")
    def text_matches_offsets(cls, df: pd.DataFrame) -> Series[bool]:
        return df["text"] == df["body_slice"]

    @pa.check("reasons", name="has_reasons")
    def reasons_listed(cls, s: Series[object]) -> Series[bool]:
        return s.map(lambda v: isinstance(v, list) and len(v) > 0 and all(isinstance(x, str) for x in v))

    class Config:
        strict = True


class RemovalSchema(pa.DataFrameModel):
    """One row per removal."""

    record: Series[int]
    category: Series[str] = pa.Field(str_matches=r"^[a-z_]+$")
    text: Series[str] = pa.Field(str_length={"min_value": 1})
    reason: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True


DOCUMENT_COLUMNS = list(DocumentSchema.to_schema().columns)


def _tables(records: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    docs = pd.DataFrame([{c: r.get(c) for c in DOCUMENT_COLUMNS} for r in records], columns=DOCUMENT_COLUMNS)
    docs = docs.astype("string")
    flags = pd.DataFrame(
        [{"record": i, "kind": f.get("kind"), "start": f.get("start"), "end": f.get("end"),
          "text": f.get("text"), "body_slice": r["text"][f.get("start", 0):f.get("end", 0)],
          "score": f.get("score"), "reasons": f.get("reasons")}
         for i, r in enumerate(records) for f in r.get("flags", [])],
        columns=list(FlagSchema.to_schema().columns))
    removed = pd.DataFrame(
        [{"record": i, "category": x.get("category"), "text": x.get("text"), "reason": x.get("reason")}
         for i, r in enumerate(records) for x in r.get("removed", [])],
        columns=list(RemovalSchema.to_schema().columns))
    text_columns = {"kind": "string", "text": "string", "body_slice": "string"}
    flags = flags.astype({"record": "int64", "start": "int64", "end": "int64", "score": "float64", **text_columns})
    removed = removed.astype({"record": "int64", "category": "string", "text": "string", "reason": "string"})
    return docs, flags, removed


def _failures(schema: type[pa.DataFrameModel], df: pd.DataFrame, row_to_record) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        for case in err.failure_cases.to_dict("records"):
            idx = case.get("index")
            where = schema.__name__.replace("Schema", "").lower()
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
