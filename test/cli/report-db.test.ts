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
  it('status/leaderboard/resume SWEEP read runs/<sweep>/wepadim.db when ./runs/wepadim.db lacks the sweep', async () => {
    store('runs/demo/wepadim.db', 'demo', ['a', 'b', 'c']);
    const st = await runCli(['status', 'demo', '--json'], { cwd });
    expect(st.err).toBe('');
    expect(st.code).toBe(0);
    expect(JSON.parse(st.out)).toMatchObject({ sweep: 'demo', total: 3 });
    expect((await runCli(['leaderboard', 'demo', '--json'], { cwd })).code).toBe(0);
    expect((await runCli(['resume', 'demo', '--json'], { cwd })).code).toBe(0);

    // a shared database without that sweep does not hide the run's own
    store('runs/wepadim.db', 'other', ['x']);
    expect(JSON.parse((await runCli(['status', 'demo', '--json'], { cwd })).out)).toMatchObject({ total: 3 });
    // one that holds it wins (it is the documented default)
    store('runs/wepadim.db', 'demo', ['x', 'y']);
    expect(JSON.parse((await runCli(['status', 'demo', '--json'], { cwd })).out)).toMatchObject({ total: 2 });
    // --db still decides when given
    expect(
      JSON.parse((await runCli(['status', 'demo', '--json', '--db', 'runs/demo/wepadim.db'], { cwd })).out),
    ).toMatchObject({ total: 3 });
  }, 600_000);

  it('no database anywhere: the error names both places', async () => {
    const r = await runCli(['status', 'nothing'], { cwd: join(cwd, 'runs', 'demo') });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no database at \.\/runs\/wepadim\.db.*runs\/<sweep>\/wepadim\.db/);
  }, 600_000);
});

describe('status --watch', () => {
  it('redraws until stopped (each round re-reads the database)', async () => {
    const { spawn } = await import('node:child_process');
    const { repoRoot } = await import('../../shared/version.js');
    store('runs/w/wepadim.db', 'w', ['a']);
    const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'wepadim.js'), 'status', 'w', '--watch', '0.2'], {
      cwd,
      env: { ...process.env, WEPADIM_DB: '' },
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if ((out.match(/^Sweep w: 1 trials/gm) ?? []).length >= 2) resolve();
      });
      child.once('exit', (code) => reject(new Error(`status --watch exited (${code}): ${out}`)));
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toMatch(/Ctrl-C stops/);
  }, 600_000);
});
