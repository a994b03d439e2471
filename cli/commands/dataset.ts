/**
 * `wepadim dataset synth|ls|check`: write the seeded synthetic dataset, list the classes of a dataset root,
 * decode every file of a dataset and report the bad ones.
 */
import type { Argv, CommandModule } from 'yargs';
import { join, resolve } from 'node:path';

interface SynthArgs {
  out: string;
  classes?: string[];
  train?: number;
  test?: number;
  size: number;
  seed: number;
  force: boolean;
  json: boolean;
  profile?: string;
  'train-scale'?: number;
  'test-scale'?: number;
  threads?: number;
}

interface RootArgs {
  root: string;
  kind: string;
  classes?: string[];
  'visa-split-csv'?: string;
  json: boolean;
}

function splitList(values: string[] | undefined): string[] | undefined {
  return values
    ?.flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/** --profile mvtec|visa: the real datasets' per-class counts, rendered on worker threads. */
async function profileHandler(args: SynthArgs & { profile: string }): Promise<void> {
  const { existsSync } = await import('node:fs');
  const { UserError } = await import('../../shared/errors.js');
  const { createProgress } = await import('../../shared/progress.js');
  const { generateProfileDataset, profileByName, profileCounts } = await import('../../worker/data/index.js');
  const out = resolve(args.out);
  const profile = profileByName(args.profile);
  const opts = {
    seed: args.seed,
    size: args.size,
    trainScale: args['train-scale'],
    testScale: args['test-scale'],
    classes: splitList(args.classes),
    threads: args.threads,
  };
  const counts = profileCounts(profile, opts);
  const existing = counts.map((c) => c.name).filter((c) => existsSync(join(out, c)));
  if (existing.length > 0 && !args.force)
    throw new UserError(`class folder(s) ${existing.join(', ')} already exist; use --force to replace them`, {
      file: out,
    });
  const total = counts.reduce((a, c) => a + c.train + c.good + c.defects.reduce((b, d) => b + d[1], 0), 0);
  const progress = createProgress({ label: `synth ${profile.name}`, total });
  const t0 = performance.now();
  const res = await generateProfileDataset(out, profile.name, { ...opts, onProgress: (d, t) => progress.update(d, t) });
  progress.done();
  const seconds = (performance.now() - t0) / 1000;
  if (args.json) {
    process.stdout.write(
      JSON.stringify(
        {
          out,
          profile: profile.name,
          seed: args.seed,
          size: args.size,
          classes: res.classes,
          images: res.images,
          files: res.files,
          seconds: Number(seconds.toFixed(2)),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    process.stdout.write(
      `wrote ${res.images} images (${res.files} files) for ${res.classes.length} ${profile.name} classes to ${out} in ${seconds.toFixed(1)} s\n`,
    );
  }
}

async function synthHandler(args: SynthArgs): Promise<void> {
  if (args.profile !== undefined) return profileHandler({ ...args, profile: args.profile });
  const { existsSync } = await import('node:fs');
  const { rm } = await import('node:fs/promises');
  const { UserError } = await import('../../shared/errors.js');
  const { createProgress } = await import('../../shared/progress.js');
  const { generateSyntheticDataset, SYNTHETIC_CLASS_NAMES } = await import('../../worker/data/index.js');
  const out = resolve(args.out);
  const classes = splitList(args.classes) ?? [...SYNTHETIC_CLASS_NAMES];
  const existing = classes.filter((c) => existsSync(join(out, c)));
  if (existing.length > 0) {
    if (!args.force)
      throw new UserError(`class folder(s) ${existing.join(', ')} already exist; use --force to replace them`, {
        file: out,
      });
    for (const c of existing) await rm(join(out, c), { recursive: true, force: true });
  }
  const spec = { classes, train: args.train ?? 25, test: args.test ?? 20, size: args.size, seed: args.seed };
  const progress = createProgress({ label: 'synth', total: classes.length * (spec.train + spec.test) });
  const t0 = performance.now();
  const res = await generateSyntheticDataset(out, spec, { onProgress: (d, t) => progress.update(d, t) });
  progress.done();
  const seconds = (performance.now() - t0) / 1000;
  if (args.json) {
    process.stdout.write(
      JSON.stringify({ out, spec, files: res.files, seconds: Number(seconds.toFixed(2)) }, null, 2) + '\n',
    );
  } else {
    process.stdout.write(
      `wrote ${res.files} files for ${res.classes.length} classes to ${out} in ${seconds.toFixed(1)} s\n`,
    );
  }
}

async function lsHandler(args: RootArgs): Promise<void> {
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
    process.stdout.write(
      JSON.stringify(
        {
          root,
          kind,
          classes: rows.map((r) => ({ ...r, defects: r.defects ? r.defects.split(',') : [], error: r.error || null })),
        },
        null,
        2,
      ) + '\n',
    );
    return;
  }
  process.stdout.write(`${root} (${kind}): ${classes.length} classes\n`);
  const cols = rows.some((r) => r.error) ? undefined : ['class', 'train', 'test_good', 'test_defect', 'defects'];
  if (rows.length) process.stdout.write(renderTable(rows, cols) + '\n');
}

async function checkHandler(args: RootArgs): Promise<void> {
  const { renderTable } = await import('../../shared/table.js');
  const { createProgress } = await import('../../shared/progress.js');
  const { checkClassNames, resolveDatasetKind } = await import('../../worker/data/index.js');
  const { checkDataset } = await import('../../worker/data/check.js');
  const root = resolve(args.root);
  const kind = resolveDatasetKind(args.kind, root);
  const classes = splitList(args.classes);
  if (classes) checkClassNames(kind, classes);
  const progress = createProgress({ label: 'check', total: 0 });
  const report = await checkDataset(kind, root, {
    classes,
    visaSplitCsv: args['visa-split-csv'],
    onProgress: (d, t) => progress.update(d, t),
  });
  progress.done();
  if (report.problems.length > 0) process.exitCode = 2;
  if (args.json) {
    process.stdout.write(JSON.stringify({ root, kind, ...report }, null, 2) + '\n');
    return;
  }
  process.stdout.write(
    renderTable(
      report.classes.map((c) => ({ class: c.className, images: c.images, masks: c.masks, problems: c.problems })),
    ) + '\n',
  );
  for (const p of report.problems) process.stdout.write(`BAD ${p.className}: ${p.message}\n`);
  process.stdout.write(report.problems.length ? `${report.problems.length} problem(s)\n` : 'all files decode\n');
}

function rootOptions(y: Argv): Argv {
  return y
    .positional('root', { type: 'string', demandOption: true, describe: 'dataset root folder' })
    .option('kind', {
      type: 'string',
      default: 'auto',
      choices: ['auto', 'mvtec', 'visa', 'folder'],
      describe: 'dataset layout',
    })
    .option('classes', { type: 'string', array: true, describe: 'only these classes (comma-separated or repeated)' })
    .option('visa-split-csv', {
      type: 'string',
      describe: 'VisA split CSV name or path (default: env VISA_SPLIT_CSV, else 1cls.csv)',
    })
    .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON output' });
}

const synth: CommandModule<object, SynthArgs> = {
  command: 'synth',
  describe: 'Write the seeded synthetic dataset (MVTec layout, textures and objects with masked defects)',
  builder: (y: Argv) =>
    y
      .option('out', { type: 'string', demandOption: true, describe: 'output folder (created)' })
      .conflicts('profile', ['train', 'test'])
      .option('classes', {
        type: 'string',
        array: true,
        describe:
          "classes to write (default: all): stripes, grid, weave, noise, disc, bracket, chip; with --profile, that profile's class names",
      })
      .option('train', { type: 'number', describe: 'good training images per class (default 25; not with --profile)' })
      .option('test', {
        type: 'number',
        describe: 'test images per class, about half defective (default 20; not with --profile)',
      })
      .option('profile', {
        type: 'string',
        choices: ['mvtec', 'visa'],
        describe:
          "real dataset sizes: mvtec = MVTec AD's 15 classes with its per-class train/good/defect counts and defect names " +
          "(5,354 images, MVTec layout); visa = VisA's 12 classes (1cls split) in VisA's folder layout, full test sets " +
          "but half of each class's training images by default (6,493 of 10,821 images; --train-scale 1 for all)",
      })
      .option('train-scale', {
        type: 'number',
        describe: "with --profile: fraction of each class's training images (default mvtec 1, visa 0.5)",
      })
      .option('test-scale', {
        type: 'number',
        describe: "with --profile: fraction of each class's test images per folder (default 1)",
      })
      .option('threads', { type: 'number', describe: 'with --profile: render threads (default: the number of cores)' })
      .option('size', { type: 'number', default: 256, describe: 'image side in pixels' })
      .option('seed', { type: 'number', default: 0, describe: 'seed; the same seed writes byte-identical files' })
      .option('force', { type: 'boolean', default: false, describe: 'replace class folders that already exist' })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON summary' })
      .example('$0 dataset synth --out data/synth', 'all 7 classes, 25 train / 20 test images of 256x256 each')
      .example(
        '$0 dataset synth --out /tmp/s --classes stripes,disc --train 30 --test 20 --seed 7',
        'two classes, another seed',
      )
      .example(
        '$0 dataset synth --out data/mvtec-synth --profile mvtec',
        "MVTec AD's 15 classes at their real counts (about 1 min on 2 idle cores)",
      )
      .example(
        '$0 dataset synth --out data/visa-synth --profile visa --classes pcb1,candle',
        'two VisA classes, half their training images',
      ),
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
