/** Log format switches (WEPADIM_LOG_JSON) and the worker's log label, checked on a real worker process too. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { jsonFromEnv, workerLabel } from '../../shared/log.js';
import { repoRoot } from '../../shared/version.js';

describe('log settings', () => {
  it('WEPADIM_LOG_JSON=1 forces JSON, =0 forces text, unset follows the TTY', () => {
    expect([jsonFromEnv('1', true), jsonFromEnv('1', false)]).toEqual([true, true]);
    expect([jsonFromEnv('0', true), jsonFromEnv('0', false)]).toEqual([false, false]);
    expect([jsonFromEnv(undefined, true), jsonFromEnv(undefined, false)]).toEqual([false, true]);
  });

  it('a worker is labelled by its id, gpuN, or cpu (never gpu-)', () => {
    expect([workerLabel('w7', 2), workerLabel(undefined, 3), workerLabel(undefined, undefined)]).toEqual([
      'w7',
      'gpu3',
      'cpu',
    ]);
  });

  it('a CPU worker with WEPADIM_LOG_JSON=0 logs text lines labelled cpu, even on a pipe', async () => {
    const spool = mkdtempSync(join(tmpdir(), 'wepadim-log-'));
    // port 1 on loopback: nothing listens, so the worker logs that the coordinator is unreachable
    const child = spawn(
      process.execPath,
      [
        join(repoRoot(), 'bin', 'wepadim.js'),
        'worker',
        '--coordinator',
        '127.0.0.1:1',
        '--insecure',
        '--spool-dir',
        spool,
      ],
      {
        env: { ...process.env, WEPADIM_LOG_JSON: '0', WEPADIM_TOKEN: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stderr }).on('line', (l) => {
          if (/unreachable/.test(l)) resolve(l);
        });
        child.once('exit', (code) => reject(new Error(`worker exited (${code}) before logging`)));
      });
      expect(line.startsWith('{')).toBe(false);
      expect(line).toMatch(/^WARN coordinator unreachable .*worker=cpu\b/);
    } finally {
      child.kill('SIGKILL');
      rmSync(spool, { recursive: true, force: true });
    }
  }, 300_000);
});
