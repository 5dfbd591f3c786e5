"""One ONNX graph from a PyTorch sentence encoder: the export settings both export scripts use.

The graph takes input_ids and attention_mask (int64 [batch, tokens], both axes dynamic) and
returns the finished sentence vectors (float32 [batch, dim]), which is what
index.encoder.Encoder feeds and reads. The TorchScript exporter (dynamo=False) and opset 17
are what made the shipped model's bytes; the export is reproducible with them.
"""

from __future__ import annotations

from pathlib import Path

import torch

OPSET = 17


def export_graph(
    module: torch.nn.Module, ids: torch.Tensor, mask: torch.Tensor, path: Path
) -> None:
    """Trace `module(ids, mask)` into one self-contained ONNX file at `path`."""
    with torch.no_grad():
        torch.onnx.export(
            module.eval(),
            (ids, mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
            external_data=False,
        )
