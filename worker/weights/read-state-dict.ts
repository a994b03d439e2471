/** Read a torchvision state_dict from a .pth (torch zip) or .safetensors file, telling them apart by content. */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
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

/** Read a weights file: a regular file only (`/dev/zero` or a FIFO would never end), opened non-blocking. */
export function readWeightsFile(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UserError(`cannot read weights file: ${(e as Error).message}`, { file });
  }
  try {
    if (!fstatSync(fd).isFile()) throw new UserError('not a regular file: a weights file must be one', { file });
    return readFileSync(fd);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read weights file: ${(e as Error).message}`, { file });
  } finally {
    closeSync(fd);
  }
}

export function readStateDict(file: string): StateDict {
  return parseStateDict(readWeightsFile(file), file);
}
