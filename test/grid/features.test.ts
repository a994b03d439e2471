/**
 * Format features on small inline sweeps: defaults, canonical-key dedupe, ranges, named subband sets, zip,
 * exclude, conditions, per-backbone overrides, stages, extends, dataset roots and class lists.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandSweepText, loadSweepFile, maxLevel, type ExpandedSweep } from '../../coordinator/grid/index.js';
import { UserError } from '../../shared/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'wepadim-grid-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DS = '  dataset: {kind: mvtec, root: data, classes: [bottle, cable]}\n';
const sweep = (body: string, opts?: { stages?: string[] }): ExpandedSweep =>
  expandSweepText(`name: t\n${body}`, join(tmp, 'sweep.yaml'), opts);
const grid = (lines: string): ExpandedSweep => sweep(`grid:\n${DS}${lines}`);
const col = <K extends keyof ExpandedSweep['trials'][number]['params']>(s: ExpandedSweep, k: K): unknown[] =>
  s.trials.map((t) => t.params[k]);
const uniq = (xs: unknown[]): unknown[] => [...new Map(xs.map((x) => [JSON.stringify(x), x])).values()];

describe('defaults and dataset', () => {
  it('fills every parameter with the original defaults', () => {
    const s = grid('');
    expect(s.trials.map((t) => t.params)).toEqual(
      ['bottle', 'cable'].map((c) => ({
        objective: 'wepadim',
        dataset: 'mvtec',
        root: join(tmp, 'data'),
        class: c,
        backbone: 'resnet18',
        weights: 'random:0',
        wavelet: 'haar',
        level: 1,
        mode: 'zero',
        subbands: ['LL', 'LH', 'HL'],
        align: 'down',
        distance: 'squared',
        smoothing: 'reference',
        sigma: 4,
        cov_reg: 0.01,
        selection: null,
        synthetic: null,
      })),
    );
    expect(s.maxAttempts).toBe(3);
    expect(s.stages.map((x) => x.name)).toEqual(['main']);
  });

  it('resolves ~/ in a dataset root to the home directory', () => {
    expect(sweep('grid:\n  dataset: {kind: visa, root: ~/data/visa, classes: [pcb1]}\n').trials[0].params.root).toBe(
      join(homedir(), 'data/visa'),
    );
  });

  it('lists folder classes from the root (sorted, only folders with train/ and test/)', () => {
    for (const d of ['zeta/train', 'zeta/test', 'alpha/train', 'alpha/test', 'half/train'])
      mkdirSync(join(tmp, 'folder', d), { recursive: true });
    const s = sweep('grid:\n  dataset: {kind: folder, root: folder}\n');
    expect(col(s, 'class')).toEqual(['alpha', 'zeta']);
    expect(s.datasets).toEqual([{ kind: 'folder', root: join(tmp, 'folder'), synthetic: null }]);
  });

  it('takes synthetic classes, and checks an explicit list against them', () => {
    const syn = '{classes: [a, b, c], train: 5, test: 4, size: 64, seed: 7}';
    const s = sweep(`grid:\n  dataset: {kind: folder, root: gen, classes: [c, a], synthetic: ${syn}}\n`);
    expect(col(s, 'class')).toEqual(['c', 'a']);
    expect(s.datasets[0].synthetic).toEqual({ classes: ['a', 'b', 'c'], train: 5, test: 4, size: 64, seed: 7 });
    expect(() => sweep(`grid:\n  dataset: {kind: folder, root: gen, classes: [d], synthetic: ${syn}}\n`)).toThrow(
      /sweep\.yaml:3:48: unknown synthetic class "d" \(allowed: all, a, b, c\)$/,
    );
  });

  it('sets objective, synthetic, weights, selection, mode, align, distance and smoothing', () => {
    const s = grid(
      '  objective: synthetic\n  synthetic: {sleep_ms: 5, fail_rate: 0.25, seed: 9}\n  weights: [imagenet, random:3]\n' +
        '  selection: {holdout: 0.5, seed: 1}\n  mode: periodization\n  align: up\n  distance: sqrt\n  smoothing: gaussian\n',
    );
    const p = s.trials[0].params;
    expect([p.objective, p.synthetic, p.selection, p.mode, p.align, p.distance, p.smoothing]).toEqual([
      'synthetic',
      { sleep_ms: 5, fail_rate: 0.25, seed: 9 },
      { holdout: 0.5, seed: 1 },
      'periodization',
      'up',
      'sqrt',
      'gaussian',
    ]);
    expect(uniq(col(s, 'weights'))).toEqual(['imagenet', 'random:3']);
    expect(grid('  objective: synthetic\n').trials[0].params.synthetic).toEqual({ sleep_ms: 0, fail_rate: 0, seed: 0 });
  });
});

describe('canonical keys and dedupe', () => {
  it('treats equal numbers and reordered subband sets as one point', () => {
    const s = grid(
      '  sigma: [2, 2.0, 2.000]\n  cov_reg: [0.10, 1e-1]\n  subbands: [[HL, LL, LH], [LL, LH, HL], LL+HL+LH]\n',
    );
    expect(s.trials.length).toBe(2);
    expect(s.points).toEqual({ main: 1 });
    expect(s.trials[0].params.subbands).toEqual(['LL', 'LH', 'HL']);
    expect(s.trials[0].key).toBe(grid('  sigma: 2\n  cov_reg: 0.1\n').trials[0].key);
  });

  it('expands in the fixed parameter order, whatever the key order in the file', () => {
    const a = grid('  wavelet: [haar, db4]\n  level: [1, 2]\n  sigma: [2.0, 4.0]\n  cov_reg: [0.1, 0.01]\n');
    const b = grid('  cov_reg: [0.1, 0.01]\n  sigma: [2.0, 4.0]\n  level: [1, 2]\n  wavelet: [haar, db4]\n');
    expect(b.trials.map((t) => t.key)).toEqual(a.trials.map((t) => t.key));
    expect(a.trials.slice(0, 4).map((t) => [t.params.cov_reg, t.params.class])).toEqual([
      [0.1, 'bottle'],
      [0.1, 'cable'],
      [0.01, 'bottle'],
      [0.01, 'cable'],
    ]);
  });

  it('keeps the first stage of a trial listed by two stages', () => {
    const s = sweep(`grid:\n${DS}stages:\n  a:\n    grid: {sigma: [2.0, 4.0]}\n  b:\n    grid: {sigma: [4.0, 6.0]}\n`);
    expect(s.stages.map((x) => x.trials.length)).toEqual([4, 4]);
    expect(s.trials.map((t) => [t.stage, t.params.sigma])).toEqual([
      ['a', 2],
      ['a', 2],
      ['a', 4],
      ['a', 4],
      ['b', 6],
      ['b', 6],
    ]);
  });
});

describe('values', () => {
  it('expands linear and log ranges to normalised numbers', () => {
    expect(uniq(col(grid('  sigma: {range: [0.1, 0.5], step: 0.1}\n'), 'sigma'))).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(uniq(col(grid('  sigma: {range: [1, 2], num: 5}\n'), 'sigma'))).toEqual([1, 1.25, 1.5, 1.75, 2]);
    expect(uniq(col(grid('  cov_reg: {logrange: [0.001, 0.1], num: 3}\n'), 'cov_reg'))).toEqual([0.001, 0.01, 0.1]);
    expect(uniq(col(grid('  level: {range: [1, 3], step: 1}\n'), 'level'))).toEqual([1, 2, 3]);
    expect(uniq(col(grid('  sigma: [1.5, {range: [2, 3], step: 0.5}]\n'), 'sigma'))).toEqual([1.5, 2, 2.5, 3]);
  });

  it('knows the named subband sets', () => {
    const all = grid('  subbands: all-nonempty\n');
    expect(uniq(col(all, 'subbands')).length).toBe(15);
    expect(uniq(col(all, 'subbands'))[14]).toEqual(['LL', 'LH', 'HL', 'HH']);
    expect(uniq(col(grid('  subbands: [default, all, details, HH]\n'), 'subbands'))).toEqual([
      ['LL', 'LH', 'HL'],
      ['LL', 'LH', 'HL', 'HH'],
      ['LH', 'HL', 'HH'],
      ['HH'],
    ]);
  });

  it('computes the deepest valid level per backbone from the tap sizes', () => {
    expect(maxLevel('resnet18', 'haar', 'zero')).toBe(4); // 14 -> 7 -> 4 -> 2 -> 1
    expect(maxLevel('efficientnet-b0', 'haar', 'zero')).toBe(3); // 7 -> 4 -> 2 -> 1
    expect(maxLevel('efficientnet-b0', 'haar', 'periodization')).toBe(3);
  });
});

describe('zip, exclude, conditions, per-backbone overrides', () => {
  it('zips lists in place of their first member, by name or inline', () => {
    const a = grid('  wavelet: [haar, sym4]\n  level: [2, 1]\n  sigma: [2.0, 4.0]\nzip: [[wavelet, level]]\n');
    const b = grid('  sigma: [2.0, 4.0]\nzip:\n  - {wavelet: [haar, sym4], level: [2, 1]}\n');
    const pts = (s: ExpandedSweep): unknown[] =>
      uniq(s.trials.map((t) => [t.params.wavelet, t.params.level, t.params.sigma]));
    const want = [
      ['haar', 2, 2],
      ['haar', 2, 4],
      ['sym4', 1, 2],
      ['sym4', 1, 4],
    ];
    expect(pts(a)).toEqual(want);
    expect(pts(b)).toEqual(want);
  });

  it('drops excluded points, per class too', () => {
    const s = grid(
      '  wavelet: [haar, db4]\n  level: [1, 2]\nexclude:\n  - {wavelet: db4, level: 2}\n  - {class: cable, wavelet: haar}\n',
    );
    expect(s.trials.map((t) => [t.params.wavelet, t.params.level, t.params.class])).toEqual([
      ['haar', 1, 'bottle'],
      ['haar', 2, 'bottle'],
      ['db4', 1, 'bottle'],
      ['db4', 1, 'cable'],
    ]);
    expect(s.points).toEqual({ main: 3 });
  });

  it('keeps a point an if-rule matches only when its then-rule matches too', () => {
    const s = grid(
      '  wavelet: [haar, db4, sym4]\n  level: [1, 2]\nconditions:\n  - if: {level: 2}\n    then: {wavelet: [haar]}\n',
    );
    expect(uniq(s.trials.map((t) => [t.params.wavelet, t.params.level]))).toEqual([
      ['haar', 1],
      ['haar', 2],
      ['db4', 1],
      ['sym4', 1],
    ]);
  });

  it('replaces axis values per backbone, lists included', () => {
    const s = grid(
      '  backbone: [resnet18, efficientnet-b0]\n  sigma: [2.0, 4.0]\nper_backbone:\n' +
        '  efficientnet-b0: {wavelet: db4, sigma: [8.0], level: [1, 2]}\n',
    );
    expect(uniq(s.trials.map((t) => [t.params.backbone, t.params.wavelet, t.params.level, t.params.sigma]))).toEqual([
      ['resnet18', 'haar', 1, 2],
      ['resnet18', 'haar', 1, 4],
      ['efficientnet-b0', 'db4', 1, 8],
      ['efficientnet-b0', 'db4', 2, 8],
    ]);
  });
});

describe('YAML anchors', () => {
  it('resolves aliases and merge keys (own keys win)', () => {
    const s = grid(
      '  backbone: [efficientnet-b0, efficientnet-b1]\nper_backbone:\n  efficientnet-b0: &best {wavelet: sym4, sigma: 2.0}\n' +
        '  efficientnet-b1: {<<: *best, sigma: 6.0}\n',
    );
    expect(uniq(s.trials.map((t) => [t.params.backbone, t.params.wavelet, t.params.sigma]))).toEqual([
      ['efficientnet-b0', 'sym4', 2],
      ['efficientnet-b1', 'sym4', 6],
    ]);
  });
});

describe('stages and extends', () => {
  it('shares top-level settings with every stage and expands only the stages asked for', () => {
    const body = `grid:\n${DS}  sigma: [2.0, 4.0]\nexclude: [{sigma: 4.0, class: cable}]\nstages:\n  one: {grid: {wavelet: db2}}\n  two:\n    grid: {wavelet: sym4}\n    exclude: [{class: bottle}]\n`;
    const s = sweep(body);
    expect(s.stages.map((x) => x.trials.map((t) => [t.params.wavelet, t.params.sigma, t.params.class]))).toEqual([
      [
        ['db2', 2, 'bottle'],
        ['db2', 2, 'cable'],
        ['db2', 4, 'bottle'],
      ],
      [['sym4', 2, 'cable']],
    ]);
    expect(sweep(body, { stages: ['two'] }).stages.map((x) => x.name)).toEqual(['two']);
    expect(() => sweep(body, { stages: ['three'] })).toThrow(
      new UserError('unknown stage "three" (allowed: one, two)', { file: join(tmp, 'sweep.yaml') }),
    );
  });

  it('merges a base file key by key; roots stay relative to the file that set them; null removes a key', () => {
    mkdirSync(join(tmp, 'base'), { recursive: true });
    writeFileSync(
      join(tmp, 'base', 'b.yaml'),
      `name: base\nretries: 5\ngrid:\n  dataset: {kind: mvtec, root: ../data/mv, classes: [pill]}\n  wavelet: [haar, db4]\n  sigma: [2.0, 6.0]\n`,
    );
    const child = `extends: base/b.yaml\nname: child\ngrid:\n  sigma: 4.0\n  wavelet: null\n  dataset: {classes: [screw, pill]}\n`;
    writeFileSync(join(tmp, 'child.yaml'), child);
    const s = loadSweepFile(join(tmp, 'child.yaml'));
    expect([s.name, s.maxAttempts]).toEqual(['child', 5]);
    expect(s.trials.map((t) => [t.params.wavelet, t.params.sigma, t.params.class, t.params.root])).toEqual([
      ['haar', 4, 'screw', join(tmp, 'data', 'mv')],
      ['haar', 4, 'pill', join(tmp, 'data', 'mv')],
    ]);
    expect(s.sourceYaml).toContain('chain of 2 files');
    expect(s.sourceYaml).toContain(`root: ${join(tmp, 'data', 'mv')}`);
    expect(s.sourceYaml).toContain('name: child');
    expect(loadSweepFile(join(tmp, 'child.yaml')).sourceHash).toBe(s.sourceHash);
    // the stored source stands alone: it re-expands to the same trials without the base file
    const again = expandSweepText(s.sourceYaml, s.sourcePath);
    expect(again.trials.map((t) => t.key)).toEqual(s.trials.map((t) => t.key));
    expect(s.sourcePath).toBe(join(tmp, 'child.yaml'));
  });
});
