#!/usr/bin/env python3
"""Garble benchmark: score every sentence with newsclean's own detector and grade it.

    python bench/garble.py [GOLD.jsonl] --pred OUT.jsonl

GOLD (default ../shared/bench/garble/dev.jsonl) is any file of that format: one JSON object per
line with at least "id" and "text". Each text goes through newsclean.garble.score_sentences, the
scorer the pipeline itself uses (fluency model + precise rules); OUT gets {"id", "score",
"flagged"} lines, ../shared/bench/score_garble.py grades them (ROC-AUC, average precision,
flagged precision/recall, overall and per source), and the time per sentence is printed.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "bench"


def main() -> None:
    from newsclean.garble import LM_COUNTS, GarbleRules, score_sentences

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold", nargs="?", type=Path, default=SHARED / "garble" / "dev.jsonl")
    ap.add_argument("--pred", type=Path, default=ROOT / "bench" / "out" / "garble.jsonl")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--garble", choices=("lm", "fast"), default=GarbleRules().mode,
                    help="the detector's mode (default: the pipeline's default)")
    a = ap.parse_args()
    rules = GarbleRules(mode=a.garble)
    rows = [json.loads(line) for line in a.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    score_sentences([rows[0]["text"]], rules)  # warm-up: model load is not a sentence's cost
    LM_COUNTS.clear()
    started = time.perf_counter()
    scored = []
    for i in range(0, len(rows), a.batch):
        scored += score_sentences([r["text"] for r in rows[i:i + a.batch]], rules)
    elapsed = time.perf_counter() - started
    a.pred.parent.mkdir(parents=True, exist_ok=True)
    with a.pred.open("w", encoding="utf-8") as fh:
        for r, (score, reasons) in zip(rows, scored):
            fh.write(json.dumps({"id": r["id"], "score": round(score, 6), "flagged": bool(reasons),
                                 "reasons": reasons}) + "\n")
    print(f"{len(rows)} sentences scored in {elapsed:.2f} s: {1000 * elapsed / len(rows):.3f} ms per sentence; "
          f"predictions in {a.pred}")
    sys.stdout.flush()
    if a.gold.resolve() == (SHARED / "garble" / "dev.jsonl").resolve():
        print("note: the shipped fluency model was trained on this file, so these figures are in-sample; "
              "`python bench/train_garble.py` prints the cross-validated (held-out-like) ones")
    if "label" in rows[0]:
        subprocess.run([sys.executable, str(SHARED / "score_garble.py"), str(a.gold), str(a.pred)], check=True)


if __name__ == "__main__":
    main()
