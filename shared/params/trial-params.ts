/**
 * Checking a trial's parameters where they enter a process from outside (the wire, a database row) against the
 * catalogue, the same schema the grid parses sweep files with. A bad value is named by its field.
 */
import { commandSpecError } from '../command.js';
import { isSubband } from '../subbands.js';
import type { TrialParams } from '../trial.js';
import {
  isWeightsSpec,
  PARAM_NAMES,
  TRIAL_PARAMS,
  WEIGHTS_ALLOWED,
  type ParamName,
  type ParamSpec,
} from './catalogue.js';

// the catalogue names exactly the fields of TrialParams (a compile error otherwise)
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const catalogueCoversTrialParams: Same<ParamName, keyof TrialParams> = true;
void catalogueCoversTrialParams;

/** Bad trial parameters; the message names the field and what is wrong with it. */
export class TrialParamsError extends Error {
  override readonly name = 'TrialParamsError';
}

function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with `v` as the value of parameter `name`, or null. */
function valueError(name: string, spec: ParamSpec, v: unknown): string | null {
  switch (spec.kind) {
    case 'enum':
      return typeof v === 'string' && spec.values!.includes(v)
        ? null
        : `unknown ${name} ${shown(v)} (allowed: ${spec.values!.join(', ')})`;
    case 'string':
      return typeof v === 'string' && v.length > 0 ? null : `${name} must be a non-empty string, got ${shown(v)}`;
    case 'weights':
      return typeof v === 'string' && isWeightsSpec(v) ? null : `bad weights ${shown(v)} (allowed: ${WEIGHTS_ALLOWED})`;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${name} must be a finite number, got ${shown(v)}`;
      return spec.check!(v);
    case 'subbands': {
      const ok =
        Array.isArray(v) &&
        v.length > 0 &&
        v.every((b) => typeof b === 'string' && isSubband(b)) &&
        new Set(v).size === v.length;
      return ok ? null : `${name} must be a non-empty list of distinct subbands (LL, LH, HL, HH), got ${shown(v)}`;
    }
    case 'command':
      return commandSpecError(v);
    case 'object': {
      if (v === null) return null;
      const fields = spec.fields!;
      if (!isRecord(v))
        return `${name} must be null or an object with ${Object.keys(fields).join(', ')}, got ${shown(v)}`;
      const extra = Object.keys(v).filter((k) => !(k in fields));
      if (extra.length > 0) return `unknown field ${name}.${extra[0]} (allowed: ${Object.keys(fields).join(', ')})`;
      for (const [field, check] of Object.entries(fields)) {
        const x = v[field];
        if (typeof x !== 'number' || !Number.isFinite(x))
          return `${name}.${field} must be a finite number, got ${shown(x)}`;
        const e = check(x);
        if (e) return e;
      }
      return null;
    }
  }
}

/** `raw` as TrialParams when every parameter is present and allowed and nothing else is there; else TrialParamsError. */
export function parseTrialParams(raw: unknown): TrialParams {
  if (!isRecord(raw)) throw new TrialParamsError(`trial params must be a JSON object, got ${shown(raw)}`);
  const extra = Object.keys(raw).filter((k) => !(k in TRIAL_PARAMS));
  if (extra.length > 0)
    throw new TrialParamsError(`trial params: unknown parameter "${extra[0]}" (allowed: ${PARAM_NAMES.join(', ')})`);
  for (const name of PARAM_NAMES) {
    const spec: ParamSpec = TRIAL_PARAMS[name];
    if (!(name in raw)) {
      if (spec.optional) continue;
      throw new TrialParamsError(`trial params: missing parameter "${name}"`);
    }
    const e = valueError(name, spec, raw[name]);
    if (e) throw new TrialParamsError(`trial params: ${e}`);
  }
  if ((raw.objective === 'command') !== 'command' in raw) {
    throw new TrialParamsError(
      raw.objective === 'command'
        ? 'trial params: objective "command" needs params.command'
        : `trial params: command given for objective ${shown(raw.objective)}`,
    );
  }
  return raw as unknown as TrialParams;
}

/** parseTrialParams of a JSON text (a trial's params_json); malformed JSON is a TrialParamsError too. */
export function parseTrialParamsJson(text: string): TrialParams {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TrialParamsError(`trial params are not valid JSON: ${(err as Error).message}`);
  }
  return parseTrialParams(raw);
}
