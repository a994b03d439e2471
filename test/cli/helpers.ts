/** Run the CLI as a user does (a child process) and collect its exit code and output. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../shared/version.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export function runCli(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): CliResult {
  const r = spawnSync(process.execPath, [join(repoRoot(), 'bin', 'wepadim.js'), ...args], {
    cwd: opts.cwd,
    env: { ...process.env, WEPADIM_DB: '', ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
