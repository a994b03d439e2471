/** Read a torchvision state_dict from a .pth (torch zip) or .safetensors file, telling them apart by content. */
import { readFileSync } from 'node:fs';
import { UserError } from '../../shared/errors.js';
import { readPth } from './pth.js';
import { readLegacyPth } from './pth-legacy.js';
import { readSafetensors } from './safetensors.js';
import type { StateDict } from './tensors.js';

export function parseStateDict(buf: Uint8Array, file: string): StateDict {
  if (buf[0] === 0x50 && buf[1] === 0x4b) return readPth(buf, file);
  if (buf.length >= 9 && buf[8] === 0x7b) return readSafetensors(buf, file); // '{' after the u64 length
  if (buf[0] === 0x80) return readLegacyPth(buf, file); // torch < 1.6 format: concatenated pickles
  throw new UserError('neither a torch .pth (zip or legacy) nor a .safetensors file', { file });
}

export function readWeightsFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UserError(`cannot read weights file: ${(e as Error).message}`, { file });
  }
}

export function readStateDict(file: string): StateDict {
  return parseStateDict(readWeightsFile(file), file);
}
