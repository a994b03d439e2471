import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandSweepText } from '../../coordinator/grid/index.js';
import { randomWeightsOf, weightsBannerFor } from '../../coordinator/report/weights-notice.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { RANDOM_WEIGHTS_WARNING } from '../../shared/weights-notice.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-notice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sweep = (name: string, weights: string): string => `
name: ${name}
grid:
  dataset: {kind: mvtec, root: /data/mvtec, classes: [bottle, cable]}
  backbone: resnet18
  weights: ${weights}
  sigma: [2.0, 4.0]
`;

describe('random-weights notice', () => {
  const path = join(dir, 'w.db');
  const store = SweepStore.open(path);
  store.submit(expandSweepText(sweep('rand', '[random:0, random:7]'), join(dir, 'rand.yaml')));
  store.submit(expandSweepText(sweep('real', `sha256:${'ab'.repeat(32)}`), join(dir, 'real.yaml')));
  store.close();

  it('lists exactly the random specs of the sweep asked about', () => {
    const s = SweepStore.open(path);
    try {
      expect(randomWeightsOf(s.reads, 'rand')).toEqual(['random:0', 'random:7']);
      expect(randomWeightsOf(s.reads, 'real')).toEqual([]);
      // the banner wraps its words at 80 columns: joined again, they are the whole warning
      expect(weightsBannerFor(s.reads, 'rand').replace(/\n!! /g, ' ')).toContain(RANDOM_WEIGHTS_WARNING);
      expect(weightsBannerFor(s.reads, 'real')).toBe('');
    } finally {
      s.close();
    }
  });

  it('is printed by status and leaderboard, and carried in their JSON', () => {
    const cli = (...args: string[]): string =>
      execFileSync(process.execPath, ['bin/wepadim.js', ...args, '--db', path], { encoding: 'utf8' });
    expect(cli('status', 'rand').replace(/\n!! /g, ' ')).toContain(RANDOM_WEIGHTS_WARNING);
    expect(cli('status', 'real')).not.toContain('NOT comparable');
    const lb = JSON.parse(cli('leaderboard', 'rand', '--json')) as { warning: string | null; random_weights: string[] };
    expect(lb.warning).toBe(RANDOM_WEIGHTS_WARNING);
    expect(lb.random_weights).toEqual(['random:0', 'random:7']);
    const real = JSON.parse(cli('leaderboard', 'real', '--json')) as { warning: string | null };
    expect(real.warning).toBeNull();
  });
});
