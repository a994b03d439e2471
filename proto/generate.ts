/**
 * Regenerates proto/gen (checked in) from proto/wepadim/v1/wepadim.proto with proto-loader-gen-types,
 * using exactly the options proto/load.ts loads with (keepCase, longs=Number, enums=String, defaults,
 * oneofs) and `.js` import specifiers so the output typechecks under NodeNext.
 * Run: `node bin/run-ts.js proto/generate.ts`.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'proto', 'gen');
rmSync(outDir, { recursive: true, force: true });
const bin = join(root, 'node_modules', '.bin', 'proto-loader-gen-types');
const args = [
  '--keepCase',
  '--longs=Number',
  '--enums=String',
  '--defaults',
  '--oneofs',
  '--grpcLib=@grpc/grpc-js',
  '--importFileExtension=.js',
  '--outDir=proto/gen',
  'proto/wepadim/v1/wepadim.proto',
];
const r = spawnSync(bin, args, { stdio: 'inherit', cwd: root });
process.exitCode = r.status ?? 1;
