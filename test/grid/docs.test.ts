/** The complete sweep examples in docs/sweep-format.md (blocks that start with `name:`) expand as described. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandSweepText } from '../../coordinator/grid/index.js';

const doc = readFileSync('docs/sweep-format.md', 'utf8');
const examples = [...doc.matchAll(/```yaml\n(name:[\s\S]*?)```/g)].map((m) => m[1]);

describe('docs/sweep-format.md examples', () => {
  it('has complete examples', () => expect(examples.length).toBeGreaterThanOrEqual(2));
  it('the first example gives 108 points and 1620 trials, as the text says', () => {
    const s = expandSweepText(examples[0], 'docs/example.yaml');
    expect(s.points).toEqual({ main: 108 });
    expect(s.trials.length).toBe(1620);
  });
  it.each(examples.map((e, i) => [i, e]))('example %i expands', (_i, text) => {
    expect(expandSweepText(text, 'docs/example.yaml').trials.length).toBeGreaterThan(0);
  });
});
