/**
 * The maps part of `wepadim run`'s text summary: one aligned line per winner (class, 12-digit trial key, why,
 * how many maps or the job's state and error), then the command that fetches them from the run's database.
 */
import { describe, expect, it } from 'vitest';
import { renderWinnerMaps, type WinnerMaps } from '../../local/maps-summary.js';

const file = (n: string) => ({ name: `${n}.png`, path: `/runs/demo/artifacts/sha256/ab/${n}.png` });

describe('renderWinnerMaps', () => {
  it('prints one line per winner and the fetch command, never the content-addressed paths', () => {
    const maps: WinnerMaps[] = [
      {
        class: 'chip',
        trial: 'f033691020df4a5b6c7d8e9f',
        why: 'best image_auroc',
        job: 'done',
        error: null,
        files: [file('a'), file('b'), file('c'), file('d')],
      },
      {
        class: 'weave',
        trial: '5c2de40b9fa2326d853cce5c',
        why: 'best image_auroc,pixel_auroc',
        job: 'own run',
        error: null,
        files: [file('e')],
      },
      {
        class: 'disc',
        trial: 'e7f52b37e793aaaa0000bbbb',
        why: 'requested',
        job: 'failed',
        error: 'metrics differ',
        files: [],
      },
    ];
    expect(renderWinnerMaps(maps, 'runs/demo/wepadim.db').split('\n')).toEqual([
      'Anomaly maps of the per-class winners, stored at the coordinator:',
      '  chip   trial f033691020df  best image_auroc              4 map(s)',
      '  weave  trial 5c2de40b9fa2  best image_auroc,pixel_auroc  1 map(s)',
      '  disc   trial e7f52b37e793  requested                     maps job failed (metrics differ)',
      '  fetch by name: wepadim artifacts TRIAL --db runs/demo/wepadim.db --out DIR',
    ]);
    expect(renderWinnerMaps([], 'x')).toBe('');
  });
});
