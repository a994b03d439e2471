/** `--version`, `version --json`, and what an unknown command or a bare group prints. */
import { describe, expect, it } from 'vitest';
import { codeVersion } from '../../shared/version.js';
import { runCli } from './helpers.js';

describe('wepadim --version and unknown commands', () => {
  it('--version and version --json print the code version', async () => {
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.out.trim()).toBe(codeVersion());
    const j = await runCli(['version', '--json']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out)).toMatchObject({ version: codeVersion(), node: process.version });
  }, 600_000);

  it('an unknown command lists the commands; a bare group lists its subcommands (exit 2)', async () => {
    const u = await runCli(['frobnicate']);
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/unknown command or argument: frobnicate/);
    expect(u.err).toMatch(/Commands:\n\s+wepadim \S+/);
    expect(u.err).toMatch(/\n\s+wepadim best <sweep>\s/);
    expect(u.err).toMatch(/wepadim leaderboard <sweep>/);
    expect(u.err).not.toMatch(/^Options:/m);
    const g = await runCli(['grid']);
    expect(g.code).toBe(2);
    expect(g.err).toMatch(/wepadim grid expand <file>/);
    expect(g.err).not.toMatch(/Not enough non-option arguments/);
  }, 600_000);
});
