/**
 * UploadArtifact / ListArtifacts / DownloadArtifact against the real server: the lease that owns a trial and
 * the attempt that produced its result may upload (also after the trial is done), a stale or expired lease
 * may not; sha256 and size are verified; the per-file and per-trial limits answer with a clear message; the
 * same (trial, name, sha256) is stored once; files land content-addressed beside the database.
 */
import * as grpc from '@grpc/grpc-js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadArtifact, uploadBuffer } from '../../coordinator/server/artifact-client.js';
import { promiseClient } from '../../coordinator/server/client.js';
import type { ArtifactHeader } from '../../proto/gen/wepadim/v1/ArtifactHeader.js';
import { acquire, register, startHarness, waitFor, type Harness } from './harness.js';
import { RESULT } from './seed.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const bytes = (n: number, seed = 1): Buffer =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 255));

function header(
  leaseId: string,
  token: number,
  name: string,
  data: Buffer,
  over: Partial<ArtifactHeader> = {},
): ArtifactHeader {
  return {
    worker_id: 'w1',
    lease_id: leaseId,
    fencing_token: token,
    name,
    kind: 'map-high',
    mime: 'image/png',
    sha256: sha(data),
    size: data.length,
    ...over,
  };
}

/** Upload `data` under the header made from the same arguments (over: fields to falsify). */
function up(
  leaseId: string,
  token: number,
  name: string,
  data: Buffer,
  over: Partial<ArtifactHeader> = {},
  chunk?: number,
) {
  return uploadBuffer(h!.client, header(leaseId, token, name, data, over), data, chunk);
}

async function refusal(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as grpc.ServiceError;
    return { code: e.code, details: e.details };
  }
  throw new Error('expected the upload to be refused');
}

async function leaseOne(hh: Harness): Promise<{ leaseId: string; token: number; key: string }> {
  await register(hh.client, 'w1');
  const g = await acquire(hh.client, 'w1', 1);
  const t = g.trials[0];
  return { leaseId: t.lease_id, token: Number(t.fencing_token), key: t.key };
}

describe('artifact uploads', () => {
  it('stores a file content-addressed for the running lease, once, and keeps it for the attempt after the trial is done', async () => {
    h = await startHarness([{ key: 'k1', featureKey: 'f' }], { leaseTtlMs: 60_000 });
    const l = await leaseOne(h);
    const data = bytes(300_000);
    const first = await up(l.leaseId, l.token, 'bottle_broken_003_score-3.75.png', data, {}, 1000);
    expect(first).toMatchObject({ stored: true, duplicate: false, trial_key: 'k1' });
    const s = sha(data);
    expect(first.path).toBe(`artifacts/sha256/${s.slice(0, 2)}/${s.slice(2)}.png`);
    expect(readFileSync(join(h.dir, first.path)).equals(data)).toBe(true);
    // the result is acknowledged; the same attempt uploads the same file again and another one
    await promiseClient(h.client).Complete({
      worker_id: 'w1',
      results: [{ lease_id: l.leaseId, fencing_token: l.token, ...RESULT }],
    });
    const again = await up(l.leaseId, l.token, 'bottle_broken_003_score-3.75.png', data);
    expect(again).toMatchObject({ stored: true, duplicate: true });
    const json = Buffer.from('{"key":"k1"}\n');
    expect(
      await up(l.leaseId, l.token, 'trial.json', json, {
        kind: 'trial-json',
        mime: 'application/json',
        source_path: '/tmp/a/trial.json',
      }),
    ).toMatchObject({ duplicate: false });
    const rows = h.ro
      .prepare('SELECT name, kind, sha256, size, mime, path, source_path FROM artifacts ORDER BY name')
      .all();
    // the worker path the result reported for trial.json was replaced by the stored file
    expect(rows).toEqual([
      {
        name: 'bottle_broken_003_score-3.75.png',
        kind: 'map-high',
        sha256: s,
        size: data.length,
        mime: 'image/png',
        path: first.path,
        source_path: null,
      },
      {
        name: 'trial.json',
        kind: 'trial-json',
        sha256: sha(json),
        size: json.length,
        mime: 'application/json',
        path: `artifacts/sha256/${sha(json).slice(0, 2)}/${sha(json).slice(2)}.json`,
        source_path: '/tmp/a/trial.json',
      },
    ]);
    expect(readdirSync(join(h.dir, 'artifacts', 'tmp'))).toEqual([]);
    // list and download from "another machine"
    const list = await promiseClient(h.client).ListArtifacts({ trial: 'k1' });
    expect(list.trials).toBe(1);
    expect(list.artifacts.map((a) => [a.name, Number(a.size), a.sweep])).toEqual([
      ['bottle_broken_003_score-3.75.png', data.length, 'sweep1'],
      ['trial.json', json.length, 'sweep1'],
    ]);
    const out = join(h.dir, 'fetched.png');
    expect(await downloadArtifact(h.client, s, out)).toBe(data.length);
    expect(readFileSync(out).equals(data)).toBe(true);
    expect((await promiseClient(h.client).ListArtifacts({ trial: 'nope' })).trials).toBe(0);
  });

  it('refuses a stale lease (FAILED_PRECONDITION) and records why, storing nothing', async () => {
    h = await startHarness([{ key: 'k1', featureKey: 'f' }], { leaseTtlMs: 300 });
    const l = await leaseOne(h);
    const data = bytes(1000);
    const wrongToken = await refusal(up(l.leaseId, l.token + 1, 'a.png', data));
    expect(wrongToken.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(wrongToken.details).toMatch(/stale/);
    // the lease expires (no heartbeat): the attempt that never produced a result cannot write any more
    await waitFor(
      () =>
        (h!.ro.prepare('SELECT outcome FROM attempts WHERE lease_id = ?').get(l.leaseId) as { outcome: string })
          .outcome === 'expired',
      30_000,
      'lease expiry',
    );
    const expired = await refusal(up(l.leaseId, l.token, 'a.png', data));
    expect(expired.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(expired.details).toMatch(/no longer owns trial k1 \(attempt expired/);
    expect(h.ro.prepare('SELECT count(*) AS n FROM artifacts').get()).toEqual({ n: 0 });
    expect(
      (
        h.ro.prepare("SELECT count(*) AS n FROM events WHERE message LIKE 'artifact upload refused%'").get() as {
          n: number;
        }
      ).n,
    ).toBe(2);
    const unknown = await refusal(up('no-such-lease', 1, 'a.png', data));
    expect(unknown.code).toBe(grpc.status.FAILED_PRECONDITION);
  });

  it('refuses a sha256 or size mismatch (INVALID_ARGUMENT) and leaves no file behind', async () => {
    h = await startHarness([{ key: 'k1', featureKey: 'f' }], { leaseTtlMs: 60_000 });
    const l = await leaseOne(h);
    const data = bytes(5000);
    const bad = await refusal(up(l.leaseId, l.token, 'a.png', data, { sha256: sha(bytes(5000, 2)) }));
    expect(bad.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(bad.details).toMatch(/sha256 mismatch/);
    const short = await refusal(up(l.leaseId, l.token, 'a.png', data, { size: 6000 }));
    expect(short.details).toMatch(/size mismatch: header says 6000 bytes, received 5000/);
    const long = await refusal(up(l.leaseId, l.token, 'a.png', data, { size: 10 }));
    expect(long.details).toMatch(/more bytes than the 10/);
    const name = await refusal(up(l.leaseId, l.token, '../etc/passwd', data));
    expect(name.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(h.ro.prepare('SELECT count(*) AS n FROM artifacts').get()).toEqual({ n: 0 });
    expect(existsSync(join(h.dir, 'artifacts', 'sha256'))).toBe(false);
    expect(readdirSync(join(h.dir, 'artifacts', 'tmp'))).toEqual([]);
  });

  it('enforces the per-file and per-trial size limits with a message naming the limit (OUT_OF_RANGE)', async () => {
    h = await startHarness([{ key: 'k1', featureKey: 'f' }], {
      leaseTtlMs: 60_000,
      artifactFileBytes: 10_000,
      artifactTrialBytes: 15_000,
    });
    const l = await leaseOne(h);
    const big = await refusal(up(l.leaseId, l.token, 'big.png', bytes(10_001)));
    expect(big.code).toBe(grpc.status.OUT_OF_RANGE);
    expect(big.details).toBe(
      "artifact big.png of trial k1 is 10001 bytes; the coordinator's limit per file is 10000 bytes (--artifact-file-limit)",
    );
    await up(l.leaseId, l.token, 'one.png', bytes(8000));
    const over = await refusal(up(l.leaseId, l.token, 'two.png', bytes(8000, 3)));
    expect(over.code).toBe(grpc.status.OUT_OF_RANGE);
    expect(over.details).toMatch(
      /would bring trial k1 to 16000 bytes; the coordinator's limit per trial is 15000 bytes/,
    );
    // a duplicate of a stored file is no new bytes: accepted at the limit
    expect(await up(l.leaseId, l.token, 'one.png', bytes(8000))).toMatchObject({ duplicate: true });
  });
});
