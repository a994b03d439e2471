/** `wepadim dataset synth|ls|check` end to end through the real CLI entry point. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempRoot } from './tree-helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'wepadim.js');
const t = tempRoot('cli');
afterAll(() => t.cleanup());

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WEPADIM_LOG_LEVEL: 'warn' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('wepadim dataset', () => {
  it('synth writes, ls lists, check finds a corrupt file by name', () => {
    const out = join(t.root, 'synth');
    const s = cli(
      'dataset',
      'synth',
      '--out',
      out,
      '--classes',
      'weave,bracket',
      '--train',
      '2',
      '--test',
      '5',
      '--size',
      '48',
      '--json',
    );
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({
      files: 2 * (2 + 5 + 2),
      spec: { classes: ['weave', 'bracket'], seed: 0 },
    });

    const ls = cli('dataset', 'ls', out, '--json');
    expect(ls.code, ls.stderr).toBe(0);
    const listed = JSON.parse(ls.stdout) as {
      kind: string;
      classes: { class: string; train: number; test_good: number; test_defect: number; defects: string[] }[];
    };
    expect(listed.kind).toBe('folder');
    expect(listed.classes.map((c) => [c.class, c.train, c.test_good, c.test_defect])).toEqual([
      ['bracket', 2, 3, 2],
      ['weave', 2, 3, 2],
    ]);

    const bad = join(out, 'weave', 'test', 'good', '001.png');
    writeFileSync(bad, 'truncated');
    const check = cli('dataset', 'check', out, '--json');
    expect(check.code).toBe(2);
    const report = JSON.parse(check.stdout) as { problems: { className: string; file: string; message: string }[] };
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ className: 'weave', file: bad });
    expect(report.problems[0].message.startsWith(`${bad}: cannot decode image`)).toBe(true);
  });

  it('bad input exits 2 with the offending path', () => {
    const r = cli('dataset', 'ls', join(t.root, 'absent'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(t.root, 'absent')}: dataset root not found`);
  });
});
