/**
 * The malformed-sweep corpus: every file under test/grid/malformed/ starts with `# expect: <message>`, the
 * exact error (file:line:column: what (allowed: ...)). Each must fail with that message as a UserError
 * (exit code 2), before anything reaches the store; a few go through the real CLI.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweepFile } from '../../coordinator/grid/index.js';
import { openDatabase, submitSweep } from '../../coordinator/store/index.js';
import { exitCodeFor, UserError } from '../../shared/errors.js';

const DIR = 'test/grid/malformed';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function expected(file: string): string {
  const first = readFileSync(`${DIR}/${file}`, 'utf8').split('\n')[0];
  const m = /^# expect: (.+)$/.exec(first);
  if (!m) throw new Error(`${file}: first line must be "# expect: <message>"`);
  return m[1].split('$ABSDIR').join(resolve(DIR)).split('$DIR').join(DIR);
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return null;
}

describe('malformed sweep corpus', () => {
  it('has at least 25 files, each naming its own file and a line and column', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    for (const f of files) expect(expected(f)).toMatch(new RegExp(`^${DIR}/[a-z0-9/-]+\\.yaml:\\d+:\\d+: `));
  });

  it.each(files)('%s fails with its exact message and exit code 2', (f) => {
    const err = errorOf(() => loadSweepFile(`${DIR}/${f}`));
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(expected(f));
    expect(exitCodeFor(err)).toBe(2);
  });

  it('writes no row: a submit of a malformed file never reaches the database', () => {
    const db = openDatabase(':memory:');
    try {
      for (const f of files) {
        expect(errorOf(() => submitSweep(db, loadSweepFile(`${DIR}/${f}`)))).toBeInstanceOf(UserError);
      }
      const count = (t: string): number => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
      expect(count('sweeps')).toBe(0);
      expect(count('trials')).toBe(0);
    } finally {
      db.close();
    }
  });
});

describe('wepadim grid expand on malformed files', () => {
  const viaCli = ['unknown-wavelet.yaml', 'level-too-deep.yaml', 'unclosed-flow.yaml', 'negative-cov-reg.yaml'];
  it.each(viaCli)('%s: exit 2, the located message on stderr, nothing on stdout', (f) => {
    const r = spawnSync(process.execPath, ['bin/wepadim.js', 'grid', 'expand', `${DIR}/${f}`], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`wepadim: ${expected(f)}\n`);
    expect(r.stdout).toBe('');
  });
});
