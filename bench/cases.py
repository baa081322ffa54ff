"""Benchmark cases of either shared layout, read in place (nothing is copied into the repository).

* AEB (``../shared/bench/extraction/dev``, MIT): ``<id>.html``, ``<id>.txt``, ``<id>.json``
  with ``body``, ``title``, ``url``.
* WCXB (``../shared/bench/wcxb/dev``, CC-BY-4.0): ``<id>.html.gz``, ``<id>.txt``, ``<id>.md``,
  ``<id>.json`` with ``body``, ``title``, ``author``, ``published``, ``domain``, ``with``, ``without``.

A case's **styles** are the dumps it has: ``text`` (inscriptis full-page text), ``markdown``
(html2text), ``html``, and ``crude`` — the text dump with every blank line taken out, the third
dump style the held-out set has (a converter that writes one block per line with nothing between),
made here from the text dump so that no model learns the blank lines' habits. A case with HTML and no
``.md`` file (the AEB pages) gets its Markdown dump made from the HTML by html2text with WCXB's
settings (no wrapping, lines right-stripped: that reproduces WCXB's own ``.md`` files byte for byte,
see :func:`markdown_dump`), so the Markdown style is measured on news pages in many languages too.

The scorer is ``../shared/bench/score_extraction.py``, imported as a module so that per-case
figures are at hand.
"""
from __future__ import annotations

import gzip
import importlib.util
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
AEB_DEV = SHARED / "extraction" / "dev"
WCXB_DEV = SHARED / "wcxb" / "dev"
STYLES = ("text", "markdown", "crude", "html")
SUFFIX = {"text": ".txt", "markdown": ".md", "crude": ".txt"}


@dataclass(frozen=True)
class Case:
    id: str
    folder: Path
    truth: dict

    @property
    def domain(self) -> str:
        if self.truth.get("domain"):
            return self.truth["domain"]
        host = urlsplit(self.truth.get("url") or "").hostname or self.id
        return host[4:] if host.startswith("www.") else host

    def html_path(self) -> Path | None:
        for name in (f"{self.id}.html", f"{self.id}.html.gz"):
            if (self.folder / name).exists():
                return self.folder / name
        return None

    def has(self, style: str) -> bool:
        if style == "html":
            return self.html_path() is not None
        if style == "markdown" and self.html_path() is not None:
            return True  # made from the HTML when the folder has no .md
        return (self.folder / f"{self.id}{SUFFIX[style]}").exists()

    def raw(self, style: str) -> tuple[bytes, str]:
        """(bytes, file name) of the case in ``style``: what a scraper would have written."""
        if style == "html":
            path = self.html_path()
            data = path.read_bytes()
            return (gzip.decompress(data) if path.suffix == ".gz" else data), f"{self.id}.html"
        path = self.folder / f"{self.id}{SUFFIX[style]}"
        if style == "markdown" and not path.exists():
            return markdown_dump(self.html_text()).encode("utf-8"), path.name
        data = path.read_bytes()
        if style == "crude":
            data = crude_dump(data.decode("utf-8", "replace")).encode("utf-8")
        return data, f"{self.id}{SUFFIX[style]}"

    def html_text(self) -> str:
        return self.raw("html")[0].decode("utf-8", "replace")


def crude_dump(text: str) -> str:
    """A text dump with no blank lines between blocks (lines kept, trailing spaces dropped)."""
    return "\n".join(line.rstrip() for line in text.split("\n") if line.strip()) + "\n"


def markdown_dump(html: str) -> str:
    """The full-page Markdown dump WCXB's ``.md`` files are: html2text, no line wrapping, links and
    images kept, every line right-stripped (checked: identical to WCXB's files on its dev pages,
    ``python bench/cases.py --check-markdown``)."""
    import html2text

    converter = html2text.HTML2Text()
    converter.body_width = 0
    return "\n".join(line.rstrip() for line in converter.handle(html).splitlines()).strip() + "\n"


def load_cases(folder: Path) -> list[Case]:
    out = []
    for p in sorted(folder.glob("*.json")):
        if p.name == "manifest.json":
            continue
        truth = json.loads(p.read_text(encoding="utf-8"))
        out.append(Case(truth.get("id") or p.stem, folder, truth))
    return out


@lru_cache(maxsize=1)
def scorer():
    """``../shared/bench/score_extraction.py`` as a module (score_case, tokens, shingles …)."""
    spec = importlib.util.spec_from_file_location("score_extraction", SHARED / "score_extraction.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_PUNCT = re.compile(r"[\W_]+", re.U)


def norm_meta(value: str | None) -> str:
    """Case and punctuation folded, as the issue's metadata accuracy reads it."""
    if not value:
        return ""
    value = unicodedata.normalize("NFKC", value).casefold()
    return _PUNCT.sub(" ", value).strip()


def same_date(pred: str | None, truth: str | None) -> bool:
    return bool(pred and truth and pred[:10] == truth[:10])


def fold_of(domain: str, folds: int = 5) -> int:
    """The cross-validation fold of a site: the same for every training script and benchmark, so a
    page is always scored by models (block, title) that saw no page of its site."""
    import zlib

    return zlib.crc32(domain.encode("utf-8")) % folds


def domain_folds(domains, folds: int = 5):
    """[(train rows, test rows), ...] of rows whose site is ``domains[row]``."""
    import numpy as np

    f = np.array([fold_of(d, folds) for d in domains])
    return [(np.flatnonzero(f != k), np.flatnonzero(f == k)) for k in range(folds)]


class FoldModels:
    """The models of each cross-validation fold (bench/train_blocks.py and bench/train_metadata.py
    --fold-models DIR), swapped into the pipeline for a page of a given site: the page is cleaned by
    models that never saw its site, so a benchmark over all pages is an out-of-fold figure."""

    def __init__(self, folder: Path, folds: int = 5):
        from newsclean import block_model, metadata

        # the loaders themselves (read before any use_for routes the pipeline's lookups elsewhere)
        self._load = (block_model.load_model.__wrapped__, metadata.__dict__.get("_unrouted_title", metadata.load_title_model).__wrapped__,
                      metadata.__dict__.get("_unrouted_author", metadata.load_author_model).__wrapped__)
        metadata._unrouted_title = metadata.__dict__.get("_unrouted_title", metadata.load_title_model)
        metadata._unrouted_author = metadata.__dict__.get("_unrouted_author", metadata.load_author_model)
        metadata._unrouted_date = metadata.__dict__.get("_unrouted_date", metadata.load_date_model)
        self._load_date = metadata._unrouted_date.__wrapped__
        self._dates: dict[int, object] = {}
        self.folder = folder
        self.folds = folds
        self._blocks: dict[int, object] = {}
        self._titles: dict[int, object] = {}
        self._authors: dict[int, object] = {}

    def block(self, k: int):
        if k not in self._blocks:
            self._blocks[k] = self._load[0](self.folder / f"blocks-{k}.npz")
        return self._blocks[k]

    def title(self, k: int):
        if k not in self._titles:
            self._titles[k] = self._load[1](self.folder / f"title-{k}.npz")
        return self._titles[k]

    def author(self, k: int):
        if k not in self._authors:
            self._authors[k] = self._load[2](self.folder / f"author-{k}.npz")
        return self._authors[k]

    def date(self, k: int):
        if k not in self._dates:
            path = self.folder / f"date-{k}.npz"
            self._dates[k] = self._load_date(path) if path.exists() else None
        return self._dates[k]

    def use_for(self, domain: str) -> None:
        """Route the pipeline's model lookups to the fold of ``domain``."""
        from newsclean import boilerplate, metadata

        k = fold_of(domain, self.folds)
        boilerplate.load_model = lambda: self.block(k)  # the layout stage and the threshold metadata reads
        metadata.load_title_model = lambda: self.title(k)
        metadata.load_author_model = lambda: self.author(k)
        metadata.load_date_model = lambda: self.date(k)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Checks of the benchmark cases' readers.")
    ap.add_argument("--check-markdown", action="store_true",
                    help="compare markdown_dump of every WCXB dev page's HTML with its .md file")
    if ap.parse_args().check_markdown:
        cases = [c for c in load_cases(WCXB_DEV) if (c.folder / f"{c.id}.md").exists()]
        differ = [c.id for c in cases if markdown_dump(c.html_text()) != (c.folder / f"{c.id}.md").read_text(
            encoding="utf-8").strip() + "\n"]
        print(f"{len(cases)} WCXB pages, {len(differ)} whose .md differs from markdown_dump of the HTML: {differ[:10]}")
