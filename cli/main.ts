/**
 * The `wepadim` CLI. Each subcommand lives in its own file under cli/commands/ and exports
 * `command` (a yargs CommandModule); cli/registry.ts discovers them and this file registers them, so commands
 * can be added without touching it. Handlers import heavy modules lazily.
 * Exit codes: 0 ok, 2 bad input (UserError), 1 anything else.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { errorMessage, exitCodeFor, UserError } from '../shared/errors.js';
import { loadCommands } from './registry.js';

export async function main(argv: string[]): Promise<number> {
  const commands = await loadCommands();
  let code = 0;
  const cli = yargs(argv)
    .scriptName('wepadim')
    .usage('wepadim <command> [options]\n\nWavelet-Enhanced PaDiM experiments at scale.')
    .strict()
    .demandCommand(1, 'Give a command; see `wepadim --help`.')
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UserError(msg ?? 'bad command line');
    });
  for (const c of commands) cli.command(c);
  try {
    await cli.parseAsync();
  } catch (err) {
    code = exitCodeFor(err);
    process.stderr.write(`wepadim: ${errorMessage(err)}\n`);
    if (code === 1 && process.env.WEPADIM_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  }
  return process.exitCode !== undefined && process.exitCode !== 0 && code === 0 ? Number(process.exitCode) : code;
}

const code = await main(hideBin(process.argv));
process.exitCode = code;
