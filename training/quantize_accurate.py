#!/usr/bin/env python
"""Int8 weights for the accurate model's most robust MatMuls (the last step of its recipe).

onnxruntime's dynamic quantisation (``quantize_dynamic``: int8 weights per output
channel, activations quantised on every call with one scale per tensor) makes a MatMul
~2x faster on this CPU (AVX-512 VNNI), but quantising every MatMul cost 1.0 dev F1 (per
channel; 2.4 per tensor). Measured one group at a time on SciERC dev (fp16 model 64.98):
attention Q/K/V -0.28, attention output -0.08, classifier -0.08, FFN in -0.60, FFN out
-0.51 (all layers); FFN in+out of one layer: layer 0 -0.97, 1 -0.52, 2 -0.24, 3 +0.04,
4 -0.08, 5 -0.04. The FFN of the lower layers reads GELU outputs whose outliers one
per-call scale handles badly, and their error travels up the stack, so only the
attention projections, the classifier and the FFN of the top two layers become int8
(together: dev 64.82 without, 64.62-64.9 with int8 embedding storage, see README); the
FFN of layers 0-3 keeps fp16 storage with fp32 compute, exactly as before. The
embedding tables are stored as int8 too (storage only: rows are dequantised after the
lookup). Adding the FFN of layer 3 cost 0.56 (over the 0.5 limit), so it is not used.

Steps: fp16-stored weights are unfolded to exact fp32, the chosen MatMuls are
quantised, the remaining big fp32 weights go back to fp16 storage, the result is scored
on dev through the spaCy component, and it replaces the model only when it costs less
than ``max_int8_f1_drop`` F1; ``config.json`` records the scores and the quantised nodes.
Inference needs only onnxruntime (the quantised operators are standard ONNX/ORT ones);
this script needs the training extra (``onnx``; ``torch`` through train_accurate's
scorer).

Usage (after ``train_accurate.py``, which ships the fp16 model it quantises)::

    python training/quantize_accurate.py [--model kgraph/models/accurate] [--source DIR] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

from train_accurate import REPO, fp16_weights, load_split, spacy_eval, strict_prf

#: Name fragments of the MatMuls stored as int8 (MiniLM/BERT export names).
INT8_GROUPS: dict[str, tuple[str, ...]] = {
    "attention Q/K/V": ("/attention/self/query/", "/attention/self/key/", "/attention/self/value/"),
    "attention output": ("/attention/output/dense/",),
    "FFN of layers 4-5": ("/layer.4/intermediate/dense/", "/layer.4/output/dense/",
                          "/layer.5/intermediate/dense/", "/layer.5/output/dense/"),
    "classifier": ("/classifier/",),
}


def unfold_fp16(model: onnx.ModelProto) -> onnx.ModelProto:
    """Replace every ``Cast(fp16 initializer -> fp32)`` by the fp32 initializer (exact).

    The quantiser only sees weights that feed a MatMul directly, not through a Cast.
    """
    inits = {i.name: i for i in model.graph.initializer}
    kept = []
    for node in model.graph.node:
        source = inits.get(node.input[0]) if node.op_type == "Cast" and node.input else None
        if source is not None and source.data_type == TensorProto.FLOAT16:
            weights = numpy_helper.to_array(source).astype(np.float32)
            model.graph.initializer.remove(source)
            model.graph.initializer.append(numpy_helper.from_array(weights, node.output[0]))
        else:
            kept.append(node)
    del model.graph.node[:]
    model.graph.node.extend(kept)
    return model


def int8_nodes(model: onnx.ModelProto, groups: dict[str, tuple[str, ...]] = INT8_GROUPS) -> list[str]:
    """Names of the MatMuls with a constant weight whose name matches one of ``groups``."""
    inits = {i.name for i in model.graph.initializer}
    fragments = [f for frags in groups.values() for f in frags]
    return [n.name for n in model.graph.node
            if n.op_type == "MatMul" and n.input[1] in inits and any(f in n.name for f in fragments)]


def quantize_model(src: Path, dst: Path) -> list[str]:
    """Write ``dst`` (model.onnx): ``src``'s model with the :data:`INT8_GROUPS` MatMuls and
    the embedding tables in int8.

    Returns the names of the quantised MatMuls.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = unfold_fp16(onnx.load(str(src)))
    nodes = int8_nodes(model)
    every = [n.name for n in model.graph.node if n.op_type == "MatMul"]
    with tempfile.TemporaryDirectory() as tmp:
        fp32, int8 = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        onnx.save(model, str(fp32))
        logging.disable(logging.INFO)  # the quantiser logs one line per node
        quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul", "Gather"],
                         nodes_to_exclude=[n for n in every if n not in nodes],
                         extra_options={"MatMulConstBOnly": True})
        logging.disable(logging.NOTSET)
        fp16_weights(int8, dst)  # FFN of layers 0-3 back to fp16 storage (lossless: they were fp16)
    return nodes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=REPO / "kgraph" / "models" / "accurate", help="model folder to update")
    ap.add_argument("--source", type=Path, default=None,
                    help="folder of the fp16/fp32 model to quantise (default: --model, which must not be quantised yet)")
    ap.add_argument("--data", type=Path, default=(REPO / "../shared/data/scierc").resolve())
    ap.add_argument("--max-drop", type=float, default=None, help="largest dev F1 loss accepted (default: accurate.json)")
    args = ap.parse_args(argv)
    recipe = json.loads((REPO / "training" / "accurate.json").read_text())
    max_drop = args.max_drop if args.max_drop is not None else float(recipe.get("max_int8_f1_drop", 0.5))
    source = args.source or args.model
    meta = json.loads((source / "config.json").read_text())
    if "int8" in meta:
        raise SystemExit(f"{source} is already quantised; pass --source with the fp16 model "
                         "(train_accurate.py leaves it in --work, default /tmp/kgraph_accurate/fp16)")

    dev_docs = load_split(args.data / "dev.jsonl", __import__("spacy").blank("en"))
    pred, _ = spacy_eval(source, args.data / "dev.jsonl", dev_docs)
    before = strict_prf(dev_docs, pred)
    with tempfile.TemporaryDirectory() as tmp:
        cand = Path(tmp)
        nodes = quantize_model(source / "model.onnx", cand / "model.onnx")
        shutil.copy(source / "tokenizer.json", cand / "tokenizer.json")
        (cand / "config.json").write_text(json.dumps(meta))
        pred, _ = spacy_eval(cand, args.data / "dev.jsonl", dev_docs)
        after = strict_prf(dev_docs, pred)
        drop = before["f1"] - after["f1"]
        size = (cand / "model.onnx").stat().st_size / 1e6
        print(f"dev strict F1 {before['f1']:.2f} -> {after['f1']:.2f} with {len(nodes)} int8 MatMuls ({size:.1f} MB)")
        if drop >= max_drop:
            print(f"not shipped: costs {drop:.2f} F1 (limit {max_drop})")
            return 1
        meta.update({
            "dev_strict_f1": after["f1"],
            "dev_spacy": after,
            "weights": "int8 (dynamic, per channel): attention projections, FFN of layers 4-5, classifier; "
                       "int8 embedding storage; fp16 storage with fp32 compute elsewhere",
            "int8": {"groups": list(INT8_GROUPS), "nodes": nodes, "dev_f1_before": before["f1"],
                     "dev_f1_after": after["f1"], "recipe": "training/quantize_accurate.py"},
        })
        args.model.mkdir(parents=True, exist_ok=True)
        shutil.copy(cand / "model.onnx", args.model / "model.onnx")
        if source != args.model:
            shutil.copy(source / "tokenizer.json", args.model / "tokenizer.json")
        (args.model / "config.json").write_text(json.dumps(meta, indent=2))
    print(f"shipped to {args.model}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
