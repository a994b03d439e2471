/**
 * Wavelet catalogue (the names the original allows) and the DWT output-size arithmetic of spec 4.1.
 * The list itself lives in wavelets.json, read both here and by the Python fixture generator
 * (test/fixtures/make_engine_fixtures.py), which writes the filter table worker/engine/wavelet-filters.ts.
 */
import catalogue from './wavelets.json' with { type: 'json' };

/** The shape of a wavelet name (filterLength depends on it); which names exist is WAVELETS, checked by isWavelet. */
export type Wavelet = 'haar' | `db${number}` | `sym${number}` | `coif${number}`;

const WAVELET_NAME = /^(haar|db[1-9]\d*|sym[1-9]\d*|coif[1-9]\d*)$/;

function checkedWavelets(names: readonly string[]): readonly Wavelet[] {
  const bad = names.filter((w) => !WAVELET_NAME.test(w));
  if (bad.length > 0 || new Set(names).size !== names.length)
    throw new Error(`shared/wavelets.json: bad or repeated wavelet names: ${bad.join(', ') || 'a repeat'}`);
  return Object.freeze(names as Wavelet[]);
}

/** Every wavelet a grid may name, in the catalogue's order. */
export const WAVELETS: readonly Wavelet[] = checkedWavelets(catalogue.wavelets);

export const DWT_MODES = ['zero', 'symmetric', 'periodization'] as const;
export type DwtMode = (typeof DWT_MODES)[number];

export function isWavelet(x: string): x is Wavelet {
  return (WAVELETS as readonly string[]).includes(x);
}

/** Filter length L: haar/dbN 2N, symN 2N, coifN 6N. */
export function filterLength(w: Wavelet): number {
  if (w === 'haar') return 2;
  const n = Number(w.replace(/^[a-z]+/, ''));
  if (w.startsWith('coif')) return 6 * n;
  return 2 * n;
}

/** Length of one analysis step: zero/symmetric floor((n+L-1)/2), periodization ceil(n/2). */
export function dwtOutLength(n: number, L: number, mode: DwtMode): number {
  return mode === 'periodization' ? Math.ceil(n / 2) : Math.floor((n + L - 1) / 2);
}

/** Size of LL_J for an input of size n, or null when some level's input is smaller than 2. */
export function llSize(n: number, w: Wavelet, level: number, mode: DwtMode): number | null {
  const L = filterLength(w);
  let s = n;
  for (let j = 0; j < level; j++) {
    if (s < 2) return null;
    s = dwtOutLength(s, L, mode);
  }
  return s;
}
