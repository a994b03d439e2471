/** What --help and the README tell a new user agrees with the code: examples, --insecure wording, the default port. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweepFile } from '../../coordinator/grid/index.js';
import { DEFAULT_ADDRESS, INSECURE_DESCRIBE } from '../../cli/support/security-options.js';
import { repoRoot } from '../../shared/version.js';
import { runCli } from './helpers.js';

const flat = (s: string): string => s.replace(/\s+/g, ' ');

describe('help, examples and defaults', () => {
  it("run --help's examples use classes the demo has", () => {
    // the examples as written (yargs wraps --help text mid-example)
    const help = readFileSync(join(repoRoot(), 'cli', 'commands', 'run.ts'), 'utf8');
    const demo = loadSweepFile(join(repoRoot(), 'configs', 'demo.yaml'));
    const classes = new Set(demo.trials.map((t) => t.params.class));
    const used = [...help.matchAll(/\.example\('\$0 run configs\/demo\.yaml[^']*--classes ([\w,-]+)/g)].flatMap((m) =>
      m[1].split(','),
    );
    expect(used.length).toBeGreaterThan(0);
    for (const c of used) expect(classes).toContain(c);
  });

  it('--insecure reads the same in every command that has it', async () => {
    for (const cmd of ['coordinator', 'worker', 'drain', 'cancel']) {
      const help = flat((await runCli([cmd, '--help'])).out);
      expect(help, cmd).toContain(`--insecure ${INSECURE_DESCRIBE}`);
    }
  }, 600_000);

  it("README's coordinator and worker commands use the default port", () => {
    const port = DEFAULT_ADDRESS.split(':')[1];
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    const ports = [...readme.matchAll(/--(?:listen|coordinator) [\w.]+:(\d+)/g)].map((m) => m[1]);
    expect(ports.length).toBeGreaterThan(0);
    expect(new Set(ports)).toEqual(new Set([port]));
  });

  it('README documents WEPADIM_LOG_JSON (1 and 0) and WEPADIM_LOG_LEVEL with every level', () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    expect(readme).toMatch(/WEPADIM_LOG_JSON=1`? forces JSON/);
    expect(readme).toMatch(/WEPADIM_LOG_JSON=0`? forces text/);
    const levels = /WEPADIM_LOG_LEVEL=([\w|]+)/.exec(readme)?.[1].split('|');
    expect(levels).toEqual(['debug', 'info', 'warn', 'error']);
  });
});
