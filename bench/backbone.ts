/**
 * Backbone throughput: resnet18 and efficientnet-b0 at batch 8 (224x224) on every executor present here,
 * beside PyTorch CPU (/usr/bin/python3 bench/torch_backbone.py) measured in the same run.
 * Targets: onnx <= 0.7x PyTorch's CPU time per image, tfjs-wasm <= 5x.
 * Run: node bin/run-ts.js bench/backbone.ts [--reps 3] [--threads 2]; appends to docs/BENCHMARKS-backbone.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { renderTable } from '../shared/table.js';
import { createExecutor } from '../worker/executors/create.js';
import { detectExecutors } from '../worker/executors/detect.js';
import type { ExecutorName } from '../worker/executors/types.js';
import { backboneGraph } from '../worker/models/catalogue.js';
import { foldWeights } from '../worker/weights/fold.js';
import { randomStateDict } from '../worker/weights/random-init.js';
import { seededImages } from '../worker/weights/seeded.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REPS = arg('reps', 3);
const THREADS = arg('threads', 2);
const BATCH = 8;
const ARCHS = ['resnet18', 'efficientnet-b0'] as const;

async function timeExecutor(name: ExecutorName, arch: (typeof ARCHS)[number]): Promise<number> {
  const g = backboneGraph(arch);
  const ex = await createExecutor(name, g, foldWeights(g, randomStateDict(g, 0)), { threads: THREADS });
  try {
    const x = seededImages(1, BATCH, 224);
    await ex.run(x.slice(), BATCH, 224);
    const t: number[] = [];
    for (let r = 0; r < REPS; r++) {
      const s = performance.now();
      await ex.run(x.slice(), BATCH, 224);
      t.push(performance.now() - s);
    }
    t.sort((a, b) => a - b);
    return t[t.length >> 1] / BATCH;
  } finally {
    await ex.dispose();
  }
}

function timeTorch(arch: string): number | null {
  const py = '/usr/bin/python3';
  if (!existsSync(py) || spawnSync(py, ['-c', 'import torch, torchvision']).status !== 0) return null;
  const script = fileURLToPath(new URL('./torch_backbone.py', import.meta.url));
  const out = execFileSync(py, [script, arch, String(BATCH), String(REPS), String(THREADS)], { encoding: 'utf8' });
  return (JSON.parse(out.trim().split('\n').pop() as string) as { ms_per_image: number }).ms_per_image;
}

const present = (await detectExecutors()).filter((e) => e.available).map((e) => e.executor);
const rows: Record<string, string | number | null>[] = [];
for (const arch of ARCHS) {
  const torch = timeTorch(arch);
  rows.push({
    backbone: arch,
    engine: 'pytorch-cpu',
    'ms/image': torch === null ? null : Number(torch.toFixed(1)),
    'images/s': torch === null ? null : Number((1000 / torch).toFixed(1)),
    'x torch': torch === null ? 'skipped (no /usr/bin/python3 torch)' : '1.00',
    target: '',
  });
  for (const name of present) {
    const ms = await timeExecutor(name, arch);
    const target = name === 'onnx' ? 0.7 : name === 'tfjs-wasm' ? 5 : null;
    const ratio = torch === null ? null : ms / torch;
    rows.push({
      backbone: arch,
      engine: name,
      'ms/image': Number(ms.toFixed(1)),
      'images/s': Number((1000 / ms).toFixed(1)),
      'x torch': ratio === null ? 'n/a' : ratio.toFixed(2),
      target: target === null ? '' : `<= ${target} ${ratio === null ? '?' : ratio <= target ? 'met' : 'MISSED'}`,
    });
  }
}
const table = renderTable(rows, undefined, 1);
process.stdout.write(table + '\n');
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {
  /* not a git checkout */
}
const doc = fileURLToPath(new URL('../docs/BENCHMARKS-backbone.md', import.meta.url));
const load = loadavg()[0].toFixed(1);
process.stdout.write(`load average during the run: ${load} on ${availableParallelism()} cores\n`);
appendFileSync(
  doc,
  `\n## ${new Date().toISOString()} commit ${commit} (batch ${BATCH}, 224x224, ${THREADS} threads, median of ${REPS}, load average ${load} on ${availableParallelism()} cores)\n\n\`\`\`\n${table}\n\`\`\`\n`,
);
