/**
 * `wepadim run configs/demo.yaml --dashboard` (a reduced grid): it prints the dashboard's URL, the URL answers
 * (page and the sweeps API naming the demo) while the run is still going, and the run ends with every
 * per-class winner's maps stored at the coordinator, listed in its summary with their paths.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../shared/version.js';

const work = mkdtempSync(join(tmpdir(), 'wepadim-run-dash-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Summary {
  counts: { done: number; failed: number };
  dbPath: string;
  perClass: { entries: { class: string; key: string }[] };
  maps: { class: string; trial: string; why: string; job: string; files: { name: string; path: string }[] }[];
}

describe('wepadim run --dashboard', () => {
  it('prints a URL that answers while the demo runs, and ends with every winner’s maps stored', async () => {
    const child = spawn(
      process.execPath,
      [
        join(repoRoot(), 'bin', 'wepadim.js'),
        'run',
        join(repoRoot(), 'configs', 'demo.yaml'),
        '--runs-dir',
        join(work, 'runs'),
        '--max-points',
        '2',
        '--classes',
        'weave,disc',
        '--workers',
        '1',
        '--dashboard',
        '127.0.0.1:0',
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        const m = /dashboard: (http:\/\/\S+)/.exec(stderr);
        if (m) resolve(m[1]);
      });
      void exited.then(() => reject(new Error(`run exited before printing a dashboard URL:\n${stderr}`)));
    });
    const page = await fetch(url);
    const sweeps = (await (await fetch(new URL('/api/sweeps', url))).json()) as { sweep: string }[];
    const runningMeanwhile = child.exitCode === null;
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect(sweeps.map((s) => s.sweep)).toContain('demo');
    expect(runningMeanwhile, 'the run ended before its dashboard answered').toBe(true);

    expect(await exited, stderr.slice(-2000)).toBe(0);
    const s = JSON.parse(stdout) as Summary;
    expect(s.counts).toMatchObject({ done: 4, failed: 0 });
    // every class's image-AUROC winner (the per-class leaderboard) is among the trials with maps
    const withMaps = new Map(s.maps.map((m) => [m.trial, m]));
    for (const e of s.perClass.entries) expect(withMaps.get(e.key)?.why, e.key).toMatch(/best image_auroc/);
    expect(new Set(s.maps.filter((m) => m.why.includes('pixel_auroc')).map((m) => m.class))).toEqual(
      new Set(['weave', 'disc']),
    );
    for (const m of s.maps) {
      expect(['done', 'own run']).toContain(m.job);
      expect(m.files.map((f) => f.name).sort()).toHaveLength(4);
      for (const f of m.files) {
        expect(f.name.startsWith(`${m.class}_`)).toBe(true);
        // stored content-addressed: artifacts/sha256/ab/cdef….png names the file's own sha256
        const sha = createHash('sha256').update(readFileSync(f.path)).digest('hex');
        expect(f.path.endsWith(join('sha256', sha.slice(0, 2), `${sha.slice(2)}.png`))).toBe(true);
      }
    }
  }, 300_000);
});
