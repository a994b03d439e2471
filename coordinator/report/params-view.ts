/** Displaying grid-point parameters: which ones vary, and one cell per value. */
import { PARAM_NAMES } from '../../shared/params/catalogue.js';

const isCommand = (v: object): v is { argv: unknown; params: Record<string, unknown> } =>
  'argv' in v && 'params' in v && typeof (v as { params: unknown }).params === 'object';

/** One table cell for a parameter value: subbands as LL+LH+HL, null as none, objects as k=v lists, a command as its free parameters. */
export function paramCell(v: unknown): string | number {
  if (v === null || v === undefined) return 'none';
  if (Array.isArray(v)) return v.map(String).join('+');
  if (typeof v === 'object')
    return Object.entries(isCommand(v) ? v.params : (v as Record<string, unknown>))
      .map(([k, x]) => `${k}=${String(x)}`)
      .join(' ');
  if (typeof v === 'number') return v;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() is the intended rendering of this value (kept as it was; no behaviour change)
  return String(v);
}

/** Human text for a parameter value: numbers as written (1e-5, not 0.0000). */
export function paramText(v: unknown): string {
  return String(paramCell(v));
}

/** Display order of parameters: the catalogue's (the grid's loop order, outermost first), then anything else. */
const DISPLAY_ORDER: readonly string[] = PARAM_NAMES;

const rankOf = (k: string): number => {
  const i = DISPLAY_ORDER.indexOf(k);
  return i < 0 ? DISPLAY_ORDER.length : i;
};

/** Parameter keys whose value differs between the given points, in display order. */
export function varyingKeys(points: readonly Record<string, unknown>[]): string[] {
  if (points.length === 0) return [];
  const keys = new Set<string>();
  for (const p of points) for (const k in p) keys.add(k);
  // a key varies when some point's value differs from the first point's as JSON text; stop at the first such point
  const varies = (k: string): boolean => {
    const first = points[0][k];
    const text = JSON.stringify(first);
    for (const p of points) if (p[k] !== first && JSON.stringify(p[k]) !== text) return true;
    return false;
  };
  return [...keys].filter(varies).sort((a, b) => rankOf(a) - rankOf(b) || a.localeCompare(b));
}

/** The free parameters of a command trial's params (plus its step budget, when it has one). */
export function commandParamsOf(params: Record<string, unknown>): Record<string, unknown> {
  const cmd = params.command as { params?: Record<string, unknown>; budget?: number } | undefined;
  return { ...(cmd?.params ?? {}), ...(cmd?.budget !== undefined ? { budget: cmd.budget } : {}) };
}
