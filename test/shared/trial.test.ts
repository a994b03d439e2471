import { describe, expect, it } from 'vitest';
import { allNonEmptySubsets } from '../../shared/subbands.js';
import { canonicalJson, dwtKey, featureKey, normalizeNumber, trialKey, type TrialParams } from '../../shared/trial.js';
import { llSize } from '../../shared/wavelets.js';
import { BASE } from '../store/seed.js';

const base: TrialParams = BASE;

describe('trial identity', () => {
  it('ignores subband order and number spelling', () => {
    const a = trialKey(base);
    const b = trialKey({ ...base, subbands: ['HL', 'LL', 'LH'], cov_reg: 1e-2, sigma: 4.0 });
    expect(b).toBe(a);
    expect(canonicalJson({ ...base, subbands: ['HL', 'LL', 'LH'] })).toContain('"subbands":["LL","LH","HL"]');
  });
  it('changes with any parameter', () => {
    expect(trialKey({ ...base, sigma: 2 })).not.toBe(trialKey(base));
    expect(trialKey({ ...base, class: 'cable' })).not.toBe(trialKey(base));
  });
  it('normalizes float noise', () => {
    expect(normalizeNumber(0.1 + 0.2)).toBe(0.3);
    expect(Object.is(normalizeNumber(-0), 0)).toBe(true);
  });
  it('sharing keys group the right trials', () => {
    const other = { ...base, sigma: 2, cov_reg: 0.1, subbands: ['LL' as const] };
    expect(featureKey(other)).toBe(featureKey(base));
    expect(dwtKey(other)).toBe(dwtKey(base));
    expect(dwtKey({ ...base, wavelet: 'sym4' })).not.toBe(dwtKey(base));
    expect(featureKey({ ...base, backbone: 'efficientnet-b0' })).not.toBe(featureKey(base));
  });
});

describe('catalogues', () => {
  it('has the 15 subsets in combinations order', () => {
    const s = allNonEmptySubsets().map((x) => x.join('+'));
    expect(s).toHaveLength(15);
    expect(s.slice(0, 6)).toEqual(['LL', 'LH', 'HL', 'HH', 'LL+LH', 'LL+HL']);
    expect(s[14]).toBe('LL+LH+HL+HH');
  });
  it('computes LL sizes of spec 4.4', () => {
    expect([56, 28, 14, 7].map((n) => llSize(n, 'haar', 1, 'zero'))).toEqual([28, 14, 7, 4]);
    expect([56, 28, 14, 7].map((n) => llSize(n, 'sym4', 2, 'zero'))).toEqual([19, 12, 8, 7]);
    expect([56, 28, 14, 7].map((n) => llSize(n, 'coif1', 1, 'zero'))).toEqual([30, 16, 9, 6]);
    expect(llSize(7, 'haar', 4, 'zero')).toBeNull();
  });
});
