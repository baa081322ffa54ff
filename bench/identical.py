#!/usr/bin/env python3
"""Same output before and after a speed change: clean the shared pages with another commit and with
this checkout, and compare every document field by field.

    python bench/identical.py REV [--every N] [--styles txt,md,html.gz]

REV is checked out in a temporary git worktree (removed afterwards). Pages: the WCXB dev pages
(CC-BY-4.0) and the AEB dev pages (MIT), read in place from ../shared/bench, every N-th of each kind.
Each page goes through ``clean_document`` in a child process per tree (same interpreter, each tree's
own package and models), and the texts, metadata, removals, flags and language are compared (scores to 9 decimals).
Prints the pages compared, the pages that differ (with the first differing field) and each tree's
time per page. Exit 1 when any page differs. Use it for a change that claims to change no output;
a change of a model or a rule is expected to differ.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from newsclean.pipeline import clean_document
out, elapsed = [], 0.0
for path in sys.argv[2:]:
    raw = Path(path).read_bytes()
    name = Path(path).name[:-3] if path.endswith(".gz") else Path(path).name
    if path.endswith(".gz"):
        import gzip
        raw = gzip.decompress(raw)
    t = time.perf_counter()
    try:
        d = clean_document(raw, name)
        rec = {"text": d.body, "language": d.language, "metadata": d.metadata.__dict__,
               "removed": [r.__dict__ for r in d.removed], "flags": [f.__dict__ for f in d.flags]}
    except Exception as exc:
        rec = {"error": f"{type(exc).__name__}: {exc}"}
    elapsed += time.perf_counter() - t
    out.append(rec)
print(json.dumps({"elapsed": elapsed, "records": out}, default=str))
"""


def clean_with(tree: Path, files: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(tree), *files], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _rounded(value, digits: int = 9):
    """Floats to 9 decimals: a score summed in another order differs in its 16th digit, which is
    no change of output (a flag's span and reasons are compared exactly)."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    return value


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__)
    ap.add_argument("rev", help="the commit to compare with (e.g. HEAD~1)")
    ap.add_argument("--every", type=int, default=1, help="take every N-th page of each kind")
    ap.add_argument("--styles", default="txt,md", help="dump kinds: txt, md, html.gz")
    a = ap.parse_args()
    files = []
    for folder in (SHARED / "wcxb" / "dev", SHARED / "extraction" / "dev"):
        for style in a.styles.split(","):
            files += [str(p) for p in sorted(folder.glob(f"*.{style}"))][::a.every]
    with tempfile.TemporaryDirectory() as tmp:
        worktree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree), a.rev],
                       check=True, capture_output=True)
        try:
            before = clean_with(worktree, files)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], capture_output=True)
    after = clean_with(ROOT, files)
    differ = 0
    for path, x, y in zip(files, map(_rounded, before["records"]), map(_rounded, after["records"])):
        if x != y:
            differ += 1
            field = next((k for k in sorted(set(x) | set(y)) if x.get(k) != y.get(k)), "?")
            print(f"  differs: {Path(path).name} ({field})")
    n = len(files)
    print(f"pages {n}, differ {differ}; ms/page {a.rev}: {1000 * before['elapsed'] / n:.1f}, "
          f"this checkout: {1000 * after['elapsed'] / n:.1f}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
