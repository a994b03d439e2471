/**
 * `wepadim dataset synth|ls|check`: write the seeded synthetic dataset, list the classes of a dataset root,
 * decode every file of a dataset and report the bad ones.
 */
import type { Argv, CommandModule } from 'yargs';

interface SynthArgs {
  out: string;
  classes?: string[];
  train: number;
  test: number;
  size: number;
  seed: number;
  force: boolean;
  json: boolean;
}

interface RootArgs {
  root: string;
  kind: string;
  classes?: string[];
  'visa-split-csv'?: string;
  json: boolean;
}

function splitList(values: string[] | undefined): string[] | undefined {
  return values?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}

async function synthHandler(args: SynthArgs): Promise<void> {
  const { existsSync } = await import('node:fs');
  const { rm } = await import('node:fs/promises');
  const { join, resolve } = await import('node:path');
  const { UserError } = await import('../../shared/errors.js');
  const { createProgress } = await import('../../shared/progress.js');
  const { generateSyntheticDataset, SYNTHETIC_CLASS_NAMES } = await import('../../worker/data/index.js');
  const out = resolve(args.out);
  const classes = splitList(args.classes) ?? [...SYNTHETIC_CLASS_NAMES];
  const existing = classes.filter((c) => existsSync(join(out, c)));
  if (existing.length > 0) {
    if (!args.force) throw new UserError(`class folder(s) ${existing.join(', ')} already exist; use --force to replace them`, { file: out });
    for (const c of existing) await rm(join(out, c), { recursive: true, force: true });
  }
  const spec = { classes, train: args.train, test: args.test, size: args.size, seed: args.seed };
  const progress = createProgress({ label: 'synth', total: classes.length * (args.train + args.test) });
  const t0 = performance.now();
  const res = await generateSyntheticDataset(out, spec, { onProgress: (d, t) => progress.update(d, t) });
  progress.done();
  const seconds = (performance.now() - t0) / 1000;
  if (args.json) {
    process.stdout.write(JSON.stringify({ out, spec, files: res.files, seconds: Number(seconds.toFixed(2)) }, null, 2) + '\n');
  } else {
    process.stdout.write(`wrote ${res.files} files for ${res.classes.length} classes to ${out} in ${seconds.toFixed(1)} s\n`);
  }
}

async function lsHandler(args: RootArgs): Promise<void> {
  const { resolve } = await import('node:path');
  const { errorMessage } = await import('../../shared/errors.js');
  const { renderTable } = await import('../../shared/table.js');
  const { checkClassNames, listClass, listClasses, resolveDatasetKind } = await import('../../worker/data/index.js');
  const root = resolve(args.root);
  const kind = resolveDatasetKind(args.kind, root);
  const opts = { visaSplitCsv: args['visa-split-csv'] };
  const explicit = splitList(args.classes);
  if (explicit) checkClassNames(kind, explicit);
  const classes = explicit ?? listClasses(kind, root, opts);
  const rows = classes.map((className) => {
    try {
      const l = listClass(kind, root, className, opts);
      const defects = [...new Set(l.test.filter((s) => s.label === 1).map((s) => s.defect))];
      return {
        class: className,
        train: l.train.length,
        test_good: l.test.filter((s) => s.label === 0).length,
        test_defect: l.test.filter((s) => s.label === 1).length,
        defects: defects.join(','),
        error: '',
      };
    } catch (err) {
      process.exitCode = 2;
      return { class: className, train: 0, test_good: 0, test_defect: 0, defects: '', error: errorMessage(err) };
    }
  });
  if (args.json) {
    process.stdout.write(JSON.stringify({ root, kind, classes: rows.map((r) => ({ ...r, defects: r.defects ? r.defects.split(',') : [], error: r.error || null })) }, null, 2) + '\n');
    return;
  }
  process.stdout.write(`${root} (${kind}): ${classes.length} classes\n`);
  const cols = rows.some((r) => r.error) ? undefined : ['class', 'train', 'test_good', 'test_defect', 'defects'];
  if (rows.length) process.stdout.write(renderTable(rows, cols) + '\n');
}

async function checkHandler(args: RootArgs): Promise<void> {
  const { resolve } = await import('node:path');
  const { renderTable } = await import('../../shared/table.js');
  const { createProgress } = await import('../../shared/progress.js');
  const { checkClassNames, resolveDatasetKind } = await import('../../worker/data/index.js');
  const { checkDataset } = await import('../../worker/data/check.js');
  const root = resolve(args.root);
  const kind = resolveDatasetKind(args.kind, root);
  const classes = splitList(args.classes);
  if (classes) checkClassNames(kind, classes);
  const progress = createProgress({ label: 'check', total: 0 });
  const report = await checkDataset(kind, root, { classes, visaSplitCsv: args['visa-split-csv'], onProgress: (d, t) => progress.update(d, t) });
  progress.done();
  if (report.problems.length > 0) process.exitCode = 2;
  if (args.json) {
    process.stdout.write(JSON.stringify({ root, kind, ...report }, null, 2) + '\n');
    return;
  }
  process.stdout.write(renderTable(report.classes.map((c) => ({ class: c.className, images: c.images, masks: c.masks, problems: c.problems }))) + '\n');
  for (const p of report.problems) process.stdout.write(`BAD ${p.className}: ${p.message}\n`);
  process.stdout.write(report.problems.length ? `${report.problems.length} problem(s)\n` : 'all files decode\n');
}

function rootOptions(y: Argv): Argv {
  return y
    .positional('root', { type: 'string', demandOption: true, describe: 'dataset root folder' })
    .option('kind', { type: 'string', default: 'auto', choices: ['auto', 'mvtec', 'visa', 'folder'], describe: 'dataset layout' })
    .option('classes', { type: 'string', array: true, describe: 'only these classes (comma-separated or repeated)' })
    .option('visa-split-csv', { type: 'string', describe: 'VisA split CSV name or path (default: env VISA_SPLIT_CSV, else 1cls.csv)' })
    .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON output' });
}

const synth: CommandModule<object, SynthArgs> = {
  command: 'synth',
  describe: 'Write the seeded synthetic dataset (MVTec layout, textures and objects with masked defects)',
  builder: (y: Argv) =>
    y
      .option('out', { type: 'string', demandOption: true, describe: 'output folder (created)' })
      .option('classes', { type: 'string', array: true, describe: 'classes to write (default: all): stripes, grid, weave, noise, disc, bracket, chip' })
      .option('train', { type: 'number', default: 25, describe: 'good training images per class' })
      .option('test', { type: 'number', default: 20, describe: 'test images per class (about half defective)' })
      .option('size', { type: 'number', default: 256, describe: 'image side in pixels' })
      .option('seed', { type: 'number', default: 0, describe: 'seed; the same seed writes byte-identical files' })
      .option('force', { type: 'boolean', default: false, describe: 'replace class folders that already exist' })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON summary' })
      .example('$0 dataset synth --out data/synth', 'all 7 classes, 25 train / 20 test images of 256x256 each')
      .example('$0 dataset synth --out /tmp/s --classes stripes,disc --train 30 --test 20 --seed 7', 'two classes, another seed') as Argv<SynthArgs>,
  handler: synthHandler,
};

const ls: CommandModule<object, RootArgs> = {
  command: 'ls <root>',
  describe: 'List the classes of a dataset with train/test counts and defect types',
  builder: (y: Argv) =>
    (rootOptions(y) as Argv<RootArgs>)
      .example('$0 dataset ls /data/mvtec_anomaly_detection', 'auto-detects MVTec AD, VisA or an MVTec-layout folder')
      .example('$0 dataset ls /data/visa --kind visa --json', 'VisA classes from its split CSV, as JSON'),
  handler: lsHandler,
};

const check: CommandModule<object, RootArgs> = {
  command: 'check <root>',
  describe: 'Decode every image and mask of a dataset and report the bad ones by file name (exit 2 if any)',
  builder: (y: Argv) =>
    (rootOptions(y) as Argv<RootArgs>)
      .example('$0 dataset check /data/mvtec_anomaly_detection --classes bottle,cable', 'check two classes')
      .example('$0 dataset check data/synth --json', 'report as JSON'),
  handler: checkHandler,
};

export const command: CommandModule = {
  command: 'dataset <command>',
  describe: 'Datasets: write the synthetic dataset, list classes, check files',
  builder: (y: Argv) =>
    y
      .command(synth as unknown as CommandModule)
      .command(ls as unknown as CommandModule)
      .command(check as unknown as CommandModule)
      .demandCommand(1, 'Give a dataset command, e.g. `wepadim dataset ls ROOT`.')
      .example('$0 dataset synth --out data/synth && $0 dataset ls data/synth', 'make the demo dataset and list it'),
  handler: () => undefined,
};
