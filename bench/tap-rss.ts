/**
 * Peak RSS of a worker process on issue 14's memory target: wide_resnet50_2 (random weights, real onnxruntime
 * backbone) on a synthetic class of hazelnut's size (391 train / 110 test, 256x256), haar J1 LL+LH+HL, one trial per
 * fresh process (bench/runner-rss-child.ts): without a budget (the baseline: taps in memory when the machine has
 * room) and with `--max-rss` (taps over the budget go to a file). Prints both peaks, their ratio, and whether the
 * metrics are identical. Usage: node bin/run-ts.js bench/tap-rss.ts [--max-rss MB (3072)] [--threads N (2)] [--root DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticDataset } from '../worker/data/index.js';
import { forkTs } from '../shared/spawn.js';
import { repoRoot } from '../shared/version.js';

const args = process.argv.slice(2);
const opt = (n: string, d: string): string => (args.includes(n) ? (args[args.indexOf(n) + 1] ?? d) : d);
const maxRss = opt('--max-rss', '3072');
const threads = opt('--threads', '2');

/** One trial in a fresh process: its printed peak RSS (MB), wall seconds, AUROCs and where its taps were. */
async function child(root: string, budget: string | null): Promise<Record<string, string>> {
  const extra = budget ? [budget] : [];
  const c = forkTs(
    join(repoRoot(), 'bench', 'runner-rss-child.ts'),
    [root, threads, 'wide_resnet50_2', 'haar', '1', ...extra],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  let text = '';
  c.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  const code = await new Promise<number | null>((r) => c.once('exit', r));
  const m = /PEAK_RSS_MB (\S+) WALL_S (\S+) IMAGE_AUROC (\S+) PIXEL_AUROC (\S+) TAPS (\S+)/.exec(text);
  if (!m) throw new Error(`RSS child failed (exit ${code}): ${text}`);
  return { rss: m[1], wall: m[2], image: m[3], pixel: m[4], taps: m[5] };
}

const given = args.includes('--root') ? opt('--root', '') : null;
const root = given ?? mkdtempSync(join(tmpdir(), 'wepadim-tap-rss-'));
try {
  if (!given) await generateSyntheticDataset(root, { classes: ['weave'], train: 391, test: 110, size: 256, seed: 1 });
  const free = await child(root, null);
  const tight = await child(root, maxRss);
  const line = (name: string, r: Record<string, string>): string =>
    `${name}: peak RSS ${Number(r.rss).toFixed(0)} MB, wall ${Number(r.wall).toFixed(1)} s, taps ${r.taps}, image AUROC ${r.image}, pixel AUROC ${r.pixel}`;
  console.log(line('no budget   ', free));
  console.log(line(`--max-rss ${maxRss}`, tight));
  const same = free.image === tight.image && free.pixel === tight.pixel;
  console.log(
    `peak RSS ratio ${(Number(tight.rss) / Number(free.rss)).toFixed(2)} (target: <= ${maxRss} MB: ${Number(tight.rss) <= Number(maxRss) ? 'met' : 'NOT met'}); metrics ${same ? 'identical' : 'DIFFER'}`,
  );
  if (!same) process.exitCode = 1;
} finally {
  if (!given) rmSync(root, { recursive: true, force: true });
}
