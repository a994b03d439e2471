/**
 * The wavelet embedding of spec 4.2-4.3: per tap, DWT to level J, keep the chosen subbands (details of
 * every level resized to the LL_J grid), then align every tap to the smallest grid (or the largest, align 'up').
 * Two views of the same numbers: `waveletEmbedding` in the original's channel order, and `subbandBlocks`,
 * one block per subband (all taps, all levels) so that trials differing only in subbands share the work.
 */
import { ShapeError } from '../../shared/errors.js';
import { SUBBANDS, type Subband } from '../../shared/subbands.js';
import { dwt2 } from './dwt.js';
import { featureBatch, type FeatureBatch } from './feature-batch.js';
import { resizeBilinear } from './resize.js';
import { isBatch, readImages, type Tap } from './tap-source.js';
import type { DwtConfig } from './types.js';

/** One tap after the DWT: LL_J and the detail bands of each level resized to the LL_J grid. */
interface TapBands {
  LL: FeatureBatch;
  details: { LH: FeatureBatch; HL: FeatureBatch; HH: FeatureBatch }[]; // level 1..J
}

function tapBands(x: FeatureBatch, dwt: DwtConfig, tap: number): TapBands {
  let r;
  try {
    r = dwt2(x, dwt.wavelet, dwt.level, dwt.mode);
  } catch (e) {
    if (e instanceof ShapeError) throw new ShapeError(`tap ${tap}: ${e.message}`, { ...e.sizes, tap });
    throw e;
  }
  const { h, w } = r.LL;
  return {
    LL: r.LL,
    details: r.details.map((d) => ({
      LH: resizeBilinear(d.LH, h, w),
      HL: resizeBilinear(d.HL, h, w),
      HH: resizeBilinear(d.HH, h, w),
    })),
  };
}

function targetGrid(taps: TapBands[], dwt: DwtConfig): { h: number; w: number } {
  const hs = taps.map((t) => t.LL.h);
  const ws = taps.map((t) => t.LL.w);
  return dwt.align === 'up' ? { h: Math.max(...hs), w: Math.max(...ws) } : { h: Math.min(...hs), w: Math.min(...ws) };
}

/** Concatenate batches along channels (all with the same n, h, w). */
export function concatChannels(parts: FeatureBatch[]): FeatureBatch {
  if (parts.length === 0) throw new ShapeError('nothing to concatenate');
  const { n, h, w } = parts[0];
  const c = parts.reduce((s, p) => s + p.c, 0);
  const out = featureBatch(n, c, h, w);
  const hw = h * w;
  for (let i = 0; i < n; i++) {
    let off = i * c * hw;
    for (const p of parts) {
      out.data.set(p.data.subarray(i * p.c * hw, (i + 1) * p.c * hw), off);
      off += p.c * hw;
    }
  }
  return out;
}

function effectiveSubbands(s: readonly Subband[]): Subband[] {
  const uniq = s.filter((b, i) => s.indexOf(b) === i);
  return uniq.length === 0 ? ['LL'] : uniq;
}

function checkTaps(layers: readonly Tap[]): void {
  if (layers.length === 0) throw new ShapeError('no feature taps given');
  const n = layers[0].n;
  layers.forEach((l, i) => {
    if (l.n !== n) throw new ShapeError(`tap ${i} has ${l.n} images, tap 0 has ${n}`, { tap: i, n: l.n, n0: n });
  });
}

/** The embedding exactly as the original orders it: per tap [LL_J, level 1 bands in S order, ..., level J], taps concatenated. */
export function waveletEmbedding(layers: FeatureBatch[], dwt: DwtConfig, subbands: readonly Subband[]): FeatureBatch {
  checkTaps(layers);
  const s = effectiveSubbands(subbands);
  const taps = layers.map((x, i) => tapBands(x, dwt, i));
  const { h, w } = targetGrid(taps, dwt);
  const perTap = taps.map((t) => {
    const parts: FeatureBatch[] = s.includes('LL') ? [t.LL] : [];
    for (const d of t.details) for (const b of s) if (b !== 'LL') parts.push(d[b]);
    return resizeBilinear(concatChannels(parts), h, w);
  });
  return concatChannels(perTap);
}

/** Per-subband channel blocks on the final grid; the union of any subset is a permutation of the embedding's channels. */
export interface SubbandBlocks {
  n: number;
  h: number;
  w: number;
  /** the requested blocks (all four by default) */
  blocks: Partial<Record<Subband, FeatureBatch>>;
}

/**
 * The blocks of `which` subbands. Every image is transformed on its own, so the images are processed in chunks of
 * `chunk`: the full-resolution DWT bands of every tap (several times the size of the blocks) exist for one chunk only,
 * and a tap read on demand (TapSource) is read one chunk at a time.
 */
export function subbandBlocks(
  layers: readonly Tap[],
  dwt: DwtConfig,
  which: readonly Subband[] = SUBBANDS,
  chunk = 16,
): SubbandBlocks {
  const n = layers[0]?.n ?? 0;
  const out: SubbandBlocks = { n, h: 0, w: 0, blocks: {} };
  forEachBlockChunk(layers, dwt, which, chunk, (b, i0, x) => {
    out.h = x.h;
    out.w = x.w;
    const dst = (out.blocks[b] ??= featureBatch(n, x.c, x.h, x.w));
    dst.data.set(x.data, i0 * x.c * x.h * x.w);
  });
  return out;
}

/**
 * The same blocks handed over one image chunk at a time (images [i0, i0 + x.n) of block b, in SUBBANDS order within
 * a chunk), so a caller can write them elsewhere without holding a whole block.
 */
export function forEachBlockChunk(
  layers: readonly Tap[],
  dwt: DwtConfig,
  which: readonly Subband[],
  chunk: number,
  f: (b: Subband, i0: number, x: FeatureBatch) => void,
): void {
  checkTaps(layers);
  const n = layers[0].n;
  const wanted = SUBBANDS.filter((b) => which.includes(b));
  // a source read on demand is read into one buffer per tap, reused chunk after chunk (the DWT's bands are new
  // arrays; nothing keeps the input chunk), instead of a fresh array per chunk whose pages all fault in (~50 MB per
  // wide_resnet50_2 layer-1 chunk)
  const scratch = layers.map((x) => (isBatch(x) ? undefined : new Float32Array(Math.min(chunk, n) * x.c * x.h * x.w)));
  for (let i0 = 0; i0 < Math.max(n, 1); i0 += chunk) {
    const i1 = Math.min(n, i0 + chunk);
    const taps = layers.map((x, i) => tapBands(readImages(x, i0, i1, scratch[i]), dwt, i));
    const { h, w } = targetGrid(taps, dwt);
    const block = (b: Subband): FeatureBatch =>
      concatChannels(
        taps.map((t) => resizeBilinear(b === 'LL' ? t.LL : concatChannels(t.details.map((d) => d[b])), h, w)),
      );
    for (const b of wanted) f(b, i0, block(b));
  }
}

/** Grid and channel count of each block of `which`, from the DWT of the first image only (cheap). */
export function blockShapes(
  layers: readonly Tap[],
  dwt: DwtConfig,
  which: readonly Subband[],
): { h: number; w: number; channels: Partial<Record<Subband, number>> } {
  const one = subbandBlocks(
    layers.map((x) => readImages(x, 0, 1)),
    dwt,
    which,
  );
  const channels: Partial<Record<Subband, number>> = {};
  for (const b of which) channels[b] = one.blocks[b]?.c;
  return { h: one.h, w: one.w, channels };
}
