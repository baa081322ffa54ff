"""Every regex of the package is linear-time on hostile input (issue 12, item 5).

The probe (tests/regex_safety_probe.py) runs every compiled pattern the package holds against
lines built to make backtracking patterns blow up: 100,000-character runs of digits, punctuation,
spaces, brackets, URLs, Markdown link and image syntax, and short lines of one word repeated with
a failing tail. It runs in a child process so a pattern that hangs is killed, not waited for.
"""
import subprocess
import sys
import time
from pathlib import Path

from newsclean.pipeline import clean_document

PROBE = Path(__file__).with_name("regex_safety_probe.py")
#: seconds one pattern may take on one 100k-character line (linear patterns take milliseconds)
BOUND = 0.5


#: child processes sharing the patterns (the probe is CPU-bound: one per core of a 2-core CI machine)
SHARDS = 2


def test_every_pattern_is_fast_on_adversarial_lines():
    procs = [subprocess.Popen([sys.executable, str(PROBE), str(BOUND), str(k), str(SHARDS)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for k in range(SHARDS)]
    found = 0
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-2000:]
        slow = [line for line in out.splitlines() if line.startswith("SLOW")]
        assert not slow, "\n".join(slow)
        done = out.strip().splitlines()[-1]
        assert done.startswith("done"), done
        found += int(done.split()[1])
    assert found >= 100, found  # every pattern was found, each in one shard


def test_a_page_of_share_buttons_is_cleaned_in_time():
    """The Markdown page that took 70 s: a share bar repeated with a tail that does not match."""
    lines = ["# A headline", "", "Body text of the article goes on for a while here, as articles do."]
    lines += ["[Share](https://x.com/s) " * 3 + "share " * 30 + "zz", "", "google+ " * 40 + "!?"] * 20
    started = time.perf_counter()
    doc = clean_document("\n\n".join(lines).encode(), "page.md")
    assert time.perf_counter() - started < 10
    assert "Body text of the article" in doc.body
