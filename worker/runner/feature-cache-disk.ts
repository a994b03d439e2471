/**
 * The feature cache's disk format: `<key>.json` (the header: extractor, tap shapes, truth size; written last, it marks
 * a complete entry) and `<key>.bin` (every tap's float32 features, tap-major, then the truth's labels and masks).
 * Reads go straight into a SharedArrayBuffer with positional reads, and writes straight from the entry's arrays:
 * no intermediate copy of the features. An entry too large for memory is opened as file sources instead of read.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { featureBatch, type FeatureBatch } from '../engine/feature-batch.js';
import { CROP, type TestTruth } from '../engine/types.js';
import type { ExtractorInfo } from './ports.js';
import { bytesOf, FileTapSource, readFully, tapLayout, writeFully, type TapShape } from './tap-file.js';

const MAP = CROP * CROP;

/** A cache entry in memory: one FeatureBatch per tap, the extractor's identity, the test split's truth. */
export interface FeatureEntry {
  batches: FeatureBatch[];
  extractor: ExtractorInfo & { weightsId: string };
  truth: TestTruth | null;
}

export interface DiskHeader {
  format: 1;
  extractor: FeatureEntry['extractor'];
  batches: TapShape[];
  truth: { n: number; defects: string[] } | null;
}

/** An entry whose taps stay in the cache's file: read on demand through `taps`; `close` releases the file. */
export interface FileFeatureEntry {
  taps: FileTapSource[];
  extractor: FeatureEntry['extractor'];
  truth: TestTruth | null;
  close: () => void;
}

export const truthBytes = (n: number): number => n + n * MAP;

export const tapBytes = (h: DiskHeader): number => tapLayout(h.batches).bytes;

export const headerBytes = (h: DiskHeader): number => tapBytes(h) + (h.truth ? truthBytes(h.truth.n) : 0);

export function headerOf(e: {
  batches: TapShape[];
  extractor: FeatureEntry['extractor'];
  truth: TestTruth | null;
}): DiskHeader {
  return {
    format: 1,
    extractor: e.extractor,
    batches: e.batches.map(({ n, c, h, w }) => ({ n, c, h, w })),
    truth: e.truth ? { n: e.truth.labels.length, defects: e.truth.defects } : null,
  };
}

export async function readHeader(path: string): Promise<DiskHeader | null> {
  try {
    const h = JSON.parse(await readFile(path, 'utf8')) as DiskHeader;
    return h.format === 1 ? h : null;
  } catch {
    return null;
  }
}

/** The .bin's fd, or null when missing; 'corrupt' (fd closed) when its size is not the header's. */
function openData(path: string, h: DiskHeader): number | null | 'corrupt' {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  if (fstatSync(fd).size !== headerBytes(h)) {
    closeSync(fd);
    return 'corrupt';
  }
  return fd;
}

function truthIn(ab: SharedArrayBuffer, off: number, h: DiskHeader): TestTruth | null {
  if (!h.truth) return null;
  const n = h.truth.n;
  return { labels: new Uint8Array(ab, off, n), masks: new Uint8Array(ab, off + n, n * MAP), defects: h.truth.defects };
}

/** The whole entry in one fresh SharedArrayBuffer (the engine thread reads it without a copy). */
export async function readEntry(path: string, h: DiskHeader): Promise<FeatureEntry | null | 'corrupt'> {
  const fd = openData(path, h);
  if (typeof fd !== 'number') return fd;
  try {
    const ab = new SharedArrayBuffer(headerBytes(h));
    await readFully(fd, new Uint8Array(ab), 0);
    const { offsets, bytes } = tapLayout(h.batches);
    const batches = h.batches.map((b, t) =>
      featureBatch(b.n, b.c, b.h, b.w, new Float32Array(ab, offsets[t], b.n * b.c * b.h * b.w)),
    );
    return { batches, extractor: h.extractor, truth: truthIn(ab, bytes, h) };
  } finally {
    closeSync(fd);
  }
}

/** The entry's taps as file sources (the file stays open until `close`); only the truth is read. */
export async function openEntry(
  path: string,
  h: DiskHeader,
  label: string,
): Promise<FileFeatureEntry | null | 'corrupt'> {
  const fd = openData(path, h);
  if (typeof fd !== 'number') return fd;
  const { offsets, bytes } = tapLayout(h.batches);
  let truth: TestTruth | null = null;
  try {
    if (h.truth) {
      const ab = new SharedArrayBuffer(truthBytes(h.truth.n));
      await readFully(fd, new Uint8Array(ab), bytes);
      truth = truthIn(ab, 0, h);
    }
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  const taps = h.batches.map(
    (s, tap) => new FileTapSource({ kind: 'file', fd, offset: offsets[tap], label, tap, ...s }),
  );
  let open = true;
  const close = (): void => {
    if (open) closeSync(fd);
    open = false;
  };
  return { taps, extractor: h.extractor, truth, close };
}

/** Write the truth after the taps of an open file (at byte `at`). */
export async function writeTruth(fd: number, truth: TestTruth, at: number): Promise<void> {
  await writeFully(fd, truth.labels, at);
  await writeFully(fd, truth.masks, at + truth.labels.byteLength);
}

/** Write a whole in-memory entry to `path` from its own arrays. */
export async function writeEntry(path: string, e: FeatureEntry): Promise<void> {
  const fd = openSync(path, 'w', 0o600);
  try {
    let at = 0;
    for (const b of e.batches) {
      await writeFully(fd, bytesOf(b.data), at);
      at += b.data.byteLength;
    }
    if (e.truth) await writeTruth(fd, e.truth, at);
  } finally {
    closeSync(fd);
  }
}

/** The header, written last (through a temporary name): it marks the entry complete. */
export async function writeHeader(path: string, h: DiskHeader): Promise<void> {
  await writeFile(`${path}.tmp-${process.pid}`, JSON.stringify(h));
  await rename(`${path}.tmp-${process.pid}`, path);
}
