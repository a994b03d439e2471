/**
 * Client side of the artifact RPCs for `wepadim artifacts` and tests: upload one buffer as a file
 * (header + chunks), and download a stored file by sha256 into a path (written to a temporary, checked
 * against its sha256, renamed into place).
 */
import { createHash } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import type { CoordinatorClient } from '../../proto/load.js';
import type { ArtifactHeader } from '../../proto/gen/wepadim/v1/ArtifactHeader.js';
import type { UploadArtifactResponse__Output } from '../../proto/gen/wepadim/v1/UploadArtifactResponse.js';
import { deadlineIn } from './client.js';

/** Upload `data` with `header` (sha256/size as given: tests send wrong ones on purpose), in `chunk`-byte messages. */
export function uploadBuffer(
  c: CoordinatorClient,
  header: ArtifactHeader,
  data: Buffer,
  chunk = 64 * 1024,
  timeoutMs = 30_000,
): Promise<UploadArtifactResponse__Output> {
  return new Promise((resolve, reject) => {
    const call = c.UploadArtifact(deadlineIn(timeoutMs), (err, res) =>
      err || !res ? reject(err ?? new Error('empty answer')) : resolve(res),
    );
    call.write({ header });
    for (let i = 0; i < data.length; i += chunk) call.write({ data: data.subarray(i, i + chunk) });
    call.end();
  });
}

/** Download the stored file `sha256` to `path`; rejects (and leaves nothing at `path`) when the bytes do not hash to it. */
export async function downloadArtifact(
  c: CoordinatorClient,
  sha256: string,
  path: string,
  timeoutMs = 600_000,
): Promise<number> {
  const tmp = `${path}.part-${process.pid}`;
  const fh = await open(tmp, 'w');
  const h = createHash('sha256');
  let bytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const call = c.DownloadArtifact({ sha256 }, deadlineIn(timeoutMs));
      let writing: Promise<unknown> = Promise.resolve();
      call.on('data', (m: { data: Buffer }) => {
        h.update(m.data);
        bytes += m.data.length;
        call.pause();
        writing = writing.then(() => fh.write(m.data)).then(() => call.resume(), reject);
      });
      call.on('end', () => void writing.then(() => resolve(), reject));
      call.on('error', reject);
    });
    await fh.sync();
    await fh.close();
    const got = h.digest('hex');
    if (got !== sha256) throw new Error(`downloaded bytes hash to ${got}, expected ${sha256}`);
    await rename(tmp, path);
    return bytes;
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
