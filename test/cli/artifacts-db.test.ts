/**
 * `wepadim artifacts TRIAL` by the 12-digit key prefix that reports show, over gRPC and with --db FILE (the
 * database's own folder, no coordinator): the same listing, and fetched bytes equal to the stored sha256; an
 * ambiguous prefix names its matches (exit 2), a damaged stored file is refused rather than copied.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uploadBuffer } from '../../coordinator/server/artifact-client.js';
import { promiseClient } from '../../coordinator/server/client.js';
import { WEPADIM } from '../distributed/harness.js';
import { acquire, register, startHarness, TOKEN, type Harness } from '../coordinator/harness.js';
import { RESULT } from '../coordinator/seed.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [WEPADIM, ...args], { env: { ...process.env, WEPADIM_TOKEN: TOKEN } }, (err, o, e) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout: o, stderr: e }),
    );
  });
}

describe('wepadim artifacts by key prefix, from a coordinator or from --db', () => {
  it('lists and fetches the same files both ways; ambiguous prefixes and damaged files are refused', async () => {
    const k1 = 'abcdef012345aaaa00000001';
    const k2 = 'abcdef012345bbbb00000002';
    h = await startHarness(
      [
        { key: k1, featureKey: 'f', objective: 'synthetic' },
        { key: k2, featureKey: 'f', objective: 'synthetic' },
      ],
      { leaseTtlMs: 60_000 },
    );
    await register(h.client, 'w1');
    const [t1] = (await acquire(h.client, 'w1', 2)).trials;
    expect(t1.key).toBe(k1);
    const png = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) & 255));
    const name = 'bottle_broken_000_score-2.500.png';
    await uploadBuffer(
      h.client,
      {
        worker_id: 'w1',
        lease_id: t1.lease_id,
        fencing_token: t1.fencing_token,
        name,
        kind: 'map-high',
        mime: 'image/png',
        sha256: sha(png),
        size: png.length,
      },
      png,
    );
    await promiseClient(h.client).Complete({
      worker_id: 'w1',
      results: [{ lease_id: t1.lease_id, fencing_token: t1.fencing_token, ...RESULT, metrics: { image_auroc: 0.9 } }],
    });
    const remote = ['--coordinator', h.coord.address, '--insecure'];
    const local = ['--db', h.dbPath];
    const prefix = k1.slice(0, 12 + 1); // 'abcdef012345a': unique; 'abcdef012345' alone is shared by both keys
    for (const where of [remote, local]) {
      const list = await cli(['artifacts', prefix, '--json', ...where]);
      expect(list.code, list.stderr).toBe(0);
      const rows = JSON.parse(list.stdout) as { trial_key: string; name: string; sha256: string; size: number }[];
      expect(rows.map((r) => [r.trial_key, r.name, r.sha256, r.size])).toEqual([[k1, name, sha(png), png.length]]);
      const out = join(h.dir, `out-${where[0].slice(2)}`);
      const got = await cli(['artifacts', prefix, '--out', out, ...where]);
      expect(got.code, got.stderr).toBe(0);
      expect(readFileSync(join(out, k1, name)).equals(png)).toBe(true);
      const ambiguous = await cli(['artifacts', 'abcdef012345', ...where]);
      expect(ambiguous.code).toBe(2);
      expect(ambiguous.stderr).toContain(`trial key prefix abcdef012345 is ambiguous (${k1}, ${k2})`);
    }
    // a stored file whose bytes no longer match its sha256 is refused by --db, not copied as if sound
    const stored = h.ro.prepare('SELECT path FROM artifacts WHERE name = ?').pluck().get(name) as string;
    writeFileSync(join(h.dir, stored), Buffer.alloc(png.length));
    const damaged = await cli(['artifacts', k1, '--out', join(h.dir, 'out-damaged'), ...local]);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toContain('its sha256 differs');
  }, 300_000);
});
