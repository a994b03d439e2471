/**
 * Regenerates proto/gen (checked in) from proto/wepadim/v1/wepadim.proto with proto-loader-gen-types,
 * using exactly the options proto/load.ts loads with (keepCase, longs=Number, enums=String, defaults,
 * oneofs) and `.js` import specifiers so the output typechecks under NodeNext.
 * Run: `node bin/run-ts.js proto/generate.ts [OUT_DIR]` (default proto/gen; tests generate elsewhere and compare).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GEN_FLAGS = [
  '--keepCase',
  '--longs=Number',
  '--enums=String',
  '--defaults',
  '--oneofs',
  '--grpcLib=@grpc/grpc-js',
  '--importFileExtension=.js',
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Generate the types into outDir (replacing it); returns the generator's exit status. */
export function generate(outDir = join(root, 'proto', 'gen')): number {
  rmSync(outDir, { recursive: true, force: true });
  const bin = join(root, 'node_modules', '.bin', 'proto-loader-gen-types');
  // relative input path, so the "Original file" comments do not depend on the checkout's location
  const r = spawnSync(bin, [...GEN_FLAGS, `--outDir=${resolve(outDir)}`, 'proto/wepadim/v1/wepadim.proto'], {
    stdio: 'inherit',
    cwd: root,
  });
  return r.status ?? 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = generate(process.argv[2]);
