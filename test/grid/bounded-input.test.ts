/**
 * Hostile or broken sweep files stay bounded (issue 11, item 4): alias bombs, deep nesting, huge or
 * non-regular files, binary garbage, explicit nulls and unbounded names are refused as UserErrors (exit 2)
 * that name the file and line, and no message echoes terminal controls or megabytes of input.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stageSize } from '../../coordinator/grid/count.js';
import { expandSweepText, loadSweepFile } from '../../coordinator/grid/index.js';
import { parseLocated, type LMap } from '../../coordinator/grid/located.js';
import { parseStage } from '../../coordinator/grid/stage.js';
import { exitCodeFor, UserError } from '../../shared/errors.js';
import { printable } from '../../shared/printable.js';

const tmp = mkdtempSync(join(tmpdir(), 'wepadim-bounded-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEAD = 'name: t\ngrid:\n  dataset: {kind: mvtec, root: /data/mvtec, classes: [bottle]}\n';

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect(exitCodeFor(err)).toBe(2);
    return err as UserError;
  }
  throw new Error('expected a UserError, got none');
}

function write(name: string, text: string | Buffer): string {
  const f = join(tmp, name);
  writeFileSync(f, text);
  return f;
}

/** No C0/C1 control character, DEL or bidi override in the message (newlines excepted). */
function expectClean(msg: string): void {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  expect(msg).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
}

describe('alias expansion, nesting and size', () => {
  it('refuses a 546-byte alias bomb (10^9 nodes) at the alias that crosses the limit', () => {
    const lines = ['name: bomb', `a0: &a0 [${Array(9).fill('"lol"').join(',')}]`];
    for (let i = 1; i < 10; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(',')}]`,
      );
    lines.push('grid: {dataset: {kind: mvtec, root: /tmp}, wavelet: *a9}');
    const f = write('bomb.yaml', lines.join('\n') + '\n');
    const err = errorOf(() => loadSweepFile(f));
    expect(err.message).toBe(
      `${f}:6:10: YAML aliases expand to more than 10000 nodes (an alias bomb?): write the values out or use fewer aliases`,
    );
  });

  it('still expands ordinary anchors, aliases and merge keys', () => {
    const s = expandSweepText(
      `${HEAD}  wavelet: &w [haar, db2]\nstages:\n  a: {grid: {wavelet: *w}}\n  b:\n    grid: &g {sigma: [2, 4]}\n  c: {grid: {<<: *g, level: 2}}\n`,
      'x.yaml',
    );
    expect(s.points).toEqual({ a: 2, b: 4, c: 4 });
  });

  it('refuses deep flow and block nesting before the parser recurses, naming the line', () => {
    const flow = errorOf(() =>
      expandSweepText(`${HEAD}  sigma: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`, 'deep.yaml'),
    );
    expect(flow.message).toMatch(/^deep\.yaml:4:\d+: YAML nested too deeply \(more than 64 levels\)$/);
    const block = errorOf(() => expandSweepText(`${HEAD}\nx:\n  ${'- '.repeat(300_000)}1\n`, 'seq.yaml'));
    expect(block.message).toMatch(/^seq\.yaml:6:\d+: YAML nested too deeply \(more than 64 levels\)$/);
    // just past the exact limit: found on the tree, at the node that is too deep
    const exact = errorOf(() => expandSweepText(`${HEAD}  sigma: ${'['.repeat(70)}1${']'.repeat(70)}\n`, 'exact.yaml'));
    expect(exact.message).toBe('exact.yaml:4:73: YAML nested too deeply (more than 64 levels)');
  });

  it('refuses a file over 1 MiB before parsing it', () => {
    const f = write('big.yaml', `${HEAD}${'# padding\n'.repeat(110_000)}`);
    expect(errorOf(() => loadSweepFile(f)).message).toBe(
      `${f}: sweep file ${f} is 1100077 bytes, more than the limit of 1048576 (1 MiB)`,
    );
  });
});

describe('extends reads only regular files of bounded size', () => {
  it('refuses extends: /dev/zero at the extends line, without reading it', () => {
    const f = write('zero.yaml', 'extends: /dev/zero\nname: z\n');
    expect(errorOf(() => loadSweepFile(f)).message).toBe(
      `${f}:1:10: extends: base file /dev/zero is a device, not a regular file`,
    );
  });

  it('refuses a FIFO (the open does not block) and a directory', () => {
    const fifo = join(tmp, 'pipe.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const f = write('fifo.yaml', 'extends: pipe.yaml\nname: p\n');
    expect(errorOf(() => loadSweepFile(f)).message).toBe(
      `${f}:1:10: extends: base file ${join(tmp, 'pipe.yaml')} is a FIFO, not a regular file`,
    );
    expect(errorOf(() => loadSweepFile(tmp)).message).toBe(
      `${tmp}: sweep file ${tmp} is a directory, not a regular file`,
    );
  });

  it('refuses a base file over the size limit', () => {
    write('huge-base.yaml', `${HEAD}${'#'.repeat(1024 * 1024)}\n`);
    const f = write('huge-child.yaml', 'name: c\nextends: huge-base.yaml\n');
    expect(errorOf(() => loadSweepFile(f)).message).toBe(
      `${f}:2:10: extends: base file ${join(tmp, 'huge-base.yaml')} is 1048654 bytes, more than the limit of 1048576 (1 MiB)`,
    );
  });

  it('wepadim grid expand exits 2 on extends: /dev/zero', () => {
    const f = write('zero-cli.yaml', 'name: z\nextends: /dev/zero\n');
    const r = spawnSync(process.execPath, ['bin/wepadim.js', 'grid', 'expand', f], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`wepadim: ${f}:2:10: extends: base file /dev/zero is a device, not a regular file\n`);
  });
});

describe('binary garbage and terminal escapes', () => {
  it('refuses binary garbage with a clean message naming the line', () => {
    const bytes = Buffer.alloc(4096);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    const err = errorOf(() => loadSweepFile(write('garbage.yaml', bytes)));
    expect(err.message).toMatch(
      /garbage\.yaml:1:\d+: not a YAML text file: (control character U\+00[0-9A-F]{2}|invalid UTF-8) \(binary data\?\)$/,
    );
    expectClean(err.message);
  });

  it('refuses invalid UTF-8 in otherwise readable text', () => {
    const f = write(
      'latin1.yaml',
      Buffer.concat([Buffer.from(`${HEAD}description: caf`), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    expect(errorOf(() => loadSweepFile(f)).message).toBe(
      `${f}:4:17: not a YAML text file: invalid UTF-8 (binary data?)`,
    );
  });

  it('escapes terminal controls echoed from quoted values and cuts long ones', () => {
    const esc = errorOf(() => expandSweepText(`${HEAD}  wavelet: "\\e[2J\\e]0;pwned\\a\\u202e"\n`, 'esc.yaml'));
    expect(esc.message).toBe(
      'esc.yaml:4:12: unknown wavelet "\\x1b[2J\\x1b]0;pwned\\x07\\u202e" (allowed: ' +
        esc.message.split('(allowed: ')[1],
    );
    expectClean(esc.message);
    const long = errorOf(() => expandSweepText(`${HEAD}  wavelet: ${'w'.repeat(1_000_000)}\n`, 'long.yaml'));
    expect(long.message.length).toBeLessThan(400);
    expect(long.message).toContain(`unknown wavelet "${'w'.repeat(80)}… (1000000 characters)"`);
  });

  it('printable() escapes controls, bidi overrides and lone surrogates, and never splits an escape', () => {
    expect(printable('a\x1b[31mb\nc\u009b\u202e\ud800')).toBe('a\\x1b[31mb\\nc\\x9b\\u202e\\ud800');
    expect(printable('\x1b'.repeat(10), 9)).toBe('\\x1b\\x1b… (10 characters)');
    expect(printable('ok ✓ 😀')).toBe('ok ✓ 😀');
  });
});

describe('explicit nulls', () => {
  it('an explicit null is an error naming the field and line, not a silent default', () => {
    expect(errorOf(() => expandSweepText(`${HEAD}  wavelet: ~\n`, 'n.yaml')).message).toBe(
      'n.yaml:4:3: grid.wavelet is empty (null): give a value, or leave wavelet out for its default (haar)',
    );
    expect(errorOf(() => expandSweepText(`${HEAD}  subbands:\n`, 'n.yaml')).message).toBe(
      'n.yaml:4:3: grid.subbands is empty (null): give a value, or leave subbands out for its default ([LL, LH, HL])',
    );
    expect(errorOf(() => expandSweepText(`${HEAD}retries: null\n`, 'n.yaml')).message).toBe(
      'n.yaml:4:1: retries is empty (null): give a value, or leave the key out',
    );
    const stage = `name: t\nstages:\n  a:\n    grid:\n      dataset: {kind: mvtec, root: /d, classes: null}\n`;
    expect(errorOf(() => expandSweepText(stage, 'n.yaml')).message).toBe(
      'n.yaml:5:40: stages.a.grid.dataset.classes is empty (null): give a value, or leave the key out',
    );
  });

  it('selection: null keeps its documented meaning, and null still removes a key under extends', () => {
    expect(expandSweepText(`${HEAD}  selection: null\n`, 'n.yaml').trials[0].params.selection).toBeNull();
    write('null-base.yaml', `${HEAD}  wavelet: db2\n`);
    const f = write('null-child.yaml', 'extends: null-base.yaml\nname: c\ngrid:\n  wavelet: ~\n');
    expect(loadSweepFile(f).trials[0].params.wavelet).toBe('haar');
  });
});

describe('names', () => {
  it('a sweep name is at most 128 characters', () => {
    expect(expandSweepText(HEAD.replace('name: t', `name: ${'n'.repeat(128)}`), 'x.yaml').name).toHaveLength(128);
    const err = errorOf(() => expandSweepText(HEAD.replace('name: t', `name: ${'n'.repeat(1_000_000)}`), 'x.yaml'));
    expect(err.message).toBe(
      `x.yaml:1:7: bad sweep name "${'n'.repeat(80)}… (1000000 characters)" (allowed: letters, digits, _ . - starting with a letter or digit, at most 128 characters)`,
    );
  });

  it('names must start with a letter or digit: no "..", no "-x", for sweeps, stages and classes', () => {
    expect(errorOf(() => expandSweepText(HEAD.replace('name: t', 'name: ".."'), 'x.yaml')).message).toMatch(
      /^x\.yaml:1:7: bad sweep name "\.\."/,
    );
    expect(errorOf(() => expandSweepText(`${HEAD}stages:\n  -x: {}\n`, 'x.yaml')).message).toMatch(
      /^x\.yaml:5:3: bad stage name "-x"/,
    );
    const cls = 'name: t\ngrid:\n  dataset: {kind: folder, root: /d, synthetic: {classes: [ok, ..]}}\n';
    expect(errorOf(() => expandSweepText(cls, 'x.yaml')).message).toMatch(
      /^x\.yaml:3:63: bad class name "\.\." in dataset\.synthetic\.classes/,
    );
  });
});

describe('grid size, counted before anything is built', () => {
  const sized = (grid: string, rest = ''): string =>
    `name: t\ngrid:\n  dataset: {kind: mvtec, root: /d, classes: [bottle]}\n${grid}${rest}`;

  it('refuses 10^4 × 10^4 points at once, naming the fields that multiply', () => {
    const text = sized(
      '  sigma: {range: [1, 10000], step: 1}\n  cov_reg: {range: [0, 9999], step: 1}\n  wavelet: haar\n',
    );
    expect(errorOf(() => expandSweepText(text, 'big.yaml')).message).toBe(
      'big.yaml:4:10: stage "main" grid has 100,000,000 points (sigma: 10,000 × cov_reg: 10,000), over the limit of 1,000,000: split it into stages or sweeps',
    );
  });

  it('refuses too many trials (points × classes), naming the classes too; exclude rules do not lower the count', () => {
    const text = `name: t\ngrid:\n  dataset: {kind: mvtec, root: /d}\n  sigma: {range: [1, 1000], step: 1}\n  cov_reg: {range: [1, 200], step: 1}\nexclude:\n  - {class: bottle}\n`;
    expect(errorOf(() => expandSweepText(text, 't.yaml')).message).toBe(
      't.yaml:4:10: stage "main" grid has 200,000 points × classes = 3,000,000 trials (sigma: 1,000 × cov_reg: 200; classes: 15), over the limit of 2,000,000: split it into stages or sweeps',
    );
  });

  it('counts zip groups once and per-backbone lists for their backbone, and names that backbone', () => {
    const pb = sized(
      '  backbone: [resnet18, resnet34]\n  sigma: [1, 2]\n',
      '\nper_backbone:\n  resnet34: {sigma: {range: [1, 2000], step: 1}, cov_reg: {range: [1, 1000], step: 1}}\n',
    );
    expect(errorOf(() => expandSweepText(pb, 'pb.yaml')).message).toBe(
      'pb.yaml:8:21: stage "main" grid has 2,000,002 points (backbone: 2 × sigma: 2,000 × cov_reg: 1,000, for backbone resnet34), over the limit of 1,000,000: split it into stages or sweeps',
    );
    const zipped = sized(
      '  sigma: {range: [1, 1500], step: 1}\n  cov_reg: {range: [1, 1500], step: 1}\n',
      'zip: [[sigma, cov_reg]]\n',
    );
    expect(expandSweepText(zipped, 'z.yaml').points).toEqual({ main: 1500 });
  });

  it('the count is exact for grids without filters: zips, per-backbone lists, several datasets, zipped dataset and backbone', () => {
    const cases = [
      sized(
        '  backbone: [resnet18, resnet34]\n  sigma: [1, 2]\n',
        'zip: [{wavelet: [haar, db2], level: [1, 2]}]\nper_backbone:\n  resnet34: {sigma: [1, 2, 3, 4]}\n',
      ),
      'name: t\ngrid:\n  dataset: [{kind: mvtec, root: /d, classes: [bottle, screw]}, {kind: visa, root: /v, classes: [pcb1]}]\n  backbone: [resnet18, resnet34]\n  cov_reg: [0.1, 0.2, 0.3]\nper_backbone:\n  resnet18: {cov_reg: 0.5}\n',
      'name: t\ngrid:\n  dataset: [{kind: mvtec, root: /d, classes: [bottle, screw]}, {kind: visa, root: /v, classes: [pcb1]}]\n  backbone: [resnet18, resnet34]\n  sigma: [1, 2, 3]\nzip: [[dataset, backbone]]\nper_backbone:\n  resnet34: {sigma: 5}\n',
    ];
    for (const text of cases) {
      const tree = parseLocated(text, 'c.yaml') as LMap;
      const plan = parseStage('main', { ...tree, entries: tree.entries.filter((e) => e.key !== 'name') });
      const built = expandSweepText(text, 'c.yaml');
      const size = stageSize(plan);
      expect({ points: size.points, trials: size.trials }).toEqual({
        points: built.points.main,
        trials: built.trials.length,
      });
    }
  });
});
