/** `wepadim version` (also `wepadim --version`): the code version, as text or `--json`. */
import type { Argv, CommandModule } from 'yargs';
import { codeVersion } from '../../shared/version.js';

interface VersionArgs {
  json: boolean;
}

export const command: CommandModule<object, VersionArgs> = {
  command: 'version',
  describe: 'Print the wepadim code version (package version and git commit when available)',
  builder: (y: Argv) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON output' })
      .example('$0 version', 'print e.g. 0.1.0+3f2a1c9')
      .example('$0 --version --json', '{"version": "0.1.0+3f2a1c9", "node": "v20..."}'),
  handler: (a) => {
    const version = codeVersion();
    process.stdout.write(a.json ? JSON.stringify({ version, node: process.version }) + '\n' : version + '\n');
  },
};
