/**
 * The `command` objective's part of a trial: the argv template with `{name}` placeholders, the per-trial
 * timeout, the working directory and the free parameters of this point. The grid validates the template
 * against the declared parameters; the worker checks it again off the wire and substitutes it.
 */
import { printable, quoted } from './printable.js';

/** A free parameter's value (ints and floats are both numbers; `type` in the sweep file decides which). */
export type CommandValue = string | number | boolean;

export interface CommandSpec {
  /** program and arguments, each may hold `{name}` placeholders (`{{` and `}}` are literal braces) */
  argv: string[];
  /** working directory of the program (absolute) */
  cwd: string;
  /** per-trial timeout in seconds; null = none */
  timeout_s: number | null;
  /** the free parameters of this point, by name */
  params: Record<string, CommandValue>;
  /**
   * halving with `budget: steps` only: this rung's step count, `{budget}` in the argv and `budget` in the
   * program's params. Not part of the point (a promotion is the same point at a larger budget).
   */
  budget?: number;
}

/** The placeholder (and params name) of a rung's step budget. */
export const BUDGET_PLACEHOLDER = 'budget';

/** What the program sees as its parameters: the point's, plus `budget` on a halving rung. */
export function programParams(cmd: CommandSpec): Record<string, CommandValue> {
  return cmd.budget === undefined ? cmd.params : { ...cmd.params, [BUDGET_PLACEHOLDER]: cmd.budget };
}

/** Names every trial gets besides its free parameters: `{artifacts}` is the trial's artifact folder. */
export const BUILTIN_PLACEHOLDERS = ['artifacts', 'trial_key', 'params_file'] as const;

/** A free parameter's name: a letter then letters, digits, underscores (so `{name}` is unambiguous). */
export const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

type Piece = { text: string } | { name: string };

/** Split one argv item into literal text and placeholders; throws on an unbalanced or empty brace. */
export function templatePieces(item: string): Piece[] {
  const out: Piece[] = [];
  let text = '';
  for (let i = 0; i < item.length; i++) {
    const c = item[i];
    if ((c === '{' || c === '}') && item[i + 1] === c) {
      text += c;
      i++;
    } else if (c === '{') {
      const end = item.indexOf('}', i);
      if (end < 0) throw new Error(`unclosed "{" in ${quoted(item)} (write {{ for a literal brace)`);
      const name = item.slice(i + 1, end);
      if (!PARAM_NAME.test(name))
        throw new Error(
          `bad placeholder {${printable(name)}} in ${quoted(item)} (a parameter name: letters, digits, _)`,
        );
      if (text) out.push({ text });
      text = '';
      out.push({ name });
      i = end;
    } else if (c === '}') {
      throw new Error(`unmatched "}" in ${quoted(item)} (write }} for a literal brace)`);
    } else {
      text += c;
    }
  }
  if (text) out.push({ text });
  return out;
}

/** The placeholder names an argv item uses. */
export function placeholders(item: string): string[] {
  return templatePieces(item).flatMap((p) => ('name' in p ? [p.name] : []));
}

/** A value as it appears on a command line: numbers in their shortest form, booleans as true/false. */
export function valueText(v: CommandValue): string {
  return typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? 'true' : 'false') : v;
}

/** Substitute every placeholder of the argv; an unknown name throws (the grid has checked them all). */
export function substituteArgv(argv: readonly string[], values: Readonly<Record<string, CommandValue>>): string[] {
  return argv.map((item) =>
    templatePieces(item)
      .map((p) => {
        if ('text' in p) return p.text;
        if (!Object.hasOwn(values, p.name)) throw new Error(`command placeholder {${p.name}} has no value`);
        return valueText(values[p.name]);
      })
      .join(''),
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with `v` as a CommandSpec (off the wire or a DB row), or null. */
export function commandSpecError(v: unknown): string | null {
  if (!isRecord(v)) return 'command must be an object with argv, cwd, timeout_s, params';
  const extra = Object.keys(v).filter((k) => !['argv', 'cwd', 'timeout_s', 'params', 'budget'].includes(k));
  if (extra.length > 0) return `unknown field command.${extra[0]} (allowed: argv, cwd, timeout_s, params, budget)`;
  if (v.budget !== undefined && !(typeof v.budget === 'number' && Number.isSafeInteger(v.budget) && v.budget >= 1))
    return "command.budget must be an integer >= 1 (a halving rung's step count)";
  if (!Array.isArray(v.argv) || v.argv.length === 0 || !v.argv.every((a) => typeof a === 'string'))
    return 'command.argv must be a non-empty list of strings';
  if (typeof v.argv[0] !== 'string' || v.argv[0] === '')
    return 'command.argv[0] (the program) must be a non-empty string';
  if (typeof v.cwd !== 'string' || !v.cwd.startsWith('/')) return 'command.cwd must be an absolute path';
  if (v.timeout_s !== null && !(typeof v.timeout_s === 'number' && Number.isFinite(v.timeout_s) && v.timeout_s > 0))
    return 'command.timeout_s must be a number > 0 or null';
  if (!isRecord(v.params)) return 'command.params must be an object';
  for (const [k, x] of Object.entries(v.params)) {
    if (!PARAM_NAME.test(k)) return `command.params: bad name ${quoted(k)}`;
    if (!(typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x))))
      return `command.params.${k} must be a string, number or boolean`;
  }
  if (v.budget !== undefined && Object.hasOwn(v.params, BUDGET_PLACEHOLDER))
    return `command.params.${BUDGET_PLACEHOLDER} clashes with the halving budget`;
  const known = new Set<string>([
    ...Object.keys(v.params),
    ...BUILTIN_PLACEHOLDERS,
    ...(v.budget !== undefined ? [BUDGET_PLACEHOLDER] : []),
  ]);
  for (const item of v.argv) {
    let names: string[];
    try {
      names = placeholders(item);
    } catch (err) {
      return `command.argv: ${(err as Error).message}`;
    }
    const unknown = names.find((n) => !known.has(n));
    if (unknown) return `command.argv: placeholder {${unknown}} is not a parameter of this trial`;
  }
  return null;
}
