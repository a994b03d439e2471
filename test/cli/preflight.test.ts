/** Pre-flight: weights prefixes resolve to full ids at submit; missing weights or datasets fail once, before anything is stored. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandSweepText } from '../../coordinator/grid/index.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { preflight } from '../../local/preflight.js';
import { trialKey } from '../../shared/trial.js';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-preflight-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const weightsDir = join(dir, 'weights');
const data = join(dir, 'data');
const HEX_A = 'a1b2c3d4e5f6' + '0'.repeat(52);
const HEX_B = 'a1b2c3d4e5f7' + '1'.repeat(52);
const HEX_C = 'a1b2c3d4e5f7' + '2'.repeat(52); // shares 12 digits with B
mkdirSync(weightsDir, { recursive: true });
for (const [hex, arch] of [
  [HEX_A, 'resnet18'],
  [HEX_B, 'resnet18'],
  [HEX_C, 'resnet18'],
])
  writeFileSync(
    join(weightsDir, `${hex}.json`),
    JSON.stringify({
      id: `sha256:${hex}`,
      arch,
      tag: null,
      source: 'x.pth',
      sourceSha256: '',
      tensors: 1,
      bytes: 1,
      importedAt: '2026-01-01',
    }),
  );
for (const c of ['bottle', 'cable'])
  for (const s of ['train', 'test']) mkdirSync(join(data, c, s, 'good'), { recursive: true });

const yaml = (weights: string, root = data, classes = 'bottle, cable'): string =>
  `name: pf\ngrid:\n  dataset: {kind: mvtec, root: ${root}, classes: [${classes}]}\n  weights: ${weights}\n  sigma: [2, 4]\n`;
const sweep = (text: string) => expandSweepText(text, join(dir, 'pf.yaml'));

describe('pre-flight', () => {
  it('a unique 12-digit sha256 prefix is resolved: the stored trials carry (and are keyed by) the full id', async () => {
    const s = await preflight(sweep(yaml('sha256:a1b2c3d4e5f6')), { weightsDir });
    expect(s.trials).toHaveLength(4);
    for (const t of s.trials) {
      expect(t.params.weights).toBe(`sha256:${HEX_A}`);
      expect(t.key).toBe(trialKey(t.params));
    }
    // the same grid written with the full id gives the same trials
    expect(s.trials.map((t) => t.key)).toEqual(sweep(yaml(`sha256:${HEX_A}`)).trials.map((t) => t.key));
    const store = SweepStore.open(':memory:');
    expect(store.submit(s)).toMatchObject({ added: 4 });
    store.close();
  });

  it('ambiguous or unknown prefixes, missing roots and classes are refused with what is wrong', async () => {
    await expect(preflight(sweep(yaml('sha256:a1b2c3d4e5f7')), { weightsDir })).rejects.toThrow(
      /weights sha256:a1b2c3d4e5f7 \(backbone resnet18\): .*ambiguous/,
    );
    await expect(preflight(sweep(yaml('sha256:ffffffffffff')), { weightsDir })).rejects.toThrow(
      /no weights sha256:ffffffffffff in/,
    );
    await expect(preflight(sweep(yaml('imagenet')), { weightsDir })).rejects.toThrow(
      /no ImageNet weights for resnet18/,
    );
    await expect(preflight(sweep(yaml('random:0', join(dir, 'nope'))), { weightsDir })).rejects.toThrow(
      /dataset root .*nope does not exist/,
    );
    await expect(preflight(sweep(yaml('random:0', data, 'bottle, screw')), { weightsDir })).rejects.toThrow(
      /has no class screw \(it has: bottle, cable\)/,
    );
    // --no-preflight: nothing checked, but a prefix cannot be resolved without the store
    expect((await preflight(sweep(yaml('random:0', join(dir, 'nope'))), { check: false })).trials).toHaveLength(4);
    await expect(preflight(sweep(yaml('sha256:a1b2c3d4e5f6')), { check: false })).rejects.toThrow(/is a prefix/);
  });

  it('submit exits 2 naming the problem and stores nothing; --no-preflight stores', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, yaml('random:0', join(dir, 'missing-root')));
    const db = join(dir, 'pf.db');
    const r = await runCli(['submit', file, '--db', db, '--weights-dir', weightsDir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /pre-flight check failed, nothing was stored:\n\s+dataset root .*missing-root does not exist/,
    );
    const ok = await runCli(['submit', file, '--db', db, '--no-preflight', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ added: 4 });
  }, 600_000);
});
