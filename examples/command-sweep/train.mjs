#!/usr/bin/env node
// A toy "training" program for a wepadim command sweep (see README.md here and docs/command-objective.md).
// It fits y = 3x + 1 by gradient descent with the learning rate, epochs and optimizer it is given, and
// reports through the wepadim metrics protocol: JSON lines on the file descriptor in WEPADIM_METRICS_FD
// (else on stdout after "WEPADIM_METRIC "), {"step": n, "loss": l} per epoch and {"final": {...}} at the end.
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`missing --${name}`);
  return process.argv[i + 1];
};
const lr = Number(arg('lr'));
const epochs = Number(arg('epochs'));
const opt = arg('opt');
const out = arg('out');
const stepMs = Number(process.env.STEP_MS ?? JSON.parse(process.env.WEPADIM_PARAMS ?? '{}').step_ms ?? 0);

// the same parameters arrive three ways; they must agree (in a halving sweep the epochs are the rung's budget)
const fromFile = JSON.parse(readFileSync(process.env.WEPADIM_PARAMS_FILE, 'utf8'));
const fromEnv = JSON.parse(process.env.WEPADIM_PARAMS);
const given = fromEnv.budget === undefined ? { lr, epochs, opt } : { lr, budget: epochs, opt };
for (const [k, v] of Object.entries(given)) {
  if (fromFile[k] !== v || fromEnv[k] !== v) throw new Error(`param ${k}: argv ${v}, file ${fromFile[k]}, env ${fromEnv[k]}`);
}

const fd = process.env.WEPADIM_METRICS_FD ? Number(process.env.WEPADIM_METRICS_FD) : null;
const emit = (obj) => {
  const line = JSON.stringify(obj) + '\n';
  if (fd !== null) writeSync(fd, line);
  else process.stdout.write(`WEPADIM_METRIC ${line}`);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const xs = [-1, -0.5, 0, 0.5, 1];
const loss = (w, b) => xs.reduce((s, x) => s + (w * x + b - (3 * x + 1)) ** 2, 0) / xs.length;
let w = 0;
let b = 0;
let vw = 0;
let vb = 0;
const curve = [];
for (let step = 1; step <= epochs; step++) {
  let gw = 0;
  let gb = 0;
  for (const x of xs) {
    const e = w * x + b - (3 * x + 1);
    gw += (2 * e * x) / xs.length;
    gb += (2 * e) / xs.length;
  }
  if (opt === 'momentum') {
    vw = 0.9 * vw + gw;
    vb = 0.9 * vb + gb;
    w -= lr * vw;
    b -= lr * vb;
  } else {
    w -= lr * gw;
    b -= lr * gb;
  }
  curve.push(loss(w, b));
  emit({ step, total: epochs, loss: curve[step - 1] });
  if (stepMs > 0) await sleep(stepMs);
}
writeFileSync(join(out, 'curve.json'), JSON.stringify({ lr, epochs, opt, curve }) + '\n');
emit({ final: { loss: loss(w, b), w, b } });
