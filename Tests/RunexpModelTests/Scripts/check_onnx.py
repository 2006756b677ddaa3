"""Runs a runexp model.onnx with onnxruntime on a CSV and compares it with `runexp predict --proba`.

    python check_onnx.py MODEL_DIR DATA.csv PREDICTIONS.csv

Checks the model with onnx.checker (full check), feeds the CSV's feature columns as model.json
lists them (numbers as float32 with NaN for an empty cell, categories as strings), and prints one
JSON line: rows, rows whose label equals runexp's, and the largest absolute difference of a class
probability (classification) or of a prediction (regression).
"""
import csv
import json
import sys

import numpy as np
import onnx
import onnxruntime

model_dir, data, predictions = sys.argv[1:4]
model = onnx.load(f"{model_dir}/model.onnx")
onnx.checker.check_model(model, full_check=True)
description = json.load(open(f"{model_dir}/model.json"))
rows = list(csv.DictReader(open(data, newline="")))
numeric = [f["name"] for f in description["features"] if f["type"] == "numeric"]
categorical = [f["name"] for f in description["features"] if f["type"] == "categorical"]
feeds = {}
if numeric:
    feeds["features"] = np.array([[float(r[c]) if r[c] != "" else np.nan for c in numeric] for r in rows], dtype=np.float32)
for name in categorical:
    feeds[name] = np.array([[r[name]] for r in rows], dtype=object)
session = onnxruntime.InferenceSession(f"{model_dir}/model.onnx", providers=["CPUExecutionProvider"])
outputs = dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds)))
ours = list(csv.DictReader(open(predictions, newline="")))
result = {"rows": len(rows), "onnxruntime": onnxruntime.__version__}
if "label" in outputs:
    labels = [x.decode() if isinstance(x, bytes) else str(x) for x in outputs["label"]]
    result["labels_equal"] = sum(a == b["prediction"] for a, b in zip(labels, ours))
    theirs = np.array([[float(r[f"probability_{c}"]) for c in description["classes"]] for r in ours])
    result["max_difference"] = float(np.max(np.abs(theirs - outputs["probabilities"])))
else:
    theirs = np.array([float(r["prediction"]) for r in ours])
    result["labels_equal"] = len(rows)
    result["max_difference"] = float(np.max(np.abs(theirs - outputs["prediction"][:, 0])))
print(json.dumps(result))
