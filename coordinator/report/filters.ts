/**
 * Parameter filters for reports: `--where sigma=2,4 --where wavelet=haar --where subbands=LL+LH+HL`.
 * Several values of one key mean "any of"; several keys mean "all of". Compiled to SQL on params_json.
 */
import { UserError } from '../../shared/errors.js';
import { canonicalSubbands, isSubband, type Subband } from '../../shared/subbands.js';
import { normalizeNumber } from '../../shared/trial.js';
import { filterPaths, type FilterType } from '../../shared/params/catalogue.js';

/** Every filterable parameter path (`sigma`, `selection.holdout`, ...) and the type of its values. */
export const PARAM_KEYS: Readonly<Record<string, FilterType>> = filterPaths();

export interface ParamFilter {
  key: string;
  /** null matches an absent/null value (`--where selection=none`) */
  values: (string | number | null)[];
}

export interface SqlFragment {
  sql: string; // '' or ' AND ...'
  args: (string | number)[];
}

function parseValue(key: string, type: FilterType, raw: string): string | number | null {
  const v = raw.trim();
  if (v === 'none' || v === 'null') return null;
  if (type === 'object') throw new UserError(`--where ${key}: only 'none' is allowed here; filter on ${key}.<field> instead`);
  if (type === 'number') {
    const n = Number(v);
    if (v === '' || !Number.isFinite(n)) throw new UserError(`--where ${key}=${raw}: ${key} takes numbers`);
    return normalizeNumber(n);
  }
  if (type === 'subbands') {
    const parts = v.split('+').map((s) => s.trim().toUpperCase());
    const bands: Subband[] = parts.map((p) => {
      if (!isSubband(p)) throw new UserError(`--where subbands=${raw}: unknown subband '${p}' (use e.g. LL+LH+HL)`);
      return p;
    });
    return JSON.stringify(canonicalSubbands(bands));
  }
  return v;
}

/** Parse `key=v1,v2` strings; a UserError names the bad one. */
export function parseFilters(specs: readonly string[]): ParamFilter[] {
  return specs.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UserError(`--where ${spec}: expected KEY=VALUE[,VALUE...]`);
    const key = spec.slice(0, eq).trim();
    const type = PARAM_KEYS[key];
    if (!type) throw new UserError(`--where ${spec}: unknown parameter '${key}'; known: ${Object.keys(PARAM_KEYS).join(', ')}`);
    const values = spec
      .slice(eq + 1)
      .split(',')
      .map((v) => parseValue(key, type, v));
    return { key, values };
  });
}

/** SQL conditions on `<alias>.params_json`. Keys come from PARAM_KEYS only, values are bound. */
export function filterSql(filters: readonly ParamFilter[], alias = 't'): SqlFragment {
  const parts: string[] = [];
  const args: (string | number)[] = [];
  for (const f of filters) {
    if (!PARAM_KEYS[f.key]) throw new UserError(`unknown parameter '${f.key}'`);
    const col = `json_extract(${alias}.params_json, '$.${f.key}')`;
    const alts: string[] = [];
    const vals = f.values.filter((v): v is string | number => v !== null);
    if (f.values.some((v) => v === null)) alts.push(`${col} IS NULL`);
    if (vals.length) {
      // arrays come back from json_extract as JSON text, so compare subbands through json()
      const expr = PARAM_KEYS[f.key] === 'subbands' ? `json(${col})` : col;
      alts.push(`${expr} IN (${vals.map(() => '?').join(', ')})`);
      args.push(...vals);
    }
    parts.push(`(${alts.join(' OR ')})`);
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), args };
}
