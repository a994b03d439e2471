/**
 * Engine benchmarks (not tests). Run: node bin/run-ts.js bench/engine.ts [--quick]
 * 1. Gaussian fit + scoring at P=64, D=2240, N=391, 150 test images (resnet18 sym4 J2): Woodbury vs direct D x D.
 *    Each method runs in its own child process so that peak RSS is its own. The direct path is measured on
 *    a few positions and scaled to 64 (it is linear in P); the report says so.
 * 2. Group sharing: a Phase-1 style grid (3 wavelets x 2 levels x 4 subband sets x 3 sigma x 3 cov_reg = 216 points)
 *    on one synthetic class (resnet18 taps, 30 train / 20 test): evaluateDwtGroup with sharing vs without
 *    (the unshared path is measured on a sample of variants and scaled).
 * 3. Memory: peak RSS of one group evaluation (resnet18 taps, 391 train / 40 test, sym4 J2, LL+LH+HL, features
 *    given) in a child process, beside the RSS with the features alone.
 * Usage: node bin/run-ts.js bench/engine.ts [--quick] [--only gaussian|group|rss]
 * Appends a line per result to docs/BENCHMARKS-engine.md.
 */
import { execSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forkTs } from '../shared/spawn.js';
import type { Subband } from '../shared/subbands.js';
import type { Wavelet } from '../shared/wavelets.js';
import { featureBatch, type FeatureBatch } from '../worker/engine/feature-batch.js';
import { fitGaussianDirect, fitGaussianWoodbury, mahalanobis } from '../worker/engine/gaussian.js';
import { evaluateDwtGroup } from '../worker/engine/group.js';
import { CROP, type TestTruth, type VariantConfig } from '../worker/engine/types.js';

/** xorshift32 uniform [-1, 1) plus a rank-1 shared component per (image, position) */
function synthetic(seed: number, n: number, c: number, h: number, w: number, shift = 0): FeatureBatch {
  let s = (seed ^ 0x9e3779b9) >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s >>> 8) / 8388608 - 1;
  };
  const p = h * w;
  const a = Float32Array.from({ length: n * p }, next);
  const v = Float32Array.from({ length: c }, next);
  const b = featureBatch(n, c, h, w);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < c; k++)
      for (let q = 0; q < p; q++) b.data[(i * c + k) * p + q] = next() + 2 * a[i * p + q] * v[k] + shift;
  return b;
}

interface ChildReport {
  method: string;
  positions: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMB: number;
  checksum: number;
}

function gaussianChild(method: 'woodbury' | 'direct', positions: number): void {
  const D = 2240,
    N = 391,
    T = 150;
  const train = synthetic(1, N, D, 1, positions);
  const test = synthetic(2, T, D, 1, positions);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const model = method === 'woodbury' ? fitGaussianWoodbury(train, 0.01) : fitGaussianDirect(train, 0.01);
  const d = mahalanobis(model, test);
  const seconds = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  const cpuSeconds = (cu.user + cu.system) / 1e6;
  let checksum = 0;
  for (const x of d) checksum += x;
  const rep: ChildReport = {
    method,
    positions,
    seconds,
    cpuSeconds,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    checksum,
  };
  process.send?.(rep);
}

interface RssReport {
  featuresMB: number;
  peakMB: number;
  seconds: number;
  imageAuroc: number;
}

/** Child: one sym4 J2 group at N = 391 (the runner's worst case of issue 4), reports RSS with features and at peak. */
function rssChild(): void {
  const taps: [number, number][] = [
    [64, 56],
    [128, 28],
    [256, 14],
  ];
  const features = {
    train: taps.map(([c, s], l) => synthetic(30 + l, 391, c, s, s)),
    test: taps.map(([c, s], l) => synthetic(40 + l, 40, c, s, s, 0)),
  };
  for (const b of features.test) for (let j = (b.data.length / 2) | 0; j < b.data.length; j++) b.data[j] += 0.3;
  const featuresMB = process.resourceUsage().maxRSS / 1024;
  const t0 = performance.now();
  const g = evaluateDwtGroup(features, truthFor(40), { wavelet: 'sym4', level: 2, mode: 'zero', align: 'down' }, [
    { subbands: ['LL', 'LH', 'HL'], sigma: 4, cov_reg: 0.01, distance: 'squared', smoothing: 'reference' },
  ]);
  const rep: RssReport = {
    featuresMB,
    peakMB: process.resourceUsage().maxRSS / 1024,
    seconds: (performance.now() - t0) / 1000,
    imageAuroc: g.outcomes[0].metrics.image_auroc,
  };
  process.send?.(rep);
}

function runChild(method: string, positions: number): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = forkTs(fileURLToPath(import.meta.url), ['--child', method, String(positions)]);
    child.on('message', (m) => resolve(m as ChildReport));
    child.on('error', reject);
    child.on('exit', (code) => code !== 0 && reject(new Error(`child exited with ${code}`)));
  });
}

function truthFor(t: number): TestTruth {
  const masks = new Uint8Array(t * CROP * CROP);
  const labels = new Uint8Array(t);
  const defects: string[] = [];
  for (let i = 0; i < t; i++) {
    labels[i] = i >= t / 2 ? 1 : 0;
    defects.push(labels[i] ? 'blob' : 'good');
    if (labels[i])
      for (let y = 40; y < 100; y++) for (let x = 60 + i; x < 120 + i; x++) masks[(i * CROP + y) * CROP + x] = 1;
  }
  return { labels, masks, defects };
}

function phase1Variants(): VariantConfig[] {
  const sets: Subband[][] = [
    ['LL', 'LH', 'HL'],
    ['LL', 'LH', 'HH'],
    ['LL', 'HL', 'HH'],
    ['LL', 'LH', 'HL', 'HH'],
  ];
  const out: VariantConfig[] = [];
  for (const subbands of sets)
    for (const sigma of [2, 4, 6])
      for (const cov_reg of [0.1, 0.01, 0.001])
        out.push({ subbands, sigma, cov_reg, distance: 'squared', smoothing: 'reference' });
  return out;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const lines: string[] = [];
  const commit = execSync('git rev-parse --short HEAD').toString().trim();
  const load = execSync('cat /proc/loadavg').toString().split(' ')[0];
  const stamp = `${new Date().toISOString()} commit ${commit} (load avg ${load})`;

  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
  // 1. Woodbury vs direct. Ratios use CPU time (this machine is shared; wall time follows the load).
  if (only === null || only === 'gaussian') {
    const wb = await runChild('woodbury', 64);
    const dPos = quick ? 1 : 4;
    const di = await runChild('direct', dPos);
    const directCpu = (di.cpuSeconds * 64) / dPos;
    const directWall = (di.seconds * 64) / dPos;
    lines.push(
      `- ${stamp}: Gaussian fit+score P=64 D=2240 N=391 T=150: Woodbury ${wb.cpuSeconds.toFixed(1)} s CPU (${wb.seconds.toFixed(1)} s wall, ` +
        `peak RSS ${wb.maxRssMB.toFixed(0)} MB); direct ${di.cpuSeconds.toFixed(1)} s CPU on ${dPos} positions -> ${directCpu.toFixed(0)} s CPU ` +
        `(${directWall.toFixed(0)} s wall) for 64 (peak RSS ${di.maxRssMB.toFixed(0)} MB at ${dPos}); ` +
        `speed-up ${(directCpu / wb.cpuSeconds).toFixed(1)}x CPU, ${(directWall / wb.seconds).toFixed(1)}x wall`,
    );
    console.log(lines[lines.length - 1]);
  }
  if (only === 'gaussian') return finish(lines);

  if (only === null || only === 'rss') {
    const r = await new Promise<RssReport>((resolve, reject) => {
      const child = forkTs(fileURLToPath(import.meta.url), ['--rss-child']);
      child.on('message', (m) => resolve(m as RssReport));
      child.on('error', reject);
      child.on('exit', (code) => code !== 0 && reject(new Error(`rss child exited with ${code}`)));
    });
    lines.push(
      `- ${stamp}: memory, one group resnet18 sym4 J2 LL+LH+HL, 391 train / 40 test (features given, synthetic): ` +
        `RSS with the features ${r.featuresMB.toFixed(0)} MB, peak ${r.peakMB.toFixed(0)} MB (engine +${(r.peakMB - r.featuresMB).toFixed(0)} MB), ` +
        `${r.seconds.toFixed(1)} s wall, image AUROC ${r.imageAuroc.toFixed(3)}`,
    );
    console.log(lines[lines.length - 1]);
  }
  if (only === 'rss') return finish(lines);

  // 2. group sharing on a Phase-1 grid, one class
  const taps: [number, number][] = [
    [64, 56],
    [128, 28],
    [256, 14],
  ];
  const features = {
    train: taps.map(([c, s], l) => synthetic(10 + l, 30, c, s, s)),
    test: taps.map(([c, s], l) => synthetic(20 + l, 20, c, s, s, 0)),
  };
  for (const b of features.test) for (let j = (b.data.length / 2) | 0; j < b.data.length; j++) b.data[j] += 0.3;
  const truth = truthFor(20);
  const variants = phase1Variants();
  const wavelets: Wavelet[] = quick ? ['haar'] : ['haar', 'db4', 'sym4'];
  let shared = 0;
  let dwt = 0;
  const cpu0 = process.cpuUsage();
  for (const wavelet of wavelets)
    for (const level of [1, 2]) {
      const t0 = performance.now();
      const g = evaluateDwtGroup(features, truth, { wavelet, level, mode: 'zero', align: 'down' }, variants);
      shared += (performance.now() - t0) / 1000;
      dwt += g.timings.dwt_s;
    }
  const cpuShared = ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(cpu0));
  const points = wavelets.length * 2 * variants.length;
  const sample = variants.filter((_, i) => i % 9 === 0); // 4 variants, one per subband set
  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  const sampleDwt: Wavelet = quick ? 'haar' : 'sym4';
  evaluateDwtGroup(features, truth, { wavelet: sampleDwt, level: 2, mode: 'zero', align: 'down' }, sample, {
    sharing: false,
  });
  const perVariantUnshared = (performance.now() - t1) / 1000 / sample.length;
  const cpuPerUnshared = ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(cpu1)) / sample.length;
  const unsharedTotal = cpuPerUnshared * points;
  lines.push(
    `- ${stamp}: group evaluator, ${points} grid points on one class (resnet18 taps, 30 train/20 test, features given): ` +
      `shared ${cpuShared.toFixed(1)} s CPU, ${shared.toFixed(1)} s wall (${((cpuShared / points) * 1000).toFixed(0)} ms CPU/point, DWT ${dwt.toFixed(1)} s wall); ` +
      `unshared ${(cpuPerUnshared * 1000).toFixed(0)} ms CPU/point (${(perVariantUnshared * 1000).toFixed(0)} ms wall; ${sampleDwt} J2 sample) ` +
      `-> ~${unsharedTotal.toFixed(0)} s CPU; ratio ~${(unsharedTotal / cpuShared).toFixed(1)}x (CNN features excluded on both sides)`,
  );
  console.log(lines[lines.length - 1]);
  finish(lines);
}

function finish(lines: string[]): void {
  const doc = fileURLToPath(new URL('../docs/BENCHMARKS-engine.md', import.meta.url));
  if (!existsSync(doc)) writeFileSync(doc, '# Engine benchmarks (bench/engine.ts)\n\n');
  appendFileSync(doc, lines.join('\n') + '\n');
}

if (process.argv[2] === '--child') gaussianChild(process.argv[3] as 'woodbury' | 'direct', Number(process.argv[4]));
else if (process.argv[2] === '--rss-child') rssChild();
else await main();
