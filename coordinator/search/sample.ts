/**
 * Seeded sampling over "a list of axes with their value domains", whatever the objective: discrete values
 * (a list, or a range's values) or a continuous interval (uniform or log-uniform). Draw i of a stream
 * depends only on (seed, i), so asking for more samples later repeats the first ones exactly and adds new
 * ones after them; duplicates (same key) are skipped.
 */
import { createHash } from 'node:crypto';
import { mulberry32 } from '../../shared/random.js';
import { normalizeNumber } from '../../shared/trial.js';

export type Domain =
  | { kind: 'values'; values: readonly unknown[] }
  | { kind: 'uniform'; low: number; high: number; log: boolean; integer: boolean };

export interface SearchAxis {
  name: string;
  domain: Domain;
}

/** A 32-bit seed from any parts (stable across platforms). */
export function seedOf(...parts: readonly (string | number)[]): number {
  return createHash('sha256').update(JSON.stringify(parts)).digest().readUInt32LE(0);
}

/** Continuous draws keep 6 significant digits: readable keys, and no two near-identical points from rounding noise. */
const SAMPLE_DIGITS = 6;

function drawValue(d: Domain, rnd: () => number): unknown {
  if (d.kind === 'values') return d.values[Math.floor(rnd() * d.values.length)];
  const u = rnd();
  let x = d.log ? Math.exp(Math.log(d.low) + u * (Math.log(d.high) - Math.log(d.low))) : d.low + u * (d.high - d.low);
  if (d.integer) x = Math.min(d.high, Math.max(d.low, Math.round(x)));
  return normalizeNumber(Number(x.toPrecision(SAMPLE_DIGITS)));
}

/** The i-th draw of the stream `seed`: one value per axis. */
export function drawPoint(axes: readonly SearchAxis[], seed: number, i: number): Record<string, unknown> {
  const rnd = mulberry32(seedOf('draw', seed, i));
  return Object.fromEntries(axes.map((a) => [a.name, drawValue(a.domain, rnd)]));
}

/** True when every axis is discrete: the space is finite and can be ordered without a stream. */
export function isFinite(axes: readonly SearchAxis[]): boolean {
  return axes.every((a) => a.domain.kind === 'values');
}

/**
 * A seeded order of a finite list of keyed items: each item ranks by hash(seed, key). The first n of the
 * order are the n samples; a larger n keeps them and adds the next ones; no item appears twice.
 */
export function seededOrder<T>(items: readonly T[], keyOf: (t: T) => string, seed: number): T[] {
  const ranked = items.map((t) => ({
    t,
    r: createHash('sha256')
      .update(`${seed}:${keyOf(t)}`)
      .digest('hex'),
  }));
  ranked.sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0));
  return ranked.map((x) => x.t);
}

/**
 * The first `n` distinct accepted draws of the stream `seed`. `accept` turns a draw into a keyed item (or
 * null to reject it, e.g. an excluded combination). Stops with what it has after `maxDraws` draws.
 */
export function sampleStream<T>(
  axes: readonly SearchAxis[],
  n: number,
  seed: number,
  accept: (draw: Record<string, unknown>) => { key: string; item: T } | null,
  maxDraws = Math.max(1000, 200 * n),
): T[] {
  const out: T[] = [];
  const seen = new Set<string>();
  for (let i = 0; out.length < n && i < maxDraws; i++) {
    const got = accept(drawPoint(axes, seed, i));
    if (!got || seen.has(got.key)) continue;
    seen.add(got.key);
    out.push(got.item);
  }
  return out;
}
