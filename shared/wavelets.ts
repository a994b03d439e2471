/** Wavelet catalogue (the names the original allows) and the DWT output-size arithmetic of spec 4.1. */

export const WAVELETS = [
  'haar',
  'db1', 'db2', 'db3', 'db4', 'db5', 'db6', 'db7', 'db8',
  'sym2', 'sym3', 'sym4', 'sym5', 'sym6', 'sym7', 'sym8',
  'coif1', 'coif2', 'coif3', 'coif4', 'coif5',
] as const;
export type Wavelet = (typeof WAVELETS)[number];

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
