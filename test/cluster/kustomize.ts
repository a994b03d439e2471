/**
 * Test helpers for the Kubernetes manifests: render deploy/kubernetes the way `kubectl kustomize` does for
 * the features it uses (a plain list of `resources`; anything else is refused, so the renderer cannot
 * silently diverge), parse `kubectl create secret` commands out of the docs, and small accessors for pod
 * specs. Objects are plain parsed YAML, typed loosely at the edges and checked where they are read.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
} & Record<string, unknown>;

export interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
}
export interface Probe {
  grpc?: { port: number | string; service?: string };
  tcpSocket?: unknown;
  httpGet?: unknown;
}
export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  secret?: { secretName: string; items?: { key: string; path: string; mode?: number }[] };
  emptyDir?: unknown;
}
export interface PodSpec {
  containers: Container[];
  volumes?: Volume[];
  terminationGracePeriodSeconds?: number;
}

/** Parse every YAML document of a file (errors name the file). */
export function readManifests(file: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  return docs
    .map((d, i) => {
      if (d.errors.length) throw new Error(`${file} document ${i + 1}: ${d.errors[0].message}`);
      return d.toJS() as K8sObject;
    })
    .filter((o) => o !== null);
}

/** Render a kustomization that lists plain resources; any other kustomize feature is refused here. */
export function renderKustomization(dir: string): K8sObject[] {
  const [k] = readManifests(join(dir, 'kustomization.yaml')) as unknown as [Record<string, unknown>];
  const extra = Object.keys(k).filter((key) => !['apiVersion', 'kind', 'resources'].includes(key));
  if (extra.length)
    throw new Error(
      `kustomization.yaml uses ${extra.join(', ')}: teach test/cluster/kustomize.ts those semantics first`,
    );
  return (k.resources as string[]).flatMap((r) => readManifests(join(dir, r)));
}

/** `kubectl kustomize DIR` when kubectl is installed (it renders offline), else null. */
export function kubectlKustomize(dir: string): K8sObject[] | null {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject);
}

export const keyOf = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;

/** The pod template of a workload (Deployment, StatefulSet, Job), or null for other kinds. */
export function podOf(o: K8sObject): { spec: PodSpec; labels: Record<string, string> } | null {
  if (!['Deployment', 'StatefulSet', 'Job', 'DaemonSet'].includes(o.kind)) return null;
  const t = (o.spec as { template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec } }).template;
  return { spec: t.spec, labels: t.metadata?.labels ?? {} };
}

/** Names of a StatefulSet's volumeClaimTemplates (pod volumes it adds). */
export function claimTemplates(o: K8sObject): string[] {
  const t =
    (o.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] } | undefined)?.volumeClaimTemplates ?? [];
  return t.map((c) => c.metadata.name);
}

/**
 * Secrets the docs tell users to create: `kubectl create secret generic NAME --from-file=[KEY=]PATH
 * --from-literal=KEY=VALUE ...` -> NAME -> keys (a --from-file without KEY= is keyed by the file's base name).
 */
export function documentedSecrets(markdown: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of markdown.split('\n')) {
    const m = /kubectl create secret generic ([a-z0-9-]+)((?:\s+--from-(?:file|literal)=\S+)+)/.exec(line);
    if (!m) continue;
    const keys = out.get(m[1]) ?? new Set<string>();
    for (const f of m[2].trim().split(/\s+/)) {
      const [, kind, value] = /^--from-(file|literal)=(.*)$/.exec(f) as RegExpExecArray;
      const eq = value.indexOf('=');
      if (kind === 'literal' || eq > 0) keys.add(value.slice(0, eq));
      else keys.add(value.split('/').pop() as string);
    }
    out.set(m[1], keys);
  }
  return out;
}

/** The value of `--flag=value` or `--flag value` in an argument list (undefined when absent). */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) return args[i + 1];
    if (args[i].startsWith(`${flag}=`)) return args[i].slice(flag.length + 1);
  }
  return undefined;
}

/** Is `path` the mount path itself or inside it? */
export const under = (path: string, mount: string): boolean =>
  path === mount || path.startsWith(mount.endsWith('/') ? mount : `${mount}/`);

/** The mount in `c` that holds `path` (the longest matching mountPath). */
export function mountFor(
  c: Container,
  path: string,
): { name: string; mountPath: string; readOnly?: boolean } | undefined {
  return (c.volumeMounts ?? [])
    .filter((m) => under(path, m.mountPath))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
}

export const fileDir = dirname;
