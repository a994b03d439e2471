/**
 * The shared state of one DWT group (./group.ts): its DWT blocks, filled lazily and released as soon as they are no
 * longer needed, and per block the centred Gram, cross and norm terms that every subband subset sums.
 */
import type { Subband } from '../../shared/subbands.js';
import { BlockSpill } from './block-spill.js';
import { blockShapes, forEachBlockChunk, subbandBlocks } from './embedding.js';
import type { FeatureBatch } from './feature-batch.js';
import { addBlockCross, addBlockGram, addBlockStats, centered, positionMean, type PositionMajor } from './gaussian.js';
import { groupBytes } from './group-memory.js';
import type { ClassTaps } from './tap-source.js';
import type { DwtConfig } from './types.js';

export const now = (): number => performance.now() / 1000;

interface BlockData {
  /** centred train / test features; dropped once the block's Gram terms exist unless a direct solve needs them */
  xc?: PositionMajor;
  z?: PositionMajor;
  gram?: Float64Array;
  cross?: Float64Array;
  sqn?: Float64Array;
}

interface GridMeta {
  h: number;
  w: number;
  n: number;
  t: number;
  channels: Record<Subband, number>;
}

/**
 * Shared per-group state, filled lazily. Memory is released as soon as it is no longer needed:
 * the float32 blocks once centred, the centred features once the Gram terms exist (unless `directBlocks` need them).
 */
export class GroupState {
  private meta: GridMeta | null = null;
  private raw = new Map<Subband, { train: FeatureBatch; test: FeatureBatch }>();
  private blocks = new Map<Subband, BlockData>();
  dwtSeconds = 0;
  dwtCpuSeconds = 0;
  /**
   * one block at a time: each block is read back from the spill (one DWT for all, spillDir) or, without one, its DWT
   * is computed when it is first needed; it is released after its stats
   */
  lazy = false;
  private spill: BlockSpill | null = null;
  /** the blocks were read back from a spill (else recomputed block by block) */
  spilled = false;
  constructor(
    private readonly features: ClassTaps,
    private readonly dwt: DwtConfig,
    private readonly directBlocks: ReadonlySet<Subband>,
    /** the blocks some variant of the group uses (only these are computed) */
    private readonly needed: readonly Subband[],
    /** per block, how many distinct distance computations (subset, cov_reg) use it: single-use Grams are not kept */
    private readonly uses: ReadonlyMap<Subband, number>,
    private readonly cpu: () => number = () => 0,
    /** the most bytes the group may hold at once (./group-memory.ts: blocks and kept terms), else one block at a time */
    private readonly maxBlockBytes = Infinity,
    /** where one-block-at-a-time mode writes the blocks (unlinked files); undefined: recompute the DWT per block */
    private spillDir?: string,
  ) {}

  grid(): GridMeta {
    if (!this.meta && Number.isFinite(this.maxBlockBytes)) {
      const t0 = now();
      const c0 = this.cpu();
      const s = blockShapes(this.features.train, this.dwt, this.needed);
      this.dwtSeconds += now() - t0;
      this.dwtCpuSeconds += this.cpu() - c0;
      const n = this.features.train[0].n;
      const t = this.features.test[0].n;
      const channels = {} as Record<Subband, number>;
      for (const b of this.needed) channels[b] = s.channels[b] ?? 0;
      const shape = { n, t, p: s.h * s.w, channels, needed: this.needed, direct: this.directBlocks, uses: this.uses };
      const bytes = groupBytes(shape).allBlocks;
      if (bytes > this.maxBlockBytes) {
        this.lazy = true;
        this.meta = { h: s.h, w: s.w, n, t, channels };
      }
    }
    if (!this.meta) {
      const t0 = now();
      const c0 = this.cpu();
      const train = subbandBlocks(this.features.train, this.dwt, this.needed);
      const test = subbandBlocks(this.features.test, this.dwt, this.needed);
      this.dwtSeconds += now() - t0;
      this.dwtCpuSeconds += this.cpu() - c0;
      const channels = {} as Record<Subband, number>;
      for (const b of this.needed) {
        const tr = train.blocks[b];
        const te = test.blocks[b];
        if (!tr || !te) throw new Error(`internal: block ${b} was not computed`);
        this.raw.set(b, { train: tr, test: te });
        channels[b] = tr.c;
      }
      this.meta = { h: train.h, w: train.w, n: train.n, t: test.n, channels };
    }
    return this.meta;
  }

  /** In one-block-at-a-time mode, the DWT of block b alone (the same numbers: every band comes from the same transform). */
  private ensureRaw(b: Subband): void {
    if (!this.lazy || this.raw.has(b)) return;
    const t0 = now();
    const c0 = this.cpu();
    const spilled = this.fromSpill(b);
    const train = spilled?.train ?? subbandBlocks(this.features.train, this.dwt, [b]).blocks[b];
    const test = spilled?.test ?? subbandBlocks(this.features.test, this.dwt, [b]).blocks[b];
    this.dwtSeconds += now() - t0;
    this.dwtCpuSeconds += this.cpu() - c0;
    if (!train || !test) throw new Error(`internal: block ${b} was not computed`);
    this.raw.set(b, { train, test });
  }

  /** Block b from the spill, written by one DWT of every needed block at the first call; null without a spill. */
  private fromSpill(b: Subband): { train: FeatureBatch; test: FeatureBatch } | null {
    if (this.spillDir === undefined) return null;
    try {
      if (!this.spill) {
        const spill = new BlockSpill(this.spillDir);
        this.spill = spill;
        forEachBlockChunk(this.features.train, this.dwt, this.needed, 16, (k, i0, x) => spill.write(k, 'train', i0, x));
        forEachBlockChunk(this.features.test, this.dwt, this.needed, 16, (k, i0, x) => spill.write(k, 'test', i0, x));
      }
      const out = { train: this.spill.read(b, 'train'), test: this.spill.read(b, 'test') };
      this.spilled = true;
      return out;
    } catch (err) {
      if (!(err instanceof Error && 'syscall' in err)) throw err; // the DWT's own errors are the group's
      this.release(); // a full or unwritable disk: recompute each block's DWT instead
      this.spillDir = undefined;
      return null;
    }
  }

  /** Close the spill's files (their space is freed). */
  release(): void {
    this.spill?.close();
    this.spill = null;
  }

  /** Centred features of one block (for the direct path, or before the Gram terms). */
  centred(b: Subband): { xc: PositionMajor; z: PositionMajor } {
    this.grid();
    let d = this.blocks.get(b);
    if (!d) {
      d = {};
      this.blocks.set(b, d);
    }
    if (!d.xc || !d.z) {
      this.ensureRaw(b);
      const raw = this.raw.get(b);
      if (!raw) throw new Error(`internal: block ${b} was released`);
      const mean = positionMean(raw.train);
      d.xc = centered(raw.train, mean);
      d.z = centered(raw.test, mean);
      this.raw.delete(b); // direct blocks keep xc/z instead
    }
    return { xc: d.xc, z: d.z };
  }

  /** Gram, cross terms and squared norms of one block (computed once). */
  stats(b: Subband): { gram: Float64Array; cross: Float64Array; sqn: Float64Array } {
    const existing = this.blocks.get(b);
    if (existing?.gram && existing.cross && existing.sqn)
      return { gram: existing.gram, cross: existing.cross, sqn: existing.sqn };
    const { n, t, h, w } = this.grid();
    const p = h * w;
    const d: BlockData = existing ?? {};
    this.blocks.set(b, d);
    d.gram = new Float64Array(p * n * n);
    d.cross = new Float64Array(p * t * n);
    d.sqn = new Float64Array(p * t);
    if (!this.directBlocks.has(b)) this.ensureRaw(b);
    const raw = this.raw.get(b);
    if (!this.directBlocks.has(b) && raw) {
      // centred a few positions at a time: the block's float64 centred copy is never held
      addBlockStats(raw.train, raw.test, d.gram, d.cross, d.sqn);
      this.raw.delete(b);
    } else {
      const { xc, z } = this.centred(b);
      addBlockGram(xc, d.gram);
      addBlockCross(xc, z, d.cross, d.sqn);
    }
    return { gram: d.gram, cross: d.cross, sqn: d.sqn };
  }

  /**
   * Add block b's Gram, cross terms and squared norms into the sums. A block that no other distance computation
   * needs goes straight into the sums (addDots adds complete dot products, so the sums are bit-identical to adding
   * a kept block Gram) and its per-block terms are never held.
   */
  addStatsInto(b: Subband, gram: Float64Array, cross: Float64Array, sqn: Float64Array): void {
    if (!this.blocks.get(b)?.gram && !this.directBlocks.has(b)) this.ensureRaw(b);
    const raw = this.raw.get(b);
    if (raw && !this.blocks.get(b)?.gram && !this.directBlocks.has(b) && (this.uses.get(b) ?? 0) <= 1) {
      addBlockStats(raw.train, raw.test, gram, cross, sqn);
      this.raw.delete(b);
      return;
    }
    const st = this.stats(b);
    for (let i = 0; i < gram.length; i++) gram[i] += st.gram[i];
    for (let i = 0; i < cross.length; i++) cross[i] += st.cross[i];
    for (let i = 0; i < sqn.length; i++) sqn[i] += st.sqn[i];
  }

  channels(s: readonly Subband[]): number {
    const { channels } = this.grid();
    return s.reduce((acc, b) => acc + channels[b], 0);
  }
}
