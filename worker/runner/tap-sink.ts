/**
 * Where a split's backbone taps go as the backbone produces them: shared memory (the engine thread reads it without a
 * copy) when the split fits the memory budget, else a TapFile written chunk by chunk, never assembled in memory.
 * The choice is made at the first chunk, when the taps' shapes (and so the split's bytes) are known.
 */
import { freemem } from 'node:os';
import { featureBatch, type FeatureBatch } from '../engine/feature-batch.js';
import type { FileTapSource, TapFile, TapShape } from './tap-file.js';

/**
 * The bytes a split's taps may take in memory: a quarter of what is left of the budget (`maxRssBytes` minus the
 * process's RSS now) with `worker --max-rss`, else half of the memory the OS reports available (os.freemem(),
 * MemAvailable on Linux). The rest is for the other split and for what the engine builds from them (DWT blocks, Gram
 * terms, the DWT's per-chunk bands). With half, a fresh 264-image wide_resnet50_2 class kept its 1.4 GB of train taps
 * in memory, its groups then had 0.6 GB and the worker peaked at 3.4 GB under `--max-rss 3072`; with a quarter the
 * train taps go to a file (the DWT reads them from the page cache) and the peak was 2.7 GB.
 */
export function tapMemoryBudget(maxRssBytes: number | undefined): number {
  if (maxRssBytes === undefined) return freemem() / 2;
  return Math.max(0, maxRssBytes - process.memoryUsage.rss()) / 4;
}

/** Decides where the taps go: null keeps them in memory, else the file to write them to. */
export type TapPlacement = (bytes: number, shapes: TapShape[]) => Promise<TapFile | null>;

export type CollectedTaps = { taps: FeatureBatch[]; file: null } | { taps: FileTapSource[]; file: TapFile };

export class TapCollector {
  private mem: FeatureBatch[] | null = null;
  private file: TapFile | null = null;
  private shapes: TapShape[] | null = null;
  private filled = 0;
  /** bytes of memory allocated for the whole split's taps (0 when they went to a file) */
  memoryBytes = 0;

  constructor(
    private readonly n: number,
    private readonly place: TapPlacement,
  ) {}

  async add(chunk: FeatureBatch[]): Promise<void> {
    const m = chunk[0]?.n ?? 0;
    if (!this.shapes) {
      const shapes = chunk.map(({ c, h, w }) => ({ n: this.n, c, h, w }));
      this.shapes = shapes;
      this.file = await this.place(
        shapes.reduce((s, t) => s + t.n * t.c * t.h * t.w * 4, 0),
        shapes,
      );
      if (!this.file) {
        this.mem = shapes.map((t) => {
          const bytes = t.n * t.c * t.h * t.w * 4;
          this.memoryBytes += bytes;
          return featureBatch(t.n, t.c, t.h, t.w, new Float32Array(new SharedArrayBuffer(bytes)));
        });
      }
    }
    const shapes = this.shapes;
    if (chunk.length !== shapes.length)
      throw new Error(`backbone returned ${chunk.length} taps, earlier ${shapes.length}`);
    chunk.forEach((b, t) => {
      const o = shapes[t];
      if (b.c !== o.c || b.h !== o.h || b.w !== o.w || b.n !== m)
        throw new Error(`tap ${t}: inconsistent shapes between batches`);
    });
    if (this.filled + m > this.n) throw new Error(`backbone returned features for more than ${this.n} images`);
    if (this.file) await this.file.write(chunk, this.filled);
    else
      this.mem?.forEach((o, t) => {
        const per = o.c * o.h * o.w;
        o.data.set(chunk[t].data.subarray(0, m * per), this.filled * per);
      });
    this.filled += m;
  }

  /** The split's taps: FeatureBatches in shared memory, or the file's sources. */
  result(label: string): CollectedTaps {
    if (!this.shapes || this.filled !== this.n)
      throw new Error(`backbone returned features for ${this.filled} of ${this.n} images`);
    if (this.file) return { taps: this.file.sources(label), file: this.file };
    return { taps: this.mem ?? [], file: null };
  }

  /** Close and remove the file (after a failure: the taps are not used). */
  abandon(): void {
    this.file?.discard();
  }
}
