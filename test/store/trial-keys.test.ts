/** The one trial-key resolver behind cancel, artifacts and maps: full keys, unique prefixes, ambiguity. */
import { describe, expect, it } from 'vitest';
import { trialKeyResolver } from '../../coordinator/store/trial-keys.js';
import { memoryDb, seedSweep } from '../coordinator/seed.js';

describe('trialKeyResolver', () => {
  it('resolves a unique prefix of 6+ hex digits, names the matches of an ambiguous one, and leaves the rest', () => {
    const db = memoryDb();
    const [a, b, c] = ['abcdef012345aaaa00000001', 'abcdef012345bbbb00000002', '0123456789ab000000000003'];
    seedSweep(
      db,
      's',
      [a, b, c].map((key) => ({ key, featureKey: 'f' })),
    );
    const full = trialKeyResolver(db);
    expect(full(a)).toBe(a);
    expect(full('abcdef012345a')).toBe(a);
    expect(full('012345')).toBe(c);
    expect(() => full('abcdef012345')).toThrow(`trial key prefix abcdef012345 is ambiguous (${a}, ${b})`);
    expect(full('abcde')).toBe('abcde'); // under 6 digits: not a prefix
    expect(full('fedcba')).toBe('fedcba'); // matches none
    expect(full('my-sweep')).toBe('my-sweep');
    db.close();
  });
});
