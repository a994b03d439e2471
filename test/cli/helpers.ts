/** Run the CLI as a user does (a child process) and collect its exit code and output. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../shared/version.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/**
 * Resolves when the child exits. There is no per-call deadline: a CLI start-up takes seconds under load, so
 * only the vitest test timeout bounds a call (an async child never blocks that timeout, unlike spawnSync).
 */
export function runCli(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [join(repoRoot(), 'bin', 'wepadim.js'), ...args], {
    cwd: opts.cwd,
    env: { ...process.env, WEPADIM_DB: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}
