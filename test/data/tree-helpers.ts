/** Builders of tiny dataset trees for the data-layer tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writePng } from '../../worker/data/decode.js';

export function tempRoot(tag: string): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), `wepadim-data-${tag}-`));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A flat-colour RGB PNG (or grey when channels = 1). */
export async function png(
  path: string,
  width: number,
  height: number,
  value: number | [number, number, number],
  channels: 1 | 3 = 3,
): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const px = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < channels; c++) px[i * channels + c] = typeof value === 'number' ? value : value[c];
  }
  await writePng(path, px, width, height, channels);
}

export function textFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
