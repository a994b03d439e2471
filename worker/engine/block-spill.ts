/**
 * The float32 subband blocks of a DWT group that would not fit its memory budget, in unlinked files: the DWT runs
 * once, writing each block chunk by chunk as it is produced, and each block is read back when its Gram terms are
 * computed, one at a time. Without a spill the group recomputes the DWT for every block (GroupState's other
 * one-block-at-a-time mode); the numbers are the same either way, since the bytes read back are the bytes written.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Subband } from '../../shared/subbands.js';
import { featureBatch, type FeatureBatch } from './feature-batch.js';

const STEP = 1 << 26; // at most 64 MiB per system call

export type Split = 'train' | 'test';

export class BlockSpill {
  private readonly files = new Map<string, number>();
  private readonly shapes = new Map<string, { n: number; c: number; h: number; w: number }>();

  constructor(private readonly dir: string) {}

  private fd(b: Subband, split: Split): number {
    const key = `${b}/${split}`;
    let fd = this.files.get(key);
    if (fd === undefined) {
      const path = join(this.dir, `wepadim-block-${process.pid}-${randomUUID()}.f32`);
      fd = openSync(path, 'w+', 0o600);
      unlinkSync(path); // the open descriptor keeps the data; nothing is left behind after a crash
      this.files.set(key, fd);
    }
    return fd;
  }

  /** Write images [i0, i0 + x.n) of block b. */
  write(b: Subband, split: Split, i0: number, x: FeatureBatch): void {
    this.shapes.set(`${b}/${split}`, {
      n: Math.max(this.shapes.get(`${b}/${split}`)?.n ?? 0, i0 + x.n),
      c: x.c,
      h: x.h,
      w: x.w,
    });
    const bytes = new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength);
    const at = i0 * x.c * x.h * x.w * 4;
    const fd = this.fd(b, split);
    for (let done = 0; done < bytes.byteLength;)
      done += writeSync(fd, bytes, done, Math.min(STEP, bytes.byteLength - done), at + done);
  }

  /** The whole block b of one split, as written. */
  read(b: Subband, split: Split): FeatureBatch {
    const s = this.shapes.get(`${b}/${split}`);
    const fd = this.files.get(`${b}/${split}`);
    if (!s || fd === undefined) throw new Error(`internal: block ${b} (${split}) was not spilled`);
    const out = featureBatch(s.n, s.c, s.h, s.w);
    const bytes = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
    for (let done = 0; done < bytes.byteLength;) {
      const got = readSync(fd, bytes, done, Math.min(STEP, bytes.byteLength - done), done);
      if (got === 0) throw new Error(`block file of ${b} (${split}) ended ${bytes.byteLength - done} bytes short`);
      done += got;
    }
    return out;
  }

  /** Close every file (their space is freed: they were unlinked at creation). */
  close(): void {
    for (const fd of this.files.values()) closeSync(fd);
    this.files.clear();
  }
}
