/**
 * The `wepadim` CLI. Each subcommand lives in its own file under cli/commands/ and exports
 * `command` (a yargs CommandModule); cli/registry.ts discovers them and this file registers them, so commands
 * can be added without touching it. Handlers import heavy modules lazily.
 * Exit codes: 0 ok, 2 bad input (UserError), 1 anything else.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { errorMessage, exitCodeFor, UserError } from '../shared/errors.js';
import { loadCommands } from './registry.js';

/** `wepadim --version` / `-V` is `wepadim version` (same text, same --json). */
function versionAlias(argv: string[]): string[] {
  const i = argv.findIndex((a) => a === '--version' || a === '-V');
  return i >= 0 && !argv.slice(0, i).some((a) => !a.startsWith('-'))
    ? ['version', ...argv.filter((_, j) => j !== i)]
    : argv;
}

/**
 * A command line yargs could not match (an unknown command, a group without its subcommand): the error,
 * then the commands of that level (the group's help), instead of yargs' bare message.
 */
function commandLineError(msg: string, level: Argv | undefined): UserError {
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg);
  const missing = /^Not enough non-option arguments/.test(msg) || /^Give a .*command/.test(msg);
  if (!level || (!unknown && !missing)) return new UserError(msg);
  let help = '';
  level.showHelp((s: string) => (help = s));
  const commands = help.split(/\n(?=Options:)/)[0].trim();
  const head = unknown ? `unknown command or argument: ${unknown[1]}` : 'give a command';
  return new UserError(`${head}\n\n${commands}\n\nRun \`wepadim <command> --help\` for a command's options.`);
}

export async function main(rawArgv: string[]): Promise<number> {
  const commands = await loadCommands();
  const argv = versionAlias(rawArgv);
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
    .fail((msg, err, level) => {
      if (err) throw err;
      throw commandLineError(msg ?? 'bad command line', level);
    });
  for (const c of commands) cli.command(c);
  try {
    await cli.parseAsync();
  } catch (err) {
    code = exitCodeFor(err);
    process.stderr.write(`wepadim: ${errorMessage(err)}\n`);
    if (code === 1 && process.env.WEPADIM_DEBUG && err instanceof Error && err.stack)
      process.stderr.write(err.stack + '\n');
  }
  return process.exitCode !== undefined && process.exitCode !== 0 && code === 0 ? Number(process.exitCode) : code;
}

const code = await main(hideBin(process.argv));
process.exitCode = code;
