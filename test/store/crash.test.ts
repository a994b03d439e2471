/** A process killed in the middle of a submit leaves the database as it was before that submit. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/db.js';
import { SweepStore } from '../../coordinator/store/index.js';
import { forkTs } from '../../shared/spawn.js';
import { makeSweep } from './seed.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const classes = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

async function killMidSubmit(dbPath: string, sigmas: number): Promise<void> {
  const marker = join(dir, `marker-${Date.now()}`);
  const child = forkTs(new URL('./crash-child.ts', import.meta.url).pathname, [dbPath, marker, String(sigmas)], {
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, sig) => res(sig)));
  try {
    const t0 = Date.now();
    while (!existsSync(marker)) {
      if (Date.now() - t0 > 30_000) throw new Error('child never reached the middle of its submit');
      if (child.exitCode !== null) throw new Error(`child exited early with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

describe('crash during submit', () => {
  it('a killed first submit leaves no sweep and no trial', async () => {
    const path = join(dir, 'a.db');
    await killMidSubmit(path, 800); // 8,000 trials, killed after 5,000 inserts
    const sdb = openDatabase(path);
    const s = new SweepStore(sdb);
    expect(sdb.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(sdb.prepare('SELECT count(*) n FROM trials').get()).toEqual({ n: 0 });
    expect(sdb.prepare('SELECT count(*) n FROM sweeps').get()).toEqual({ n: 0 });
    s.close();
  }, 180_000);

  it('a killed extension keeps exactly the trials committed before it', async () => {
    const path = join(dir, 'b.db');
    const sdb = openDatabase(path);
    const s = new SweepStore(sdb);
    const sigma = Array.from({ length: 100 }, (_, i) => 1 + i / 100);
    expect(s.submit(makeSweep('crash', { classes, sigma })).added).toBe(1000);
    sdb.prepare(`UPDATE trials SET status = 'done' WHERE id <= 10`).run();
    s.close();
    await killMidSubmit(path, 800); // same name, 7,000 new trials
    const againDb = openDatabase(path);
    const again = new SweepStore(againDb);
    expect(againDb.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(again.statusCounts('crash')).toMatchObject({ done: 10, pending: 990 });
    const src = againDb.prepare('SELECT source_yaml FROM sweeps').get() as { source_yaml: string };
    expect(src.source_yaml).toContain('"sigma":[1,1.01'); // still the first submit's text
    expect(src.source_yaml).not.toContain('8.99');
    again.close();
  }, 180_000);
});
