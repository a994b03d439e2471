/**
 * The local weights directory. An imported state_dict is checked against the architecture (every tensor it
 * needs, with its shape; no tensors of a deeper or wider network unless allowed; finite values), reduced to the
 * tensors the truncated graph needs (float32, graph order), and written once as `<sha256>.safetensors`
 * (sha256 of that canonical file, so a .pth and a .safetensors of the same weights get the same id),
 * with `<sha256>.json` metadata beside it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { Backbone } from '../../shared/backbones.js';
import { UserError } from '../../shared/errors.js';
import { backboneGraph } from '../models/catalogue.js';
import { checkArchitecture, checkValues } from './architecture.js';
import { checkStateDict } from './fold.js';
import { IMAGENET_TAG, OFFICIAL_FILES } from './official.js';
import { parseStateDict, readWeightsFile } from './read-state-dict.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import type { StateDict } from './tensors.js';
import { quoted } from '../../shared/printable.js';

export interface WeightsMeta {
  id: string; // "sha256:<hex>"
  arch: Backbone;
  tag: string | null; // e.g. "IMAGENET1K_V1"
  source: string; // original file name
  sourceSha256: string;
  tensors: number;
  /** tensors of the file that are not part of the architecture, ignored with --allow-extra */
  ignoredTensors?: number;
  bytes: number;
  importedAt: string;
}

export function defaultWeightsDir(): string {
  return process.env.WEPADIM_WEIGHTS_DIR ?? join(homedir(), '.cache', 'wepadim', 'weights');
}

export function sha256Hex(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** Import weights from a file (or its bytes). Returns the stored entry; importing twice is a no-op. */
export function importWeights(opts: {
  file: string;
  arch: Backbone;
  dir?: string;
  tag?: string | null;
  bytes?: Uint8Array;
  allowExtra?: boolean;
}): WeightsMeta {
  const dir = opts.dir ?? defaultWeightsDir();
  const raw = opts.bytes ?? readWeightsFile(opts.file);
  const sd = parseStateDict(raw, opts.file);
  const g = backboneGraph(opts.arch);
  const specs = checkStateDict(g, sd, opts.file);
  const ignored = checkArchitecture(opts.arch, sd, opts.file, opts.allowExtra ?? false);
  checkValues(sd, opts.file);
  const canonical: StateDict = new Map(specs.map((p) => [p.name, sd.get(p.name)!]));
  const bytes = writeSafetensors(canonical, { arch: opts.arch, producer: 'wepadim' });
  const hex = sha256Hex(bytes);
  const tag =
    opts.tag !== undefined ? opts.tag : basename(opts.file) === OFFICIAL_FILES[opts.arch] ? IMAGENET_TAG : null;
  const meta: WeightsMeta = {
    id: `sha256:${hex}`,
    arch: opts.arch,
    tag,
    source: basename(opts.file),
    sourceSha256: sha256Hex(raw),
    tensors: canonical.size,
    ...(ignored.length > 0 ? { ignoredTensors: ignored.length } : {}),
    bytes: bytes.length,
    importedAt: new Date().toISOString(),
  };
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `${hex}.safetensors`);
  if (!existsSync(target)) {
    writeFileSync(`${target}.tmp`, bytes);
    renameSync(`${target}.tmp`, target);
  }
  const metaPath = join(dir, `${hex}.json`);
  const old = existsSync(metaPath) ? (JSON.parse(readFileSync(metaPath, 'utf8')) as WeightsMeta) : null;
  const merged = old ? { ...old, tag: old.tag ?? tag } : meta;
  writeFileSync(metaPath, JSON.stringify(merged, null, 1) + '\n');
  return merged;
}

export function listWeights(dir = defaultWeightsDir()): WeightsMeta[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^[0-9a-f]{64}\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as WeightsMeta)
    .sort((a, b) => a.arch.localeCompare(b.arch) || a.importedAt.localeCompare(b.importedAt));
}

/** Resolve 'imagenet' or 'sha256:HEX' (a unique prefix is fine) to a stored entry for `arch`. */
export function resolveWeights(spec: string, arch: Backbone, dir = defaultWeightsDir()): WeightsMeta {
  const all = listWeights(dir).filter((m) => m.arch === arch);
  if (spec === 'imagenet') {
    const hit = all.filter((m) => m.tag === IMAGENET_TAG).pop();
    if (!hit) {
      throw new UserError(
        `no ImageNet weights for ${arch} in ${dir}. Run \`wepadim weights fetch ${arch}\` (needs internet), or download ${OFFICIAL_FILES[arch]} elsewhere and run \`wepadim weights import ${OFFICIAL_FILES[arch]} --arch ${arch}\``,
      );
    }
    return hit;
  }
  const m = /^sha256:([0-9a-f]{6,64})$/.exec(spec);
  if (!m) throw new UserError(`bad weights ${quoted(spec)}: use random:SEED, imagenet or sha256:HEX`);
  const hits = listWeights(dir).filter((x) => x.id.slice(7).startsWith(m[1]));
  if (hits.length !== 1)
    throw new UserError(
      hits.length
        ? `weights ${spec} is ambiguous in ${dir}`
        : `no weights ${spec} in ${dir} (see \`wepadim weights list\`)`,
    );
  if (hits[0].arch !== arch) throw new UserError(`weights ${spec} are for ${hits[0].arch}, not ${arch}`);
  return hits[0];
}

/** Load a stored entry's tensors, verifying its content hash. */
export function loadStoredWeights(meta: WeightsMeta, dir = defaultWeightsDir()): StateDict {
  const hex = meta.id.slice(7);
  const file = join(dir, `${hex}.safetensors`);
  const buf = readFileSync(file);
  if (sha256Hex(buf) !== hex)
    throw new UserError(`stored weights are corrupt (hash mismatch); re-import them`, { file });
  return readSafetensors(buf, file);
}
