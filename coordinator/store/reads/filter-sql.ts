/** Parameter filters (parsed by coordinator/report/filters.ts) compiled to SQL conditions on trials.params_json. */
import { UserError } from '../../../shared/errors.js';

export interface ParamFilter {
  /** a parameter path: `sigma`, `selection.holdout` */
  key: string;
  /** null matches an absent/null value */
  values: readonly (string | number | null)[];
  /** compare as JSON (arrays such as subbands come back from json_extract as JSON text) */
  json?: boolean;
}

export interface SqlFragment {
  sql: string; // '' or ' AND ...'
  args: (string | number)[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** SQL conditions on `<alias>.params_json`. Keys are checked to be plain paths (they are inlined), values are bound. */
export function filterSql(filters: readonly ParamFilter[], alias = 't'): SqlFragment {
  const parts: string[] = [];
  const args: (string | number)[] = [];
  for (const f of filters) {
    if (!KEY.test(f.key)) throw new UserError(`unknown parameter '${f.key}'`);
    const col = `json_extract(${alias}.params_json, '$.${f.key}')`;
    const alts: string[] = [];
    const vals = f.values.filter((v): v is string | number => v !== null);
    if (f.values.some((v) => v === null)) alts.push(`${col} IS NULL`);
    if (vals.length) {
      const expr = f.json ? `json(${col})` : col;
      alts.push(`${expr} IN (${vals.map(() => '?').join(', ')})`);
      args.push(...vals);
    }
    parts.push(`(${alts.join(' OR ')})`);
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), args };
}
