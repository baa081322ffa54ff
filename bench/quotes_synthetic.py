#!/usr/bin/env python3
"""Repeated quotes on many synthetic articles, out of fold: a steadier figure than 30 dev repeats.

    python bench/quotes_synthetic.py [--partial] [--bases 2] [--in-sample] [--seed 0]

The quote benchmark's dev articles hold 30 full and 20 one-sentence repeats, so one article is
3 points of recall. Its dev pairs hold, for 15 WMT23 documents, nearly every segment as
translated by about nine systems. This script builds articles from those texts the way the
benchmark's README says its articles are built, but for every choice instead of one:

* paragraphs: one base system's translations of the document's segments, in order (segments
  under 6 words skipped); up to ``--bases`` base systems per document;
* the repeat: every other system's rendering of every segment that ends a sentence (never the
  first), inserted 2 to 4 paragraphs later; with ``--partial``, each sentence of it (6+ words,
  not verbatim in the original) in an article of its own;
* the benchmark skips a segment whose source repeats an earlier one (a headline restated as a
  subtitle); the sources are not in the pairs, so a base paragraph the pipeline already removes
  as a repeat with nothing inserted is dropped instead.

Each article runs through the pipeline's stages; the quote stage uses a pair model trained
without the article's document (5 folds by document, the training of bench/train_quotes.py),
unless ``--in-sample``. It prints the share of repeats removed as ``duplicate_quote``, the same
for repeats of a quotation paragraph (the benchmark picks those first), and the other
paragraphs wrongly removed as ``duplicate_quote``. Wrong removals come in clusters: a base
paragraph pair that fools the model does so in every article built on it.
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import train_quotes  # noqa: E402
from newsclean.pipeline import PipelineConfig, ingest_document, stages  # noqa: E402
from newsclean.quote_model import QuotePairModel, load_model  # noqa: E402
from newsclean.quotes import QuoteRules, dedup_quotes  # noqa: E402
from newsclean.record import Document  # noqa: E402
from newsclean.signals import sentence_spans  # noqa: E402

QUOTES = ROOT.parent / "shared" / "bench" / "quotes"
#: the benchmark's quotation cue: quote marks or a reporting verb
CUE = re.compile(r"[\"“”]|\b(said|says|told|stated|added|noted|stressed|emphasi[sz]ed|explained|declared|remarked|"
                 r"announced|insisted|argued|warned|replied|wrote|pointed out|according to)\b")
SENTENCE_END = re.compile(r"[.!?][\"”’)]*$")


def plain(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def segment_texts(folder: Path) -> dict[str, dict[int, dict[str, str]]]:
    """document -> segment -> system -> full translation, from the dev pair files."""
    texts: dict = collections.defaultdict(lambda: collections.defaultdict(dict))
    for line in (folder / "dev_pairs.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        for side in "ab":
            texts[row["doc_" + side]][row["seg_" + side]][row["sys_" + side]] = row[side]
    for line in (folder / "dev_pairs_partial.jsonl").open(encoding="utf-8"):
        row = json.loads(line)  # only "a" is a full translation here
        texts[row["doc_a"]][row["seg_a"]][row["sys_a"]] = row["a"]
    return {doc: segs for doc, segs in texts.items() if len(segs) >= 5}  # whole WMT23 documents only


def prepared(paragraphs: list[str]) -> Document:
    """The document as the quote stage receives it."""
    raw = ("Document 0\n\n" + "\n\n".join(paragraphs) + "\n").encode()
    doc = ingest_document(raw, "article.txt")
    for name, stage in stages(PipelineConfig()):
        if name == "quotes":
            return doc
        doc = stage(doc)
    return doc


def duplicate_quote_texts(doc: Document) -> list[str]:
    return [plain(r.text) for r in doc.removed if r.category == "duplicate_quote"]


def base_paragraphs(segments: dict[int, dict[str, str]], base: str) -> list[tuple[int, str]]:
    paragraphs = [(seg, by_system[base]) for seg, by_system in sorted(segments.items())
                  if base in by_system and len(by_system[base].split()) >= 6]
    gone = duplicate_quote_texts(dedup_quotes(prepared([p for _, p in paragraphs])))
    return [(seg, p) for seg, p in paragraphs if not any(g and g in plain(p) for g in gone)]


def build_articles(texts: dict, bases: int, partial: bool, seed: int) -> list[dict]:
    rnd = random.Random(seed)
    articles = []
    for doc, segments in sorted(texts.items()):
        systems = collections.Counter(s for by_system in segments.values() for s in by_system)
        for base in [s for s, n in systems.most_common() if n >= len(segments) - 1][:bases]:
            paragraphs = base_paragraphs(segments, base)
            for k, (seg, original) in enumerate(paragraphs[1:], start=1):
                if not SENTENCE_END.search(original.strip()):
                    continue
                for system, text in sorted(segments[seg].items()):
                    if system == base or plain(text) == plain(original):
                        continue
                    repeats = [text]
                    if partial:
                        sentences = [text[a:b] for a, b in sentence_spans(text)]
                        repeats = [s for s in sentences if len(s.split()) >= 6 and plain(s) not in plain(original)] \
                            if len(sentences) >= 2 else []
                    for repeat in repeats:
                        at = min(len(paragraphs), k + 2 + rnd.randrange(3))
                        body = [p for _, p in paragraphs]
                        body.insert(at, repeat)
                        articles.append({"doc": doc, "body": body, "repeat": at, "cue": bool(CUE.search(original))})
    return articles


def fold_models(docs: list[str], folds: int, seed: int) -> dict[str, QuotePairModel]:
    """Each document's pair model, trained on the dev pairs of the other folds' documents."""
    rows = [json.loads(line) for line in train_quotes.DEFAULT_DEV.open(encoding="utf-8")]
    X = np.array([train_quotes.features_of(r["a"], r["b"]) for r in rows])
    y = np.array([r["kind"] == "positive" for r in rows])
    order = np.random.default_rng(seed).permutation(len(docs))
    fold_of = {doc: order[i] % folds for i, doc in enumerate(docs)}
    threshold = load_model().threshold
    models = {}
    for fold in range(folds):
        held = {doc for doc in docs if fold_of[doc] == fold}
        train = np.array([r["doc_a"] not in held and r["doc_b"] not in held for r in rows])
        mean, scale, w, b = train_quotes.fit(X[train], y[train])
        models[fold] = QuotePairModel(tuple(mean), tuple(scale), tuple(w), b, threshold)
    return {doc: models[fold_of[doc]] for doc in docs}


def judge(article: dict, doc: Document) -> tuple[bool, int]:
    """(repeat removed as duplicate_quote, other paragraphs that lost text as duplicate_quote)."""
    cut = duplicate_quote_texts(doc)
    repeat = plain(article["body"][article["repeat"]])
    caught = any(c and (c in repeat or repeat in c) for c in cut) and repeat not in plain(doc.body)
    wrong = sum(1 for i, p in enumerate(article["body"]) if i != article["repeat"]
                and any(c and c in plain(p) and c not in repeat for c in cut))
    return caught, wrong


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--partial", action="store_true", help="the repeat is one sentence of the other rendering")
    ap.add_argument("--bases", type=int, default=2, help="base systems per document (up to ~9; 2 runs in ~20 s)")
    ap.add_argument("--in-sample", action="store_true", help="use the shipped pair model (trained on these documents)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rule", action="append", default=[], metavar="NAME=VALUE",
                    help="override a QuoteRules threshold, e.g. --rule sentence_containment=0.5 (repeatable)")
    ap.add_argument("--quotes", type=Path, default=QUOTES, help="the quote benchmark folder")
    args = ap.parse_args()
    if not (args.quotes / "dev_pairs.jsonl").exists():
        sys.exit(f"no dev pairs in {args.quotes}: pass --quotes PATH/TO/shared/bench/quotes")

    texts = segment_texts(args.quotes)
    articles = build_articles(texts, args.bases, args.partial, args.seed)
    models = {} if args.in_sample else fold_models(sorted(texts), 5, args.seed)
    rules = QuoteRules(**{name: type(getattr(QuoteRules, name))(value)
                          for name, value in (r.split("=", 1) for r in args.rule)})
    caught = cue_caught = cues = wrong = others = 0
    wrong_docs: collections.Counter = collections.Counter()
    seconds = 0.0
    for article in articles:
        doc = prepared(article["body"])
        model = models.get(article["doc"]) or load_model()
        start = time.perf_counter()
        out = dedup_quotes(doc, rules, model)
        seconds += time.perf_counter() - start
        hit, bad = judge(article, out)
        caught += hit
        cues += article["cue"]
        cue_caught += hit and article["cue"]
        wrong += bad
        others += len(article["body"]) - 1
        wrong_docs[article["doc"]] += bad
    n = len(articles)
    kind = "one-sentence" if args.partial else "full"
    fit = "shipped model (in sample)" if args.in_sample else "out of fold by document"
    if args.rule:
        print("rules: " + ", ".join(args.rule))
    print(f"{n} synthetic articles with a {kind} repeat, {len(texts)} documents, {args.bases} base systems each; {fit}")
    print(f"repeat recall             {caught / n:.3f}  ({caught}/{n})")
    print(f"  of quotation paragraphs {cue_caught / max(1, cues):.3f}  ({cue_caught}/{cues})")
    print(f"wrong duplicate_quote     {wrong / max(1, others):.4f}  ({wrong}/{others} other paragraphs; "
          f"{sum(1 for v in wrong_docs.values() if v)} of {len(texts)} documents)")
    print(f"quote stage               {1000 * seconds / max(1, n):.2f} ms/article")


if __name__ == "__main__":
    main()
