/**
 * Parameter filters for reports: `--where sigma=2,4 --where wavelet=haar --where subbands=LL+LH+HL`.
 * Several values of one key mean "any of"; several keys mean "all of". The store compiles them to SQL
 * (coordinator/store/reads/filter-sql.ts).
 */
import { UserError } from '../../shared/errors.js';
import { canonicalSubbands, isSubband, type Subband } from '../../shared/subbands.js';
import { normalizeNumber } from '../../shared/trial.js';
import { filterPaths, type FilterType } from '../../shared/params/catalogue.js';

/** Every filterable parameter path (`sigma`, `selection.holdout`, ...) and the type of its values. */
export const PARAM_KEYS: Readonly<Record<string, FilterType>> = filterPaths();

export interface ParamFilter {
  key: string;
  /** compare as JSON (arrays such as subbands) */
  json?: boolean;
  /** null matches an absent/null value (`--where selection=none`) */
  values: (string | number | null)[];
}

function parseValue(key: string, type: FilterType, raw: string): string | number | null {
  const v = raw.trim();
  if (v === 'none' || v === 'null') return null;
  if (type === 'object')
    throw new UserError(`--where ${key}: only 'none' is allowed here; filter on ${key}.<field> instead`);
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
    if (!type)
      throw new UserError(`--where ${spec}: unknown parameter '${key}'; known: ${Object.keys(PARAM_KEYS).join(', ')}`);
    const values = spec
      .slice(eq + 1)
      .split(',')
      .map((v) => parseValue(key, type, v));
    return { key, values, json: type === 'subbands' };
  });
}
