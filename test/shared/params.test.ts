/**
 * The parameter catalogue (shared/params) is the one home of the parameter names: the lists derived from it are
 * the ones the grid, the rules, the filters and the export used to keep by hand; parseTrialParams checks params
 * from outside with the grid's own checks and names the bad field.
 */
import { describe, expect, it } from 'vitest';
import { CORE_PARAMS, filterPaths, GRID_PARAMS, PARAM_NAMES, RULE_KEYS } from '../../shared/params/catalogue.js';
import { parseTrialParams, parseTrialParamsJson, TrialParamsError } from '../../shared/params/trial-params.js';
import { canonicalJson, type TrialParams } from '../../shared/trial.js';
import { BASE } from '../store/seed.js';

describe('parameter catalogue', () => {
  it('derives the grid axes in expansion order, the rule keys and the export columns', () => {
    expect(GRID_PARAMS).toEqual([
      'dataset',
      'backbone',
      'objective',
      'synthetic',
      'weights',
      'wavelet',
      'level',
      'mode',
      'align',
      'subbands',
      'distance',
      'smoothing',
      'sigma',
      'cov_reg',
      'selection',
    ]);
    expect(RULE_KEYS).toEqual([
      'dataset',
      'class',
      'backbone',
      'objective',
      'weights',
      'wavelet',
      'level',
      'mode',
      'align',
      'subbands',
      'distance',
      'smoothing',
      'sigma',
      'cov_reg',
    ]);
    expect(CORE_PARAMS).toEqual(['backbone', 'wavelet', 'level', 'subbands', 'sigma', 'cov_reg']);
  });

  it('names exactly the fields of a trial, and every filterable path with its type', () => {
    expect([...PARAM_NAMES].sort()).toEqual([...Object.keys(BASE), 'command'].sort()); // command: optional, absent from other objectives' trials
    const paths = filterPaths();
    expect(Object.keys(paths).sort()).toEqual([
      'align',
      'backbone',
      'class',
      'command',
      'cov_reg',
      'dataset',
      'distance',
      'level',
      'mode',
      'objective',
      'root',
      'selection',
      'selection.holdout',
      'selection.seed',
      'sigma',
      'smoothing',
      'subbands',
      'synthetic',
      'synthetic.fail_rate',
      'synthetic.seed',
      'synthetic.sleep_ms',
      'wavelet',
      'weights',
    ]);
    expect([paths.level, paths.subbands, paths.selection, paths['synthetic.fail_rate'], paths.wavelet]).toEqual([
      'number',
      'subbands',
      'object',
      'number',
      'string',
    ]);
  });
});

const CMD = { argv: ['node', 't.mjs', '--lr={lr}', '{artifacts}'], cwd: '/tmp', timeout_s: null, params: { lr: 0.1 } };

describe('parseTrialParams', () => {
  it('accepts a command trial, and keeps the canonical JSON (the trial key) of trials without a command unchanged', () => {
    const cmd = { ...BASE, objective: 'command', command: CMD };
    expect(parseTrialParams(cmd)).toEqual(cmd);
    expect(canonicalJson(BASE)).not.toContain('command');
  });

  const good: TrialParams = { ...BASE, selection: { holdout: 0.5, seed: 3 }, synthetic: null };

  it('accepts a trial as the grid writes it, and its canonical JSON', () => {
    expect(parseTrialParams(good)).toEqual(good);
    expect(parseTrialParamsJson(canonicalJson(good))).toEqual(JSON.parse(canonicalJson(good)));
  });

  const bad: [string, unknown, string][] = [
    ['a negative sigma', { ...BASE, sigma: -1 }, 'trial params: sigma must be > 0, got -1'],
    ['a level as text', { ...BASE, level: 'two' }, 'trial params: level must be a finite number, got "two"'],
    ['a level past the limit', { ...BASE, level: 17 }, 'trial params: level must be an integer from 1 to 16, got 17'],
    ['an unknown wavelet', { ...BASE, wavelet: 'db99' }, 'trial params: unknown wavelet "db99" (allowed: haar, db1,'],
    ['an unknown backbone', { ...BASE, backbone: 'vgg16' }, 'trial params: unknown backbone "vgg16"'],
    [
      'bad weights',
      { ...BASE, weights: 'pretrained' },
      'trial params: bad weights "pretrained" (allowed: random:SEED, imagenet, sha256:<64 hex digits, or a unique prefix of 12 or more>)',
    ],
    [
      'an empty subband set',
      { ...BASE, subbands: [] },
      'trial params: subbands must be a non-empty list of distinct subbands',
    ],
    [
      'an unknown subband',
      { ...BASE, subbands: ['LL', 'XX'] },
      'trial params: subbands must be a non-empty list of distinct subbands (LL, LH, HL, HH), got ["LL","XX"]',
    ],
    [
      'a holdout of 1',
      { ...BASE, selection: { holdout: 1, seed: 0 } },
      'trial params: selection.holdout must be in (0, 1), got 1',
    ],
    [
      'a field too many',
      { ...BASE, synthetic: { sleep_ms: 0, fail_rate: 0, seed: 0, extra: 1 } },
      'trial params: unknown field synthetic.extra',
    ],
    ['a missing parameter', (({ cov_reg: _c, ...rest }) => rest)(BASE), 'trial params: missing parameter "cov_reg"'],
    ['a parameter too many', { ...BASE, momentum: 0.9 }, 'trial params: unknown parameter "momentum"'],
    ['an empty class', { ...BASE, class: '' }, 'trial params: class must be a non-empty string, got ""'],
    ['a list', [BASE], 'trial params must be a JSON object'],
    [
      'a command objective without its command',
      { ...BASE, objective: 'command' },
      'trial params: objective "command" needs params.command',
    ],
    [
      'a command on another objective',
      { ...BASE, command: CMD },
      'trial params: command given for objective "wepadim"',
    ],
    [
      'a command with an undeclared placeholder',
      { ...BASE, objective: 'command', command: { ...CMD, argv: ['node', '{nope}'] } },
      'trial params: command.argv: placeholder {nope} is not a parameter of this trial',
    ],
    [
      'a relative command cwd',
      { ...BASE, objective: 'command', command: { ...CMD, cwd: 'x' } },
      'trial params: command.cwd must be an absolute path',
    ],
    [
      'a command param that is an object',
      { ...BASE, objective: 'command', command: { ...CMD, params: { lr: { a: 1 } } } },
      'trial params: command.params.lr must be a string, number or boolean',
    ],
  ];
  for (const [what, raw, message] of bad) {
    it(`rejects ${what}, naming the field`, () => {
      expect(() => parseTrialParams(raw)).toThrow(TrialParamsError);
      expect(() => parseTrialParams(raw)).toThrow(message);
    });
  }

  it('rejects text that is not JSON', () => {
    expect(() => parseTrialParamsJson('{"sigma": 4,')).toThrow(/^trial params are not valid JSON: /);
  });
});
