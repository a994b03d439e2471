/** `wepadim weights import|fetch|list`: torchvision backbone weights in the local weights directory. */
import type { Argv, CommandModule } from 'yargs';
import { BACKBONES, type Backbone } from '../../shared/backbones.js';
import { UserError } from '../../shared/errors.js';
import { quoted } from '../../shared/printable.js';

interface CommonArgs {
  json: boolean;
  'weights-dir'?: string;
}
interface ImportArgs extends CommonArgs {
  file: string;
  arch: string;
  tag?: string;
  'allow-extra': boolean;
}
interface FetchArgs extends CommonArgs {
  name: string;
}

function checkArch(a: string): Backbone {
  if (!(BACKBONES as readonly string[]).includes(a))
    throw new UserError(`unknown architecture ${quoted(a)}: one of ${BACKBONES.join(', ')}`);
  return a as Backbone;
}

const common = <T>(y: Argv<T>): Argv<T> =>
  y
    .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON output' })
    .option('weights-dir', {
      type: 'string',
      describe: 'weights directory (default $WEPADIM_WEIGHTS_DIR or ~/.cache/wepadim/weights)',
    });

async function printEntries(rows: object[], json: boolean): Promise<void> {
  if (json) {
    process.stdout.write(JSON.stringify(rows, null, 1) + '\n');
    return;
  }
  const { renderTable } = await import('../../shared/table.js');
  const table = (
    rows as { id: string; arch: string; tag: string | null; source: string; tensors: number; bytes: number }[]
  ).map((r) => ({
    id: r.id.slice(0, 19),
    arch: r.arch,
    tag: r.tag ?? '',
    source: r.source,
    tensors: r.tensors,
    MB: Number((r.bytes / 1e6).toFixed(1)),
  }));
  process.stdout.write((table.length ? renderTable(table) : 'no weights imported yet') + '\n');
}

const importCmd: CommandModule<object, ImportArgs> = {
  command: 'import <file>',
  describe:
    'Import a torchvision state_dict (.pth zip or .safetensors), checking every tensor against the architecture',
  builder: (y: Argv) =>
    common(y)
      .positional('file', { type: 'string', demandOption: true, describe: 'the .pth or .safetensors file' })
      .option('arch', { type: 'string', demandOption: true, choices: BACKBONES, describe: 'backbone architecture' })
      .option('tag', {
        type: 'string',
        describe: 'tag, e.g. IMAGENET1K_V1 (set automatically for the official torchvision file names)',
      })
      .option('allow-extra', {
        type: 'boolean',
        default: false,
        describe:
          'accept a file that holds tensors the architecture does not have (e.g. a deeper network), using only those it has',
      })
      .example('$0 weights import resnet18-f37072fd.pth --arch resnet18', 'import the official ImageNet weights')
      .example(
        '$0 weights import model.safetensors --arch efficientnet-b0 --json',
        'import and print the entry as JSON',
      ) as unknown as Argv<ImportArgs>,
  handler: async (a) => {
    const { importWeights } = await import('../../worker/weights/store.js');
    const meta = importWeights({
      file: a.file,
      arch: checkArch(a.arch),
      dir: a['weights-dir'],
      tag: a.tag,
      allowExtra: a['allow-extra'],
    });
    if (meta.ignoredTensors)
      process.stderr.write(
        `note: ignored ${meta.ignoredTensors} tensors of the file that are not part of ${meta.arch} (--allow-extra)\n`,
      );
    await printEntries([meta], a.json);
  },
};

const fetchCmd: CommandModule<object, FetchArgs> = {
  command: 'fetch <name>',
  describe: 'Download the official torchvision IMAGENET1K_V1 file for a backbone, check its hash and import it',
  builder: (y: Argv) =>
    common(y)
      .positional('name', { type: 'string', demandOption: true, choices: BACKBONES, describe: 'backbone' })
      .example(
        '$0 weights fetch resnet18',
        'download resnet18-f37072fd.pth and import it',
      ) as unknown as Argv<FetchArgs>,
  handler: async (a) => {
    const arch = checkArch(a.name);
    const { fetchOfficialWeights } = await import('../../worker/weights/fetch.js');
    const { createProgress } = await import('../../shared/progress.js');
    const meta = await fetchOfficialWeights(arch, {
      dir: a['weights-dir'],
      progress: (total) => createProgress({ label: `fetch ${arch}`, total }),
    });
    await printEntries([meta], a.json);
  },
};

const listCmd: CommandModule<object, CommonArgs> = {
  command: 'list',
  describe: 'List the imported weights',
  builder: (y: Argv) =>
    common(y).example('$0 weights list --json', 'all entries as JSON') as unknown as Argv<CommonArgs>,
  handler: async (a) => {
    const { listWeights, defaultWeightsDir } = await import('../../worker/weights/store.js');
    await printEntries(listWeights(a['weights-dir'] ?? defaultWeightsDir()), a.json);
  },
};

export const command: CommandModule = {
  command: 'weights <action>',
  describe: 'Manage backbone weights: import, fetch, list',
  builder: (y: Argv) =>
    y
      .command(importCmd as unknown as CommandModule)
      .command(fetchCmd as unknown as CommandModule)
      .command(listCmd as unknown as CommandModule)
      .demandCommand(1)
      .example('$0 weights fetch efficientnet-b0', 'download and import ImageNet weights')
      .example('$0 weights import resnet18-f37072fd.pth --arch resnet18', 'import a file you downloaded yourself'),
  handler: () => undefined,
};
