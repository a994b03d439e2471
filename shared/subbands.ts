/** Subbands LL/LH/HL/HH (spec 4.1) and the 15 non-empty subsets in itertools.combinations order. */

export const SUBBANDS = ['LL', 'LH', 'HL', 'HH'] as const;
export type Subband = (typeof SUBBANDS)[number];

export function isSubband(x: string): x is Subband {
  return (SUBBANDS as readonly string[]).includes(x);
}

/** Canonical order LL, LH, HL, HH, duplicates removed (distance does not depend on channel order). */
export function canonicalSubbands(s: readonly Subband[]): Subband[] {
  return SUBBANDS.filter((b) => s.includes(b));
}

/** The 15 non-empty subsets, by size then combinations order: LL, LH, HL, HH, LL+LH, ... all four. */
export function allNonEmptySubsets(): Subband[][] {
  const out: Subband[][] = [];
  const rec = (start: number, k: number, acc: Subband[]): void => {
    if (acc.length === k) {
      out.push([...acc]);
      return;
    }
    for (let i = start; i < SUBBANDS.length; i++) rec(i + 1, k, [...acc, SUBBANDS[i]]);
  };
  for (let k = 1; k <= SUBBANDS.length; k++) rec(0, k, []);
  return out;
}
