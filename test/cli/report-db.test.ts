/** Report commands find the database `wepadim run` wrote (runs/<sweep>/wepadim.db) without --db. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SweepStore } from '../../coordinator/store/index.js';
import { makeSweep } from '../store/seed.js';
import { runCli } from './helpers.js';

const cwd = mkdtempSync(join(tmpdir(), 'wepadim-report-db-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function store(path: string, name: string, classes: string[]): void {
  const s = SweepStore.open(join(cwd, path));
  s.submit(makeSweep(name, { classes }));
  s.close();
}

describe('report commands and the per-run database', () => {
  it('status/leaderboard/resume SWEEP read runs/<sweep>/wepadim.db when ./runs/wepadim.db lacks the sweep', () => {
    store('runs/demo/wepadim.db', 'demo', ['a', 'b', 'c']);
    const st = runCli(['status', 'demo', '--json'], { cwd });
    expect(st.err).toBe('');
    expect(st.code).toBe(0);
    expect(JSON.parse(st.out)).toMatchObject({ sweep: 'demo', total: 3 });
    expect(runCli(['leaderboard', 'demo', '--json'], { cwd }).code).toBe(0);
    expect(runCli(['resume', 'demo', '--json'], { cwd }).code).toBe(0);

    // a shared database without that sweep does not hide the run's own
    store('runs/wepadim.db', 'other', ['x']);
    expect(JSON.parse(runCli(['status', 'demo', '--json'], { cwd }).out)).toMatchObject({ total: 3 });
    // one that holds it wins (it is the documented default)
    store('runs/wepadim.db', 'demo', ['x', 'y']);
    expect(JSON.parse(runCli(['status', 'demo', '--json'], { cwd }).out)).toMatchObject({ total: 2 });
    // --db still decides when given
    expect(JSON.parse(runCli(['status', 'demo', '--json', '--db', 'runs/demo/wepadim.db'], { cwd }).out)).toMatchObject({ total: 3 });
  }, 60_000);

  it('no database anywhere: the error names both places', () => {
    const r = runCli(['status', 'nothing'], { cwd: join(cwd, 'runs', 'demo') });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no database at \.\/runs\/wepadim\.db.*runs\/<sweep>\/wepadim\.db/);
  }, 30_000);
});
