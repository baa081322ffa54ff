"""Run: clean many files in batches into an output folder, without Prefect.

The plain-Python job behind ``newsclean clean``; the Prefect flow in ``flows/`` does the same
steps with one task per batch. Cross-document state (the quote index) is fed here as each batch is
written, in input order, so the output does not depend on how batches were scheduled and no
clean record is held in memory after it is written.
"""
from __future__ import annotations

from pathlib import Path
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from typing import Callable, Iterable, Iterator

from .corpus import CorpusLines
from .io import OutputWriter, batched, discover
from .pipeline import BatchResult, PipelineConfig, RunSummary, clean_batch
from .quotes import QuoteIndex

DEFAULT_BATCH_SIZE = 50


def _cleaned_batches(batches: list, config: PipelineConfig, workers: int,
                     corpus: CorpusLines | None) -> Iterator[BatchResult]:
    """Batch results in input order, cleaned here or by ``workers`` processes."""
    if workers <= 1:
        for batch in batches:
            yield clean_batch(batch, config, corpus)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(clean_batch, batches, repeat(config), repeat(corpus))


def run_clean(paths: Iterable[str | Path], out_dir: str | Path, batch_size: int = DEFAULT_BATCH_SIZE,
              config: PipelineConfig = PipelineConfig(),
              on_batch: Callable[[BatchResult, int], None] | None = None, workers: int = 1,
              corpus_lines: bool = True) -> RunSummary:
    """Clean every supported file under ``paths`` into ``out_dir``; returns the summary.

    ``workers`` > 1 cleans batches in that many processes (the output is the same, in input
    order). ``corpus_lines`` runs the pre-pass that finds lines repeated across the corpus
    (newsclean/corpus.py). ``on_batch(result, files_in_batch)`` is called after each batch.
    """
    return clean_files(discover(paths), out_dir, batch_size, config, on_batch, workers, corpus_lines)


def clean_files(files: list[tuple[str, str]], out_dir: str | Path, batch_size: int = DEFAULT_BATCH_SIZE,
                config: PipelineConfig = PipelineConfig(),
                on_batch: Callable[[BatchResult, int], None] | None = None, workers: int = 1,
                corpus_lines: bool = True) -> RunSummary:
    """:func:`run_clean` for files already found (``[(path, source)]``, as ``io.discover`` gives)."""
    batches = batched(files, batch_size)
    corpus = CorpusLines.from_files(files) if corpus_lines else None
    writer = OutputWriter(out_dir)
    quotes = QuoteIndex()
    try:
        for batch, result in zip(batches, _cleaned_batches(batches, config, workers, corpus)):
            for record in writer.write_batch(result):
                quotes.add(record)
            if on_batch:
                on_batch(result, len(batch))
        return writer.commit(quotes.rows())
    except BaseException:
        writer.abort()
        raise
