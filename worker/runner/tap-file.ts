/**
 * Backbone taps in a file, laid out as a feature-cache .bin: every image of tap 0, then of tap 1, and so on
 * (float32, NCHW). A split whose taps do not fit the memory budget is written here chunk by chunk as the backbone
 * produces it (TapFile), and the engine reads it back one image chunk at a time (FileTapSource), so the split's taps
 * are never held in memory at once. Sources carry an open file descriptor: the data stays readable if the file is
 * renamed or unlinked (a cache entry evicted while a class uses it), and worker threads share the process's fds.
 */
import { closeSync, openSync, read, readSync, rmSync, unlinkSync, write } from 'node:fs';
import { promisify } from 'node:util';
import type { FeatureBatch } from '../engine/feature-batch.js';
import { assertFinite } from '../engine/finite.js';
import type { TapSource } from '../engine/tap-source.js';

export interface TapShape {
  n: number;
  c: number;
  h: number;
  w: number;
}

/** A FileTapSource as plain data (what crosses to the engine thread). */
export interface FileTapDescriptor extends TapShape {
  kind: 'file';
  fd: number;
  /** byte offset of image 0 of this tap */
  offset: number;
  /** e.g. 'train' (error messages) */
  label: string;
  tap: number;
}

const STEP = 1 << 26; // at most 64 MiB per system call
const readAsync = promisify(read);
const writeAsync = promisify(write);

export function readFullySync(fd: number, view: Uint8Array, position: number): void {
  for (let done = 0; done < view.byteLength;) {
    const got = readSync(fd, view, done, Math.min(STEP, view.byteLength - done), position + done);
    if (got === 0) throw new Error(`tap file ended at byte ${position + done}, ${view.byteLength - done} bytes short`);
    done += got;
  }
}

export async function readFully(fd: number, view: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < view.byteLength;) {
    const { bytesRead } = await readAsync(fd, view, done, Math.min(STEP, view.byteLength - done), position + done);
    if (bytesRead === 0)
      throw new Error(`file ended at byte ${position + done}, ${view.byteLength - done} bytes short`);
    done += bytesRead;
  }
}

export async function writeFully(fd: number, view: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < view.byteLength;) {
    const { bytesWritten } = await writeAsync(fd, view, done, Math.min(STEP, view.byteLength - done), position + done);
    done += bytesWritten;
  }
}

export const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** One tap read from a file on demand; every chunk read is checked finite. */
export class FileTapSource implements TapSource {
  readonly kind = 'file';
  constructor(readonly d: FileTapDescriptor) {}
  get n(): number {
    return this.d.n;
  }
  get c(): number {
    return this.d.c;
  }
  get h(): number {
    return this.d.h;
  }
  get w(): number {
    return this.d.w;
  }

  read(i0: number, i1: number, into?: Float32Array): Float32Array {
    const per = this.d.c * this.d.h * this.d.w;
    const len = (i1 - i0) * per;
    const out = into && into.length >= len ? into.subarray(0, len) : new Float32Array(len);
    readFullySync(this.d.fd, bytesOf(out), this.d.offset + i0 * per * 4);
    assertFinite(out, this.d, this.d.label, this.d.tap, i0);
    return out;
  }
}

/** Byte offsets of each tap in the tap-major layout, and the taps' total bytes. */
export function tapLayout(shapes: readonly TapShape[]): { offsets: number[]; bytes: number } {
  const offsets: number[] = [];
  let bytes = 0;
  for (const s of shapes) {
    offsets.push(bytes);
    bytes += s.n * s.c * s.h * s.w * 4;
  }
  return { offsets, bytes };
}

/**
 * A tap file being written: `write` puts a chunk of images of every tap at its place. `anonymous` files are unlinked
 * as soon as they are opened (nothing to clean up after a crash); the others can be renamed into the feature cache.
 */
export class TapFile {
  readonly fd: number;
  readonly offsets: number[];
  readonly bytes: number;
  private closed = false;

  constructor(
    readonly path: string,
    readonly shapes: readonly TapShape[],
    readonly anonymous: boolean,
  ) {
    const layout = tapLayout(shapes);
    this.offsets = layout.offsets;
    this.bytes = layout.bytes;
    this.fd = openSync(path, 'wx+', 0o600);
    if (anonymous) unlinkSync(path);
  }

  /** Images [i0, i0 + chunk n) of every tap. */
  async write(chunk: readonly FeatureBatch[], i0: number): Promise<void> {
    for (let t = 0; t < chunk.length; t++) {
      const b = chunk[t];
      const per = b.c * b.h * b.w;
      await writeFully(this.fd, bytesOf(b.data.subarray(0, b.n * per)), this.offsets[t] + i0 * per * 4);
    }
  }

  sources(label: string): FileTapSource[] {
    return this.shapes.map(
      (s, tap) => new FileTapSource({ kind: 'file', fd: this.fd, offset: this.offsets[tap], label, tap, ...s }),
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  /** Close, and remove a named file (one not adopted by the cache). */
  discard(): void {
    this.close();
    if (!this.anonymous) rmSync(this.path, { force: true });
  }
}
