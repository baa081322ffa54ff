"""The LM garble mode (issue 15): SmolLM2's surprisal on the sentences the fast model cannot clear,
a flag pointed at the garbled word where the LM can, and the same flags on every run."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from conftest import RAW, load_jsonl
from newsclean.cli import app
from newsclean.garble import LM_COUNTS, GarbleRules, score_sentences
from newsclean.surprisal import surprisals

runner = CliRunner()
LM = GarbleRules(mode="lm")


def test_the_lm_finds_a_shuffled_sentence_less_fluent_and_points_at_a_mangled_name():
    fluent = "The peace agreement was signed by the ministers of both countries on Tuesday."
    shuffled = "Tuesday ministers the of signed agreement both was peace countries by the on."
    mangled = "The Russo-Dalal peace agreement was signed by the ministers of both countries on Tuesday."
    a, b, c = surprisals([fluent, shuffled, mangled])
    assert a.lm_mean > b.lm_mean + 2 and a.slor > b.slor
    assert c.slor < a.slor
    s, e, _ = c.worst_word
    assert "Dalal" in mangled[s:e] or "Russo" in mangled[s:e]


def test_the_lm_mode_separates_shuffled_from_fluent_sentences_better_than_the_fast_one():
    import random

    fluent = ["The council approved the budget on Tuesday after a long debate about the schools.",
              "Police said the driver was taken to hospital with minor injuries after the crash.",
              "The company reported higher profits for the third quarter as sales rose in Asia.",
              "Voters in the city will choose a new mayor next month, officials said on Monday.",
              "The minister told reporters that the talks would continue later this week."]
    shuffled = []
    for s in fluent:
        words = s.rstrip(".").split()
        random.Random(1).shuffle(words)
        shuffled.append(" ".join(words) + ".")

    def gap(rules):
        scores = [p for p, _ in score_sentences(fluent + shuffled, rules)]
        return min(scores[len(fluent):]) - max(scores[:len(fluent)]), \
            sum(scores[len(fluent):]) / len(fluent) - sum(scores[:len(fluent)]) / len(fluent)

    (lm_worst, lm_mean), (fast_worst, fast_mean) = gap(LM), gap(GarbleRules())
    assert lm_worst > 0 and lm_worst > fast_worst  # every shuffled sentence above every fluent one
    assert lm_mean > fast_mean + 0.2


def test_scores_are_the_same_in_every_run_and_batch():
    rows = [json.loads(line) for line in open(RAW.parent.parent / "shared" / "bench" / "garble" / "dev.jsonl")][:6] \
        if (RAW.parent.parent / "shared").exists() else []
    texts = [r["text"] for r in rows] or ["One sentence that is fine and ends well.", "An other one the the more."]
    one = score_sentences(texts, LM)
    again = score_sentences(texts[::-1], LM)[::-1]
    assert one == again


def test_lm_mode_through_the_cli_flags_the_sample_passages(tmp_path):
    out = tmp_path / "out"
    LM_COUNTS.clear()
    result = runner.invoke(app, ["clean", str(RAW), "--out", str(out), "-q", "--garble", "lm"])
    assert result.exit_code == 0, result.output
    records = load_jsonl(out / "documents.jsonl")
    flags = [f for r in records for f in r["flags"] if f["kind"] == "garbled"]
    assert flags and all(r["text"][f["start"]:f["end"]] == f["text"] for r in records for f in r["flags"])
    assert 0 < LM_COUNTS["scored_by_lm"] < LM_COUNTS["sentences"]  # the gate let only some through
    fast = runner.invoke(app, ["clean", str(RAW), "--out", str(tmp_path / "fast"), "-q"])
    assert fast.exit_code == 0
    fast_flags = [f for r in load_jsonl(tmp_path / "fast" / "documents.jsonl") for f in r["flags"] if f["kind"] == "garbled"]
    assert {(f["start"], f["end"]) for f in fast_flags if set(f["reasons"]) - {"low_fluency"}} <= \
        {(f["start"], f["end"]) for f in flags}  # the precise rules flag the same spans in both modes
    bad = runner.invoke(app, ["clean", str(RAW), "--out", str(tmp_path / "x"), "-q", "--garble", "slow"])
    assert bad.exit_code == 2


def test_a_flag_through_lm_surprisal_points_at_the_mangled_compound(monkeypatch):
    """At the shipped threshold few test sentences reach an lm_surprisal flag; with the bar and the
    gate lowered, the flag fires through the LM path and covers the word the LM finds least fluent,
    not the whole sentence, and the reason names the LM."""
    from dataclasses import replace

    from newsclean import surprisal
    from newsclean.pipeline import PipelineConfig, clean_document
    from test_block_model import ARTICLE

    lm = surprisal.load_model()
    monkeypatch.setattr(lm, "threshold", 1e-6)
    monkeypatch.setattr(lm, "gate", 1e-6)
    mangled = "The Brexovian-Tallardine trade accord was signed by the ministers of both countries on Tuesday."
    page = ("\n\n".join(ARTICLE[:1] + [mangled]) + "\n").encode()
    doc = clean_document(page, "lm.txt", replace(PipelineConfig(), garble=replace(LM, threshold=1e-6)))
    [flag] = [f for f in doc.flags if f.kind == "garbled" and f.start >= doc.body.index(mangled)]
    assert "lm_surprisal" in flag.reasons
    assert doc.body[flag.start:flag.end] == flag.text == "Brexovian-Tallardine"


def test_the_model_is_converted_once_into_the_cache_and_old_entries_go(tmp_path):
    """A fresh cache: prepare() converts the GGUF into a CTranslate2 model (renamed into place whole),
    removes what earlier versions left there, and a second process finds it instead of converting."""
    import os
    import subprocess
    import sys

    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "smollm2-135m-0123456789ab.npz").write_bytes(b"an earlier version's float16 arrays")
    (cache / "unrelated.txt").write_text("not ours")
    env = {**os.environ, "NEWSCLEAN_CACHE": str(cache)}
    code = ("from newsclean import lm; d = lm.prepare(); m = lm.SmolLM(d); "
            "[s] = m.score(['The council met on Tuesday.']); "
            "print(d, len(s.ids), round(float(s.logprobs.mean()), 6))")
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    model_dir = first.stdout.split()[0]
    made = os.stat(os.path.join(model_dir, "model.bin")).st_mtime_ns
    assert sorted(p.name for p in cache.iterdir()) == sorted([os.path.basename(model_dir), "unrelated.txt"])
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout  # same directory, same numbers
    assert os.stat(os.path.join(model_dir, "model.bin")).st_mtime_ns == made  # not converted again


def test_the_hidden_state_readout_is_a_function_of_the_hidden_state():
    """hidden_state_map reads a hidden state back from logits made by the tied head (G E = I), and
    the shipped readout over the vocabulary is such a folded hidden-state weight vector: it comes
    back unchanged through E then G (a vector over the vocabulary outside E's span would not)."""
    import numpy as np

    from newsclean.lm import embeddings, hidden_state_map
    from newsclean.surprisal import load_model

    E, G = embeddings(), hidden_state_map()
    h = np.random.default_rng(0).normal(size=E.shape[1]).astype(np.float32)
    assert np.allclose(G @ (E @ h), h, atol=1e-3 * np.abs(h).max())
    readout = load_model().readout
    assert readout.shape == (1, E.shape[0])
    back = (readout @ E) @ G
    assert np.abs(back - readout).max() <= 1e-3 * np.abs(readout).max()
    noise = np.random.default_rng(1).normal(size=readout.shape).astype(np.float32)
    assert np.abs((noise @ E) @ G - noise).max() > 0.1 * np.abs(noise).max()
