/** Reports name a trial one way: the first 12 hex digits of its key (never the database's integer id). */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/db.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { buildLeaderboard } from '../../coordinator/report/leaderboard.js';
import { leaderboardText } from '../../coordinator/report/leaderboard-view.js';
import { buildRunReport, renderRunReport } from '../../local/summary.js';
import { makeSweep, seedResults } from '../store/seed.js';

describe('trial ids in reports', () => {
  it('per-class leaderboard and the run summary show the key prefix', () => {
    const db = openDatabase(':memory:');
    const s = new SweepStore(db);
    s.submit(makeSweep('ids', { classes: ['a', 'b'], sigma: [1, 2] }));
    const seeded = seedResults(db, 1, ['image_auroc', 'pixel_auroc'], 3);
    const lb = buildLeaderboard(s.reads, { sweep: 'ids', metric: 'image_auroc', mode: 'per-class' });
    const keyOf = new Map(
      seeded.map((t) => [t.id, (db.prepare('SELECT key FROM trials WHERE id = ?').get(t.id) as { key: string }).key]),
    );
    for (const e of lb.perClass!.entries) expect(e.key).toBe(keyOf.get(e.trialId));
    const text = leaderboardText(lb);
    const run = renderRunReport(buildRunReport(s.reads, 'ids', '/db'), '/art');
    for (const e of lb.perClass!.entries) {
      expect(text).toMatch(new RegExp(`\\b${e.class}\\b.*\\b${e.key.slice(0, 12)}\\b`));
      expect(run).toMatch(new RegExp(`\\b${e.class}\\b.*\\b${e.key.slice(0, 12)}\\b`));
    }
    // the integer id column is gone: no "trial" cell holds a bare small integer
    expect(text).not.toMatch(/\btrial\b[^\n]*\n[^\n]*\s[1-4]\s*$/m);
    s.close();
  });
});
