/**
 * `wepadim doctor` measurements: which executors load, their version and device, and two micro-timings run
 * through the real executor code: a 3x3 convolution (64->64 channels, 56x56) and a 512x512x512 GEMM
 * (a 1x1 convolution with 512 channels over 16x16 positions, i.e. [256x512] x [512x512]).
 */
import { availableParallelism, cpus } from 'node:os';
import type { BackboneGraph } from '../models/graph.js';
import { foldWeights } from '../weights/fold.js';
import { randomStateDict } from '../weights/random-init.js';
import { seededUniform } from '../weights/seeded.js';
import { createExecutor } from './create.js';
import { detectExecutors } from './detect.js';
import type { ExecutorName } from './types.js';

export interface DoctorRow {
  executor: ExecutorName;
  available: boolean;
  version: string;
  device: string;
  conv_ms: number | null;
  conv_gflops: number | null;
  gemm_ms: number | null;
  gemm_gflops: number | null;
  note: string;
}

export interface DoctorReport {
  node: string;
  cpu: string;
  cores: number;
  threads: number;
  executors: DoctorRow[];
}

function oneConv(name: string, cin: number, cout: number, k: number): BackboneGraph {
  return {
    name,
    input: 'input',
    inputChannels: cin,
    bnEps: 1e-5,
    nodes: [
      {
        op: 'conv',
        input: 'input',
        output: 'out',
        conv: 'c',
        bn: 'bn',
        inChannels: cin,
        outChannels: cout,
        kernel: k,
        stride: 1,
        pad: (k - 1) >> 1,
        groups: 1,
        act: null,
      },
    ],
    taps: [{ module: 'out', value: 'out', channels: cout, stride: 1 }],
  };
}

/** median wall time (ms) of `reps` runs after one warm-up */
async function timeIt(f: () => Promise<unknown>, reps: number): Promise<number> {
  await f();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = performance.now();
    await f();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

async function measure(
  name: ExecutorName,
  g: BackboneGraph,
  size: number,
  threads: number,
): Promise<{ ms: number; version: string; device: string }> {
  const ex = await createExecutor(name, g, foldWeights(g, randomStateDict(g, 1)), { threads });
  try {
    const x = Float32Array.from(seededUniform(2, 'doctor', (g.inputChannels ?? 3) * size * size));
    const ms = await timeIt(() => ex.run(x.slice(), 1, size), 3);
    return { ms, version: ex.info.version, device: ex.info.device };
  } finally {
    await ex.dispose();
  }
}

export async function runDoctor(opts: { threads?: number; skip?: ExecutorName[] } = {}): Promise<DoctorReport> {
  const threads = opts.threads ?? Math.min(2, availableParallelism());
  const conv = oneConv('doctor-conv3x3', 64, 64, 3);
  const gemm = oneConv('doctor-gemm512', 512, 512, 1);
  const convFlops = 2 * 64 * 64 * 9 * 56 * 56;
  const gemmFlops = 2 * 512 * 512 * 256;
  const rows: DoctorRow[] = [];
  for (const a of await detectExecutors()) {
    const row: DoctorRow = {
      executor: a.executor,
      available: a.available,
      version: '',
      device: '',
      conv_ms: null,
      conv_gflops: null,
      gemm_ms: null,
      gemm_gflops: null,
      note: a.note,
    };
    if (a.available && !opts.skip?.includes(a.executor)) {
      try {
        const c = await measure(a.executor, conv, 56, threads);
        const m = await measure(a.executor, gemm, 16, threads);
        Object.assign(row, {
          version: c.version,
          device: c.device,
          conv_ms: Number(c.ms.toFixed(2)),
          conv_gflops: Number((convFlops / c.ms / 1e6).toFixed(1)),
          gemm_ms: Number(m.ms.toFixed(2)),
          gemm_gflops: Number((gemmFlops / m.ms / 1e6).toFixed(1)),
        });
      } catch (e) {
        row.available = false;
        row.note = `failed to run: ${(e as Error).message}`;
      }
    }
    rows.push(row);
  }
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    threads,
    executors: rows,
  };
}
