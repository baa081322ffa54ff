#!/usr/bin/env python3
"""Article-body extraction benchmark: newsclean beside trafilatura and jusText, in one run.

    python bench/extraction.py [CASES_DIR] [--out bench/out/extraction] [--only newsclean-text,...]

CASES_DIR (default ../shared/bench/extraction/dev) holds <id>.txt (full-page text dump),
<id>.html (raw page) and <id>.json (ground-truth body). Each system writes a predictions file
{"id", "text"} into --out, which ../shared/bench/score_extraction.py scores (headline macro F1
over 4-token shingles). Systems:

  newsclean-text   the text dump through the whole newsclean pipeline (what most users have)
  newsclean-html   the HTML page through newsclean (trafilatura, then newsclean's cleaning)
  newsclean-text-corpus  as newsclean-text, with the corpus pre-pass over all the folder's dumps
  keep-all-text    the text dump unchanged (the floor)
  justext-text     jusText on the text dump wrapped as <p> blocks
  trafilatura-html trafilatura on the HTML, default settings
  justext-html     jusText on the HTML

ms/page is wall time of the system alone, per page, in this process.
"""
from __future__ import annotations

import argparse
import html as htmlmod
import json
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
DEFAULT_CASES = SHARED / "extraction" / "dev"


def newsclean_system(kind: str):
    from newsclean.pipeline import clean_document

    def run(case: Path) -> str:
        path = case.with_suffix(".txt" if kind == "text" else ".html")
        return clean_document(path.read_bytes(), path.name).body
    return run


def newsclean_with_corpus(case: Path) -> str:
    """The text dump through newsclean with the corpus pre-pass over all the cases' dumps (what
    `newsclean clean FOLDER` does): lines repeated across pages count as furniture."""
    from newsclean.pipeline import clean_document

    path = case.with_suffix(".txt")
    return clean_document(path.read_bytes(), path.name, corpus=_corpus_of(case.parent)).body


@lru_cache(maxsize=4)
def _corpus_of(folder: Path):
    """The corpus pre-pass over a folder's text dumps, once per folder."""
    from newsclean.corpus import CorpusLines

    return CorpusLines.from_files([(str(f), f.name) for f in sorted(folder.glob("*.txt"))])


def keep_all(case: Path) -> str:
    return case.with_suffix(".txt").read_text(encoding="utf-8")


def _justext(html: str, lang_guess: str) -> str:
    import justext

    stop = justext.get_stoplist("English") if lang_guess == "en" else frozenset()
    paras = justext.justext(html.encode("utf-8"), stop)
    return "\n\n".join(p.text for p in paras if not p.is_boilerplate)


def justext_text(case: Path) -> str:
    blocks = case.with_suffix(".txt").read_text(encoding="utf-8").split("\n")
    wrapped = "<html><body>" + "".join(f"<p>{htmlmod.escape(b)}</p>" for b in blocks if b.strip()) + "</body></html>"
    return _justext(wrapped, json.loads(case.with_suffix(".json").read_text())["lang_guess"])


def justext_html(case: Path) -> str:
    return _justext(case.with_suffix(".html").read_text(encoding="utf-8"),
                    json.loads(case.with_suffix(".json").read_text())["lang_guess"])


def trafilatura_html(case: Path) -> str:
    import trafilatura

    return trafilatura.extract(case.with_suffix(".html").read_text(encoding="utf-8"), deduplicate=False) or ""


SYSTEMS = {
    "newsclean-text": newsclean_system("text"),
    "newsclean-html": newsclean_system("html"),
    "newsclean-text-corpus": newsclean_with_corpus,
    "keep-all-text": keep_all,
    "justext-text": justext_text,
    "trafilatura-html": trafilatura_html,
    "justext-html": justext_html,
}


def score(cases_dir: Path, pred: Path) -> dict:
    summary = pred.with_suffix(".summary.json")
    per_case = pred.with_suffix(".cases.jsonl")
    subprocess.run([sys.executable, str(SHARED / "score_extraction.py"), str(cases_dir), str(pred),
                    "--json", str(summary), "--per-case", str(per_case), "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    return json.loads(summary.read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cases_dir", nargs="?", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "extraction")
    ap.add_argument("--only", help="comma-separated system names")
    a = ap.parse_args()
    cases = sorted(p for p in a.cases_dir.glob("*.json") if p.name != "manifest.json")
    names = a.only.split(",") if a.only else list(SYSTEMS)
    a.out.mkdir(parents=True, exist_ok=True)
    print(f"{len(cases)} cases in {a.cases_dir}")
    print(f"{'system':18s} {'F1':>6s} {'±':>5s} {'P':>6s} {'R':>6s} {'ms/page':>8s}")
    for name in names:
        system = SYSTEMS[name]
        system(cases[0])  # warm-up: imports and lazy models are not a page's cost
        pred = a.out / f"{name}.jsonl"
        elapsed = 0.0
        with pred.open("w", encoding="utf-8") as fh:
            for case in cases:
                t = time.perf_counter()
                try:
                    text = system(case)
                except Exception as exc:  # a failing page scores 0, the run goes on
                    print(f"  {name} failed on {case.stem[:12]}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    text = ""
                elapsed += time.perf_counter() - t
                fh.write(json.dumps({"id": case.stem, "text": text}, ensure_ascii=False) + "\n")
        s = score(a.cases_dir, pred)
        sh = s.get("shingle4", s)
        print(f"{name:18s} {sh['f1']:6.3f} {sh.get('f1_std', 0):5.3f} {sh['precision']:6.3f} {sh['recall']:6.3f} "
              f"{1000 * elapsed / len(cases):8.1f}")


if __name__ == "__main__":
    main()
