import type { CommandModule } from 'yargs';
import { codeVersion } from '../../shared/version.js';

export const command: CommandModule = {
  command: 'version',
  describe: 'Print the wepadim code version (package version and git commit when available)',
  builder: (y) => y.example('$0 version', 'print e.g. 0.1.0+3f2a1c9'),
  handler: () => {
    process.stdout.write(codeVersion() + '\n');
  },
};
