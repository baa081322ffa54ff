#!/usr/bin/env python3
"""Cost of the snapshot run's near-duplicate index as a corpus fills with copies of a few articles.

    python bench/near_duplicate_index.py [--docs 20000] [--source ../shared/bench/extraction/dev]

Every text dump of SOURCE (default: the 72 AEB dev pages, MIT) is signed once (newsclean's MinHash
signature), and --docs records cycle through those signatures, each from its own source, through
NearDuplicateIndex on the on-disk backend (what `newsclean clean` uses): the worst case for an LSH
index, every record a near-duplicate of hundreds before it. Printed: the seconds each quarter of the
records took and how many were marked. A quarter's time should not grow with the records before it.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from newsclean.near_duplicates import DiskBackend, NearDuplicateIndex, signature

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "bench" / "extraction" / "dev")
    a = ap.parse_args()
    sigs = [signature(p.read_text(encoding="utf-8", errors="replace")) for p in sorted(a.source.glob("*.txt"))]
    index = NearDuplicateIndex(DiskBackend())
    quarter, spent, t = max(1, a.docs // 4), [], time.perf_counter()
    for i in range(a.docs):
        index.assign({"id": f"{i:016x}", "source": f"copy-{i}"}, sigs[i % len(sigs)])
        if (i + 1) % quarter == 0:
            now = time.perf_counter()
            spent.append(now - t)
            t = now
    print(f"{a.docs} records cycling {len(sigs)} signatures: seconds per quarter "
          + " ".join(f"{s:.2f}" for s in spent) + f"; marked {index.marked}")


if __name__ == "__main__":
    main()
