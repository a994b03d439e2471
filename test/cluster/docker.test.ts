/**
 * The Dockerfiles, checked statically (no Docker engine here): `.dockerignore` keeps host node_modules,
 * runs, datasets, spools, keys and .git out of the build context without dropping what the image runs;
 * both images share /app and an exec-form entrypoint that is the real CLI; the CUDA variant is built on an
 * NVIDIA CUDA 12 base with Node 20 and installs the onnxruntime CUDA provider exactly where the executor
 * looks for it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../shared/version.js';
import { onnxCudaProviderPath } from '../../worker/executors/detect.js';
import { cliCommands } from './cli-parse.js';

const root = repoRoot();
const read = (f: string): string => readFileSync(join(root, f), 'utf8');
const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
/** Dockerfile instructions with their continuation lines joined. */
const instructions = (text: string): { op: string; rest: string }[] =>
  lines(text.replace(/\\\n/g, ' ')).map((l) => {
    const [op, ...rest] = l.split(/\s+/);
    return { op: op.toUpperCase(), rest: rest.join(' ') };
  });
const ignore = lines(read('.dockerignore'));
/** Would the .dockerignore pattern list exclude this top-level path? (the simple patterns used here) */
const ignored = (path: string): boolean =>
  ignore.some((p) => {
    const bare = p.replace(/\/$/, '');
    if (bare.startsWith('**/*')) return path.endsWith(bare.slice(4));
    if (bare.startsWith('*')) return path.endsWith(bare.slice(1));
    return bare === path;
  });

describe('Docker images', () => {
  it('.dockerignore keeps host artefacts and secrets out, and keeps what the image runs', () => {
    for (const p of [
      'node_modules',
      'runs',
      'data',
      '.wepadim',
      'tls',
      '.git',
      'server.key',
      'ca.key',
      'workers.sbatch',
    ])
      expect(ignored(p), p).toBe(true);
    for (const p of [
      'package.json',
      'package-lock.json',
      'bin',
      'cli',
      'coordinator',
      'worker',
      'shared',
      'proto',
      'configs',
      'local',
    ]) {
      if (existsSync(join(root, p))) expect(ignored(p), p).toBe(false);
    }
  });

  for (const file of ['deploy/Dockerfile', 'deploy/Dockerfile.cuda']) {
    it(`${file}: /app, npm ci from the lock file, an exec-form entrypoint that runs the CLI`, async () => {
      const ins = instructions(read(file));
      expect(ins.filter((i) => i.op === 'WORKDIR').map((i) => i.rest)).toEqual(['/app']); // deploy/kubernetes mounts relative to it
      const copyLock = ins.findIndex((i) => i.op === 'COPY' && i.rest === 'package.json package-lock.json ./');
      const ci = ins.findIndex((i) => i.op === 'RUN' && /\bnpm ci --omit=dev\b/.test(i.rest));
      const copyAll = ins.findIndex((i) => i.op === 'COPY' && i.rest === '. .');
      expect(copyLock).toBeGreaterThan(-1);
      expect(ci).toBeGreaterThan(copyLock);
      expect(copyAll).toBeGreaterThan(ci); // sources after the dependency layer (cached across code changes)
      const entry = ins.filter((i) => i.op === 'ENTRYPOINT');
      expect(entry).toHaveLength(1);
      const argv = JSON.parse(entry[0].rest) as string[]; // exec form: node is PID 1 and gets SIGTERM
      expect(argv).toEqual(['node', 'bin/wepadim.js']);
      expect(existsSync(join(root, argv[1]))).toBe(true);
      const cmd = ins.find((i) => i.op === 'CMD');
      if (cmd) expect((await cliCommands()).has((JSON.parse(cmd.rest) as string[])[0])).toBe(true);
    });
  }

  it('Dockerfile.cuda: NVIDIA CUDA 12 base, Node 20, and the onnxruntime CUDA provider where the executor finds it', () => {
    const ins = instructions(read('deploy/Dockerfile.cuda'));
    const froms = ins.filter((i) => i.op === 'FROM').map((i) => i.rest);
    expect(froms.at(-1)).toMatch(/^nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-/);
    expect(froms).toContain('node:20-bookworm-slim AS node');
    expect(ins.some((i) => i.op === 'COPY' && i.rest === '--from=node /usr/local/bin/node /usr/local/bin/node')).toBe(
      true,
    );
    const install = ins.find(
      (i) =>
        i.op === 'RUN' &&
        i.rest.includes('ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install'),
    );
    expect(install).toBeDefined();
    expect(existsSync(join(root, 'node_modules', 'onnxruntime-node', 'script', 'install.js'))).toBe(true);
    // the build fails unless the provider landed at the path `--backend auto` checks (linux/x64 in the image)
    const inPackage = onnxCudaProviderPath().split('/onnxruntime-node/')[1].split('/');
    inPackage.splice(-3, 2, 'linux', 'x64'); // bin/napi-v6/<platform>/<arch>/lib...: the image is linux/x64
    const wanted = ['node_modules', 'onnxruntime-node', ...inPackage].join('/');
    expect(install!.rest).toContain(`test -f ${wanted}`);
    const meta = read('node_modules/onnxruntime-node/script/install-metadata.js');
    expect(meta).toContain("'linux/x64': ['cuda12']");
  });
});
