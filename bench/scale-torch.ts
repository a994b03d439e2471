/**
 * The "original code" row of the scale benchmark: one grid point (haar J1, LL+LH+HL, sigma 4, cov_reg 0.01) on the
 * profile's largest class (hazelnut, 391 train / 110 test), timed phase by phase with PyTorch CPU
 * (bench/scale_torch_point.py, like bench/torch_backbone.py), then extrapolated to the whole Phase-1 grid (216 points x
 * 15 classes; the original recomputes everything per point and class) with each phase's cost law:
 *   decode+resize, backbone, DWT ~ images (N + T); covariance ~ N D^2 P; inversion ~ D^3 P; distances ~ T D^2 P;
 *   smoothing ~ T k^2 (their k x k conv, k = 2 floor(4 sigma + 0.5) + 1); metrics ~ T.
 * (D, P) per point: D = m x 448 channels (m = 3 or 4 bands at J1, 5 or 7 at J2), P = 7x7 / 4x4 (haar J1/J2) or
 * 10x10 / 8x8 (db4, sym4 in zero mode, aligned down to layer3's grid).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MVTEC_PROFILE } from '../worker/data/index.js';
import type { RunReport } from './scale-report.js';

interface PointTiming {
  n_train: number;
  n_test: number;
  D: number;
  P: number;
  phases_s: Record<string, number>;
  phases_cpu_s: Record<string, number>;
  image_auroc: number;
  pixel_auroc: number;
  torch: string;
}

const GRID = (() => {
  const out: { D: number; P: number; k: number }[] = [];
  for (const wavelet of ['haar', 'db4', 'sym4']) {
    for (const level of [1, 2]) {
      for (const bands of [3, 3, 3, 4]) {
        const m = level === 1 ? bands : bands === 4 ? 7 : 5;
        const side = wavelet === 'haar' ? (level === 1 ? 7 : 4) : level === 1 ? 10 : 8;
        for (const sigma of [2, 4, 6])
          for (let c = 0; c < 3; c++) out.push({ D: m * 448, P: side * side, k: 2 * Math.floor(4 * sigma + 0.5) + 1 });
      }
    }
  }
  return out;
})();

/** Seconds the original would spend on the whole grid, per phase, from one measured point (CPU-seconds by default). */
export function extrapolate(t: PointTiming, measured: Record<string, number> = t.phases_cpu_s): Record<string, number> {
  const k0 = 33;
  const out: Record<string, number> = {};
  for (const c of MVTEC_PROFILE.classes) {
    const N = c.train;
    const Tn = c.good + c.defects.reduce((a, d) => a + d[1], 0);
    const imgs = (N + Tn) / (t.n_train + t.n_test);
    for (const g of GRID) {
      const law: Record<string, number> = {
        load: imgs,
        backbone: imgs,
        dwt: imgs,
        covariance: (N * g.D * g.D * g.P) / (t.n_train * t.D * t.D * t.P),
        inversion: (g.D ** 3 * g.P) / (t.D ** 3 * t.P),
        distance: (Tn * g.D * g.D * g.P) / (t.n_test * t.D * t.D * t.P),
        smoothing: (Tn * g.k * g.k) / (t.n_test * k0 * k0),
        metrics: Tn / t.n_test,
      };
      for (const [ph, s] of Object.entries(measured)) out[ph] = (out[ph] ?? 0) + s * (law[ph] ?? imgs);
    }
  }
  return out;
}

export async function torchBaseline(
  root: string,
  ensure: (classes: string[]) => Promise<void>,
  phase1: RunReport | null,
): Promise<string[]> {
  const py = '/usr/bin/python3';
  const probe = spawnSync(py, ['-c', 'import torch, torchvision, pywt, sklearn, PIL, numpy']);
  if (!existsSync(py) || probe.status !== 0) {
    return [
      '- **torch**: skipped (needs /usr/bin/python3 with torch, torchvision, pywt, sklearn, PIL: apt-get install python3-torch python3-torchvision python3-pywt python3-sklearn)',
    ];
  }
  await ensure(['hazelnut']);
  const script = fileURLToPath(new URL('./scale_torch_point.py', import.meta.url));
  const t0 = performance.now();
  const out = execFileSync(py, [script, root, 'hazelnut', '2'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const wall = (performance.now() - t0) / 1000;
  const t = JSON.parse(out.trim().split('\n').pop() as string) as PointTiming;
  const phases = Object.entries(t.phases_cpu_s)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
  const ex = extrapolate(t);
  const total = Object.values(ex).reduce((a, b) => a + b, 0);
  const pointCpu = Object.values(t.phases_cpu_s).reduce((a, b) => a + b, 0);
  const lines = [
    `- **torch** (the original pipeline, PyTorch ${t.torch} CPU, 2 threads): one grid point (haar J1, LL+LH+HL, sigma 4, cov 0.01) on hazelnut ` +
      `(${t.n_train} train / ${t.n_test} test, D ${t.D}, P ${t.P}): ${wall.toFixed(1)} s wall, ${pointCpu.toFixed(1)} CPU-s; CPU-s by phase: ${phases}; image AUROC ${t.image_auroc.toFixed(3)}`,
    `   extrapolated to phase 1 (216 points x 15 classes, everything recomputed per point as the original does): ${(total / 3600).toFixed(1)} CPU-hours ` +
      `(${(total / 7200).toFixed(1)} h wall on 2 idle cores); by phase (CPU-h): ` +
      Object.entries(ex)
        .map(([k, v]) => `${k} ${(v / 3600).toFixed(2)}`)
        .join(', '),
  ];
  if (phase1) {
    const ours = phase1.workersCpu + phase1.coordinatorCpu;
    lines.push(
      `   ratio against wepadim's phase-1 resnet18 run in this benchmark: CPU-seconds ${total.toFixed(0)} / ${ours.toFixed(0)} = ${(total / ours).toFixed(0)}x`,
    );
  }
  return lines;
}
