/**
 * The TTY view of `wepadim run` as lines at 80 columns: worker lines count trials done and held (no bar whose
 * total grows with each lease), the random-weights notice fits on one line of its own, worker notes never carry
 * it, and the end of a stopped run names the leased trials and prints no raw worker events.
 */
import { describe, expect, it } from 'vitest';
import { fitLine, renderSnapshot, type RunSnapshot } from '../../local/progress-view.js';
import { noteOf } from '../../local/worker-note.js';
import { runHeadline, workerTailText } from '../../local/run-headline.js';
import { randomWeightsBanner, randomWeightsLine, RANDOM_WEIGHTS_WARNING } from '../../shared/weights-notice.js';

const snap = (w0: [number, number], w1: [number, number], note = ''): RunSnapshot => ({
  total: 144,
  done: w0[0] + w1[0] - 1,
  failed: 1,
  active: w0[1] + w1[1],
  pending: 144 - w0[0] - w1[0] - w0[1] - w1[1],
  workers: [
    { id: 'local-0', finished: w0[0], active: w0[1], note },
    { id: 'local-1', finished: w1[0], active: w1[1], note: '' },
  ],
});

describe('wepadim run view at 80 columns', () => {
  it('every line fits; the counts get their own line; workers show done and held', () => {
    const lines = renderSnapshot(
      snap([47, 1], [36, 24], 'lease of 12 trials'),
      95,
      0,
      80,
      randomWeightsLine(['random:0']),
    );
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines).toEqual([
      'overall [##################..............] 83/144 58%  eta 1m09s  elapsed 1m35s',
      '  done 82  failed 1  running 25  pending 36',
      '!! RANDOM WEIGHTS (random:0): scores NOT comparable with published ones',
      'local-0   done  47  held   1  lease of 12 trials',
      'local-1   done  36  held  24',
    ]);
  });

  it('a new lease changes what a worker holds, never a total it is measured against', () => {
    const before = renderSnapshot(snap([47, 1], [0, 0]), 10, 0, 80)[2];
    const after = renderSnapshot(snap([48, 12], [0, 0]), 11, 0, 80)[2];
    expect(before).toBe('local-0   done  47  held   1');
    expect(after).toBe('local-0   done  48  held  12');
    expect(renderSnapshot(snap([48, 0], [0, 0]), 11, 0, 80)[2]).toBe('local-0   done  48  idle');
    expect(`${before}\n${after}`).not.toMatch(/\d+\/\d+/);
  });

  it('wide terminals keep one head line; long notes are cut with an ellipsis inside the width', () => {
    const long = `FAILED abcdef012345: ${'x'.repeat(100)}`;
    const wide = renderSnapshot(snap([1, 1], [1, 1], long), 5, 0, 160);
    expect(wide[0]).toMatch(
      /^overall \[#\.{39}\] 2\/144 1% {2}eta 5m55s {2}elapsed 5s {2}done 1 {2}failed 1 {2}running 2 {2}pending 140$/,
    );
    const narrow = renderSnapshot(snap([1, 1], [1, 1], long), 5, 0, 80);
    expect(narrow[2]).toHaveLength(80);
    expect(narrow[2].endsWith('\u2026')).toBe(true);
    expect(fitLine('abc', 3)).toBe('abc');
    expect(fitLine('abcd', 3)).toBe('ab\u2026');
  });

  it('the random-weights banner wraps inside 80 columns and keeps every word', () => {
    const banner = randomWeightsBanner(['random:0', 'random:1']);
    const lines = banner.trimEnd().split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    expect(lines[0]).toBe('!'.repeat(80));
    expect(lines.at(-1)).toBe('!'.repeat(80));
    const words = lines
      .slice(1, -1)
      .map((l) => l.replace(/^!! /, ''))
      .join(' ');
    expect(words).toBe(`${RANDOM_WEIGHTS_WARNING} weights used: random:0, random:1`);
  });

  it('worker notes skip the random-weights warnings (the view shows it once) and protocol events', () => {
    const warn = { level: 'warn', msg: `!!! ${RANDOM_WEIGHTS_WARNING} (random:0) !!!` };
    expect(noteOf(JSON.stringify(warn))).toBeNull();
    expect(noteOf(JSON.stringify({ level: 'warn', msg: 'disk almost full' }))).toBe('warn: disk almost full');
    expect(noteOf(JSON.stringify({ type: 'delivered', leaseId: 'x', accepted: true }))).toBeNull();
  });
});

describe('the end of a stopped run', () => {
  it('names the leased (in-flight) trials beside done, failed and pending', () => {
    const counts = { pending: 72, leased: 60, running: 5, done: 7, failed: 0, cancelled: 0 };
    const text = runHeadline({ interrupted: true, counts, elapsed_s: 24.56, dbPath: '/r/demo/wepadim.db' });
    expect(text).toBe(
      'Stopped: 7 done, 0 failed, 65 leased, 72 pending in 24.6 s\n' +
        'The 65 leased trials were in flight: they go back to the queue on the next run.\n' +
        'Run the same command again to resume.\nDatabase: /r/demo/wepadim.db\n',
    );
    const fin = { pending: 0, leased: 0, running: 0, done: 144, failed: 0, cancelled: 0 };
    expect(runHeadline({ interrupted: false, counts: fin, elapsed_s: 40, dbPath: 'd' })).toBe(
      'Finished: 144 done, 0 failed, 0 pending in 40.0 s\nDatabase: d\n',
    );
  });

  it('a dead worker is described by its warnings and failures, never by raw protocol events', () => {
    const tail = [
      JSON.stringify({ type: 'uploaded', leaseId: 'a', key: 'k', files: 1 }),
      JSON.stringify({ type: 'delivered', leaseId: 'a', accepted: true, trialStatus: 'done' }),
      JSON.stringify({ type: 'finished', key: 'abcdef0123456789abcdef01', ok: false, error: 'corrupt image' }),
      JSON.stringify({ t: 'x', level: 'error', msg: 'out of memory' }),
      'Segmentation fault',
    ];
    const out = workerTailText(tail);
    expect(out).toEqual(['FAILED abcdef012345: corrupt image', 'error: out of memory', 'Segmentation fault']);
    expect(out.join('\n')).not.toMatch(/"type"/);
  });
});
