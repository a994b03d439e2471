#!/usr/bin/env python3
"""The Python twin of train.mjs (documentation: the same protocol from Python; CI runs the Node one).

Fits y = 3x + 1 by gradient descent and reports JSON lines on the file descriptor in WEPADIM_METRICS_FD
(else on stdout after "WEPADIM_METRIC "): {"step": n, "loss": l} per epoch, {"final": {...}} at the end.
Run it with: command: [python3, train.py, --lr, "{lr}", --epochs, "{epochs}", --opt, "{opt}", --out, "{artifacts}"]
"""
import argparse, json, os, time

p = argparse.ArgumentParser()
p.add_argument("--lr", type=float, required=True)
p.add_argument("--epochs", type=int, required=True)
p.add_argument("--opt", choices=["sgd", "momentum"], required=True)
p.add_argument("--out", required=True)
a = p.parse_args()
params = json.load(open(os.environ["WEPADIM_PARAMS_FILE"]))  # also in os.environ["WEPADIM_PARAMS"]
step_ms = float(params.get("step_ms", 0))

fd = os.environ.get("WEPADIM_METRICS_FD")
out = os.fdopen(int(fd), "w", buffering=1) if fd else None

def emit(obj):
    line = json.dumps(obj)
    if out: out.write(line + "\n")
    else: print("WEPADIM_METRIC " + line, flush=True)

xs = [-1, -0.5, 0, 0.5, 1]
loss = lambda w, b: sum((w * x + b - (3 * x + 1)) ** 2 for x in xs) / len(xs)
w = b = vw = vb = 0.0
curve = []
for step in range(1, a.epochs + 1):
    gw = sum(2 * (w * x + b - (3 * x + 1)) * x for x in xs) / len(xs)
    gb = sum(2 * (w * x + b - (3 * x + 1)) for x in xs) / len(xs)
    if a.opt == "momentum":
        vw, vb = 0.9 * vw + gw, 0.9 * vb + gb
        w, b = w - a.lr * vw, b - a.lr * vb
    else:
        w, b = w - a.lr * gw, b - a.lr * gb
    curve.append(loss(w, b))
    emit({"step": step, "total": a.epochs, "loss": curve[-1]})
    time.sleep(step_ms / 1000)
json.dump({"lr": a.lr, "epochs": a.epochs, "opt": a.opt, "curve": curve}, open(os.path.join(a.out, "curve.json"), "w"))
emit({"final": {"loss": loss(w, b), "w": w, "b": b}})
