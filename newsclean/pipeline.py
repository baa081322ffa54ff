"""Pipeline: the one place that knows the order of the stages.

``clean_document`` runs one raw file through every stage and returns its clean record;
``clean_batch`` does a list of files and collects rejects and the run summary. The CLI and the
Prefect flow both call ``clean_batch``, so a one-off clean and a scheduled run give the same
output.

Order: ingest → segment → layout (the block model's article probabilities) → metadata → boilerplate → repair → quotes → language → garble. Every
stage that deletes text runs before every stage that flags, so flag offsets index the final text.
"""
from __future__ import annotations

import hashlib
import signal
import threading
import time
from contextlib import contextmanager
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .boilerplate import BoilerplateRules, classify_boilerplate, score_layout
from .corpus import CorpusLines
from .garble import GarbleRules, flag_garbled
from .ingest import MAX_INPUT_BYTES, IngestError, TooLarge, document_id, read_raw
from .language import LanguageRules, detect_language
from .metadata import MetadataRules, extract_metadata, fill_from_hints
from .near_duplicates import NearDuplicateRules, signature
from .quotes import QuoteRules, dedup_quotes
from .readers import Page
from .record import Document, Metadata, to_record
from .repair import repair_paragraphs
from .segment import segment
from .signals import guess_language_by_stopwords


@dataclass(frozen=True)
class InputLimits:
    """What one input may cost; an input over either is a reject with the reason, and the run goes on."""

    #: bytes of one input, decompressed (a gzip bomb is refused before it is inflated)
    max_bytes: int = MAX_INPUT_BYTES
    #: seconds of cleaning one input may take (enforced where the cleaning runs on a process's main
    #: thread: the CLI, its worker processes, the flow's process and Dask workers' pools)
    seconds: float = 60.0


@dataclass(frozen=True)
class PipelineConfig:
    """Every stage's rules; the defaults are the shipped behaviour."""

    limits: InputLimits = InputLimits()
    metadata: MetadataRules = MetadataRules()
    boilerplate: BoilerplateRules = BoilerplateRules()
    quotes: QuoteRules = QuoteRules()
    language: LanguageRules = LanguageRules()
    garble: GarbleRules = GarbleRules()
    near_duplicates: NearDuplicateRules = NearDuplicateRules()


def stages(config: PipelineConfig, corpus: CorpusLines | None = None) -> list[tuple[str, Callable[[Document], Document]]]:
    """The stages in order; ``corpus`` is the cross-document line index, when there is one."""
    return [
        ("layout", lambda d: score_layout(d, config.boilerplate, corpus)),
        ("metadata", lambda d: extract_metadata(d, config.metadata)),
        ("hints", fill_from_hints),
        ("boilerplate", lambda d: classify_boilerplate(d, config.boilerplate, corpus)),
        ("repair", repair_paragraphs),
        ("quotes", lambda d: dedup_quotes(d, config.quotes)),
        ("language", lambda d: detect_language(d, config.language)),
        ("garble", lambda d: flag_garbled(d, config.garble)),
    ]


def ingest_document(raw: bytes, source: str, max_bytes: int = MAX_INPUT_BYTES, fmt: str | None = None,
                    hints: dict | None = None) -> Document:
    """Raw bytes to a segmented document (raises :class:`IngestError`); ``fmt`` and ``hints`` are
    what a container said of the page (newsclean/readers.py)."""
    text = read_raw(raw, source, max_bytes, fmt)
    meta = Metadata(**text.html_metadata) if text.html_metadata else Metadata()
    return Document(id=text.id, source=source, format=text.format,
                    blocks=tuple(segment(text.text, text.format)), metadata=meta, raw_bytes=len(raw),
                    stopword_language=guess_language_by_stopwords(text.text), hints=Metadata(**(hints or {})))


def run_stages(doc: Document, config: PipelineConfig = PipelineConfig(),
               corpus: CorpusLines | None = None) -> Document:
    """Every stage after ingest, in order."""
    for _, stage in stages(config, corpus):
        doc = stage(doc)
    return doc


def clean_document(raw: bytes, source: str, config: PipelineConfig = PipelineConfig(),
                   corpus: CorpusLines | None = None, fmt: str | None = None, hints: dict | None = None) -> Document:
    return run_stages(ingest_document(raw, source, config.limits.max_bytes, fmt, hints), config, corpus)


class OverTime(Exception):
    """Cleaning one input took longer than its time budget."""


@contextmanager
def time_budget(seconds: float):
    """Raise :class:`OverTime` in the block after ``seconds`` (SIGALRM; the regex engine checks for
    signals as it runs). A no-op off the main thread, where signals cannot be used."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _expired(*_args):
        raise OverTime

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class RunSummary:
    """Counts of one run: what came in, what went out, and every rule that fired."""

    documents: int = 0
    rejected: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    seconds: float = 0.0
    removed_by_category: Counter = field(default_factory=Counter)
    removed_by_rule: Counter = field(default_factory=Counter)
    flags_by_kind: Counter = field(default_factory=Counter)
    flags_by_reason: Counter = field(default_factory=Counter)
    rejects_by_reason: Counter = field(default_factory=Counter)
    repairs: int = 0
    #: incremental runs: inputs by what the run did with them (new, changed, unchanged, stale_version)
    inputs: Counter = field(default_factory=Counter)
    #: records written with a ``duplicate_of`` (near-duplicates of an earlier record)
    near_duplicates: int = 0

    def add_written(self, record: dict, stats: "RecordStats") -> None:
        """A record that was validated and written: only what is written is counted."""
        self.documents += 1
        self.bytes_in += stats.raw_bytes
        self.bytes_out += len(record["text"].encode("utf-8"))
        self.repairs += stats.repairs
        self.near_duplicates += record.get("duplicate_of") is not None
        for r in record["removed"]:
            self.removed_by_category[r["category"]] += 1
            self.removed_by_rule[r["rule"] or r["category"]] += 1
        for f in record["flags"]:
            self.flags_by_kind[f["kind"]] += 1
            for reason in f["reasons"]:
                self.flags_by_reason[reason.split(":")[0]] += 1

    def add_reject(self, stage: str, raw_bytes: int = 0) -> None:
        self.rejected += 1
        self.bytes_in += raw_bytes
        self.rejects_by_reason[stage] += 1


    def merge(self, other: "RunSummary") -> None:
        for name in ("documents", "rejected", "bytes_in", "bytes_out", "seconds", "repairs", "near_duplicates"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("removed_by_category", "removed_by_rule", "flags_by_kind", "flags_by_reason",
                     "rejects_by_reason", "inputs"):
            getattr(self, name).update(getattr(other, name))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "RunSummary":
        out = cls()
        for name, value in d.items():
            setattr(out, name, Counter(value) if isinstance(value, dict) else value)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents, "rejected": self.rejected,
            "bytes_in": self.bytes_in, "bytes_out": self.bytes_out, "seconds": round(self.seconds, 3),
            "repairs": self.repairs, "near_duplicates": self.near_duplicates,
            "removed_by_category": dict(self.removed_by_category.most_common()),
            "removed_by_rule": dict(self.removed_by_rule.most_common()),
            "flags_by_kind": dict(self.flags_by_kind.most_common()),
            "flags_by_reason": dict(self.flags_by_reason.most_common()),
            "rejects_by_reason": dict(self.rejects_by_reason.most_common()),
            "inputs": dict(self.inputs.most_common()),
        }


@dataclass(frozen=True)
class RecordStats:
    """What the summary counts of a record that is not in the record itself."""

    raw_bytes: int = 0
    repairs: int = 0
    #: MinHash signature of the clean body (newsclean/near_duplicates.py), b"" when too short
    minhash: bytes = b""


@dataclass
class BatchResult:
    """Cleaned records (not yet validated: the writer counts what it writes), their stats in the
    same order, the rejects of the batch, and a summary holding those rejects and the time."""

    records: list[dict]
    rejects: list[dict]
    summary: RunSummary
    stats: list[RecordStats] = field(default_factory=list)
    #: (source, SHA-256 of the raw bytes, '' when unread) of every input of the batch
    inputs: list[tuple[str, str]] = field(default_factory=list)


def reject(source: str, stage: str, reason: str, **extra: Any) -> dict:
    return {"source": source, "stage": stage, "reason": reason, **extra}


def clean_batch(pages: list[Page | tuple[str, str]], config: PipelineConfig = PipelineConfig(),
                corpus: CorpusLines | None = None) -> BatchResult:
    """Clean a batch of pages (:class:`readers.Page`, or ``(path, source)`` of page files); pages
    that cannot be read or parsed become rejects."""
    started = time.perf_counter()
    summary = RunSummary()
    records, rejects, stats = [], [], []
    inputs: list[tuple[str, str]] = []  # (source, SHA-256 of its raw bytes) of every page of the batch
    for page in pages:
        if not isinstance(page, Page):
            page = Page(page[1], page[0])
        source = page.source
        if page.error is not None:
            rejects.append(reject(source, "read", page.error))
            summary.add_reject("read")
            inputs.append((source, page.sha256))
            continue
        try:
            size = len(page.raw) if page.raw is not None else Path(page.path).stat().st_size
            if size > config.limits.max_bytes:
                rejects.append(reject(source, "limit", f"{size:,} bytes, over the {config.limits.max_bytes:,}-byte "
                                                       f"cap per input (--max-mb)"))
                summary.add_reject("limit", size)
                inputs.append((source, ""))
                continue
            raw = page.read()
        except OSError as exc:
            rejects.append(reject(source, "read", f"cannot read file: {exc.strerror or exc}"))
            summary.add_reject("read")
            inputs.append((source, ""))
            continue
        inputs.append((source, page.sha256 or hashlib.sha256(raw).hexdigest()))
        try:
            with time_budget(config.limits.seconds):
                doc = clean_document(raw, source, config, corpus, page.format, page.hints)
        except OverTime:
            rejects.append(reject(source, "limit", f"cleaning took over {config.limits.seconds:g} s, the time budget "
                                                   f"per input (--time-budget)", id=document_id(raw)))
            summary.add_reject("limit", len(raw))
            continue
        except TooLarge as exc:
            rejects.append(reject(source, "limit", str(exc), id=document_id(raw)))
            summary.add_reject("limit", len(raw))
            continue
        except IngestError as exc:
            rejects.append(reject(source, "ingest", str(exc), id=document_id(raw)))
            summary.add_reject("ingest", len(raw))
            continue
        except Exception as exc:  # a bug must not lose the rest of the run; the reject says what
            rejects.append(reject(source, "pipeline", f"{type(exc).__name__}: {exc}", id=document_id(raw)))
            summary.add_reject("pipeline", len(raw))
            continue
        record = to_record(doc)
        records.append(record)
        stats.append(RecordStats(doc.raw_bytes, doc.repairs, signature(record["text"], config.near_duplicates)))
    summary.seconds = time.perf_counter() - started
    return BatchResult(records, rejects, summary, stats, inputs)
