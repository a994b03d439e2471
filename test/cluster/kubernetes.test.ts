/**
 * deploy/kubernetes deploys as shipped: the kustomization is rendered (and compared with `kubectl kustomize`
 * when kubectl is installed) and every cross-reference is checked: volumes and mounts, PVCs, Secrets and
 * their keys against the `kubectl create secret` commands in the docs, ports, probe ports and health
 * services, the TLS host against the workers' --coordinator, file and folder flags against mounts, the
 * shipped configs' dataset roots against the datasets mount, and every container command line (plus the
 * documented `kubectl exec` lines) against the CLI's own yargs options.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandSweepText } from '../../coordinator/grid/index.js';
import { LIVENESS_SERVICE } from '../../coordinator/server/health.js';
import { SERVICE_NAME } from '../../proto/load.js';
import { repoRoot } from '../../shared/version.js';
import { parseCli } from './cli-parse.js';
import {
  claimTemplates,
  documentedSecrets,
  flagValue,
  keyOf,
  kubectlKustomize,
  mountFor,
  podOf,
  readManifests,
  renderKustomization,
  under,
  type Container,
  type K8sObject,
} from './kustomize.js';

const root = repoRoot();
const kdir = join(root, 'deploy', 'kubernetes');
const docs = readFileSync(join(root, 'docs', 'workers-and-clusters.md'), 'utf8');
const rendered = renderKustomization(kdir);
// the Job alternative is applied on its own, next to the rest
const job = readManifests(join(kdir, 'workers-job.yaml'));
const all = [...rendered, ...job];
const byKind = (kind: string): K8sObject[] => all.filter((o) => o.kind === kind);
const workloads = all.filter((o) => podOf(o) !== null);
const containers = workloads.flatMap((w) => (podOf(w)?.spec.containers ?? []).map((c) => ({ w, c })));
const args = (c: Container): string[] => c.args ?? [];
const appDir = /^WORKDIR\s+(\S+)/m.exec(readFileSync(join(root, 'deploy', 'Dockerfile'), 'utf8'))?.[1] as string;

describe('deploy/kubernetes', () => {
  it('renders as kubectl kustomize does (when kubectl is installed) and holds what a deployment needs', () => {
    const kubectl = kubectlKustomize(kdir);
    if (kubectl) {
      const ours = new Map(rendered.map((o) => [keyOf(o), o]));
      expect(new Set(kubectl.map(keyOf))).toEqual(new Set(ours.keys()));
      for (const o of kubectl) expect(o, keyOf(o)).toEqual(ours.get(keyOf(o)));
    } else process.stderr.write('kubernetes.test: kubectl not installed; checked the built-in rendering only\n');
    expect(rendered.map(keyOf).sort()).toEqual([
      'Deployment/wepadim-coordinator',
      'PersistentVolumeClaim/wepadim-artifacts',
      'PersistentVolumeClaim/wepadim-datasets',
      'PersistentVolumeClaim/wepadim-db',
      'PersistentVolumeClaim/wepadim-weights',
      'Service/wepadim-coordinator',
      'Service/wepadim-worker',
      'StatefulSet/wepadim-worker',
    ]);
    expect(new Set(all.map(keyOf)).size).toBe(all.length);
  });

  it('mounts every volume it declares, declares every volume it mounts, and claims only PVCs it creates', () => {
    const pvcs = new Map(byKind('PersistentVolumeClaim').map((p) => [p.metadata.name, p]));
    for (const w of workloads) {
      const pod = podOf(w)!;
      const volumes = pod.spec.volumes ?? [];
      const names = [...volumes.map((v) => v.name), ...claimTemplates(w)];
      expect(new Set(names).size, `${keyOf(w)}: duplicate volume names`).toBe(names.length);
      const mounted = new Set(pod.spec.containers.flatMap((c) => (c.volumeMounts ?? []).map((m) => m.name)));
      expect(
        [...mounted].filter((m) => !names.includes(m)),
        `${keyOf(w)} mounts undeclared volumes`,
      ).toEqual([]);
      expect(
        names.filter((n) => !mounted.has(n)),
        `${keyOf(w)} declares unmounted volumes`,
      ).toEqual([]);
      for (const c of pod.spec.containers) {
        const paths = (c.volumeMounts ?? []).map((m) => m.mountPath);
        expect(new Set(paths).size, `${keyOf(w)}/${c.name}: two mounts at one path`).toBe(paths.length);
      }
      for (const v of volumes.filter((x) => x.persistentVolumeClaim)) {
        const pvc = pvcs.get(v.persistentVolumeClaim!.claimName);
        expect(pvc, `${keyOf(w)} claims ${v.persistentVolumeClaim!.claimName}`).toBeDefined();
        const modes = (pvc!.spec as { accessModes: string[] }).accessModes;
        if (modes.every((m) => m === 'ReadOnlyMany')) {
          expect(v.persistentVolumeClaim!.readOnly, `${keyOf(w)}: ${v.name} is ReadOnlyMany`).toBe(true);
          for (const c of pod.spec.containers)
            for (const m of (c.volumeMounts ?? []).filter((x) => x.name === v.name)) expect(m.readOnly).toBe(true);
        }
      }
      // a StatefulSet names its headless Service, and both select the pods
      if (w.kind === 'StatefulSet') {
        const svc = byKind('Service').find((s) => s.metadata.name === (w.spec as { serviceName: string }).serviceName);
        expect(svc, `${keyOf(w)} serviceName`).toBeDefined();
        expect((svc!.spec as { clusterIP?: string }).clusterIP).toBe('None');
      }
      const sel = (w.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels ?? {};
      for (const [k, v] of Object.entries(sel)) expect(pod.labels[k], `${keyOf(w)} selector ${k}`).toBe(v);
    }
    // every PVC of the kustomization is used by some workload (datasets, weights, artifacts, database)
    const claimed = new Set(
      workloads.flatMap((w) => (podOf(w)!.spec.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName)),
    );
    expect([...pvcs.keys()].filter((n) => !claimed.has(n))).toEqual([]);
  });

  it('uses only the Secrets and keys that the documented commands create, mounted as files (never env or argv)', () => {
    const secrets = documentedSecrets(docs);
    expect([...secrets.keys()].sort()).toEqual(['wepadim-tls', 'wepadim-token']);
    expect(secrets.get('wepadim-token')).toEqual(new Set(['token']));
    expect(secrets.get('wepadim-tls')).toEqual(new Set(['ca.pem', 'server.pem', 'server.key']));
    for (const { w, c } of containers) {
      for (const e of c.env ?? [])
        expect(e.valueFrom?.secretKeyRef, `${keyOf(w)}: secret in env ${e.name}`).toBeUndefined();
      expect(args(c).join(' ')).not.toMatch(/--token[= ]|--insecure|--force-insecure/);
    }
    for (const w of workloads)
      for (const v of podOf(w)!.spec.volumes ?? []) {
        if (!v.secret) continue;
        const keys = secrets.get(v.secret.secretName);
        expect(keys, `${keyOf(w)} uses secret ${v.secret.secretName}`).toBeDefined();
        expect(v.secret.items?.length, `${keyOf(w)}: list the keys a pod needs`).toBeGreaterThan(0);
        for (const it of v.secret.items ?? []) {
          expect(keys!.has(it.key), `${keyOf(w)}: ${v.secret.secretName} has no key ${it.key}`).toBe(true);
          // key files readable by the owner only (decimal in the YAML: 256 = 0o400)
          if (it.key === 'token' || it.key.endsWith('.key')) expect(it.mode).toBe(0o400);
        }
      }
  });

  it('points every file and folder flag at the right mount', () => {
    for (const { w, c } of containers) {
      const a = args(c);
      const where = `${keyOf(w)}/${c.name}`;
      const pod = podOf(w)!;
      // files from Secrets: <mountPath>/<item path> of a secret volume that has that key
      for (const flag of ['--tls-cert', '--tls-key', '--tls-ca', '--token-file']) {
        const f = flagValue(a, flag);
        if (f === undefined) continue;
        const m = mountFor(c, f);
        const vol = pod.spec.volumes?.find((v) => v.name === m?.name);
        expect(vol?.secret, `${where}: ${flag} ${f} is not in a secret mount`).toBeDefined();
        expect(
          vol!.secret!.items?.map((i) => join(m!.mountPath, i.path)),
          `${where}: ${flag}`,
        ).toContain(f);
      }
      // folders the process writes: on a writable volume
      for (const flag of ['--spool-dir', '--cache-dir', '--artifacts-dir', '--db']) {
        const f = flagValue(a, flag);
        if (f === undefined) continue;
        const m = mountFor(c, f);
        expect(m, `${where}: ${flag} ${f} is not on a volume`).toBeDefined();
        expect(m!.readOnly ?? false, `${where}: ${flag} ${f} is read-only`).toBe(false);
      }
      const env = new Map((c.env ?? []).map((e) => [e.name, e.value]));
      const weights = env.get('WEPADIM_WEIGHTS_DIR');
      expect(weights, `${where}: WEPADIM_WEIGHTS_DIR`).toBeDefined();
      expect(
        pod.spec.volumes?.find((v) => v.name === mountFor(c, weights!)?.name)?.persistentVolumeClaim?.claimName,
      ).toBe('wepadim-weights');
      if (args(c)[0] === 'coordinator') {
        expect(env.get('WEPADIM_DB'), 'kubectl exec commands find the database').toBe(flagValue(a, '--db'));
        expect(
          pod.spec.volumes?.find((v) => v.name === mountFor(c, flagValue(a, '--db')!)?.name)?.persistentVolumeClaim
            ?.claimName,
        ).toBe('wepadim-db');
      }
      const artifacts = flagValue(a, '--artifacts-dir');
      if (artifacts)
        expect(
          pod.spec.volumes?.find((v) => v.name === mountFor(c, artifacts)?.name)?.persistentVolumeClaim?.claimName,
        ).toBe('wepadim-artifacts');
    }
    // results carry artifact paths: every pod mounts the artifacts volume at the same path
    const artifactMounts = new Set(
      containers.flatMap(({ w, c }) =>
        (c.volumeMounts ?? [])
          .filter(
            (m) =>
              podOf(w)!.spec.volumes?.find((v) => v.name === m.name)?.persistentVolumeClaim?.claimName ===
              'wepadim-artifacts',
          )
          .map((m) => m.mountPath),
      ),
    );
    expect(artifactMounts.size).toBe(1);
  });

  it("wires ports: listen port, Service, health probes on the health listener, and the workers' --coordinator", () => {
    const coord = containers.find(({ c }) => args(c)[0] === 'coordinator')!;
    const a = args(coord.c);
    const ports = new Map((coord.c.ports ?? []).map((p) => [p.name, p.containerPort]));
    const listenPort = Number(flagValue(a, '--listen')!.split(':').pop());
    const healthPort = Number(flagValue(a, '--health-listen')!.split(':').pop());
    expect(ports.get('grpc')).toBe(listenPort);
    expect(ports.get('health')).toBe(healthPort);
    // kubelet's gRPC probes take a port number (not a name) and speak plaintext: the health listener
    for (const [probe, service] of [
      [coord.c.readinessProbe, SERVICE_NAME],
      [coord.c.livenessProbe, LIVENESS_SERVICE],
    ] as const) {
      expect(probe?.grpc?.port).toBe(healthPort);
      expect(probe?.grpc?.service).toBe(service);
    }
    const svc = byKind('Service').find((s) => s.metadata.name === 'wepadim-coordinator')!;
    const spec = svc.spec as {
      selector: Record<string, string>;
      ports: { port: number; targetPort: string | number }[];
    };
    for (const [k, v] of Object.entries(spec.selector)) expect(podOf(coord.w)!.labels[k]).toBe(v);
    expect(spec.ports).toHaveLength(1);
    expect(ports.get(String(spec.ports[0].targetPort)) ?? spec.ports[0].targetPort).toBe(listenPort);
    // TLS: the certificate that the docs make must name the host the workers dial
    const tlsHosts = [...docs.matchAll(/wepadim tls init((?: --host \S+)+)/g)].flatMap((m) =>
      m[1]
        .trim()
        .split(/\s+/)
        .filter((x) => x !== '--host'),
    );
    const workers = containers.filter(({ c }) => args(c)[0] === 'worker');
    expect(workers.length).toBe(2); // StatefulSet and Job
    for (const { w, c } of workers) {
      const [host, port] = flagValue(args(c), '--coordinator')!.split(':');
      expect(host, keyOf(w)).toBe(svc.metadata.name);
      expect(Number(port)).toBe(spec.ports[0].port);
      expect(tlsHosts).toContain(host);
      expect(flagValue(args(c), '--tls-ca')).toBeDefined();
    }
  });

  it('drains workers within the grace period and gives the coordinator longer than its --grace', () => {
    const coord = containers.find(({ c }) => args(c)[0] === 'coordinator')!;
    expect(podOf(coord.w)!.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(
      Number(flagValue(args(coord.c), '--grace')),
    );
    for (const { w, c } of containers.filter(({ c }) => args(c)[0] === 'worker')) {
      expect(podOf(w)!.spec.terminationGracePeriodSeconds, keyOf(w)).toBeGreaterThanOrEqual(300);
      // no shell between kubelet's SIGTERM and node: the image's exec-form ENTRYPOINT runs the args
      expect(c.command, keyOf(w)).toBeUndefined();
      // GPU workers run the CUDA image
      expect(c.resources?.limits?.['nvidia.com/gpu']).toBe(1);
      expect(c.image).toBe('wepadim:cuda');
    }
    expect(coord.c.image).toBe('wepadim:latest');
  });

  it('runs container command lines and the documented kubectl exec lines that the CLI accepts', async () => {
    for (const { w, c } of containers) {
      const parsed = await parseCli(args(c)).catch((e: Error) => {
        throw new Error(`${keyOf(w)}/${c.name}: ${args(c).join(' ')}: ${e.message}`);
      });
      expect(parsed._).toEqual([args(c)[0]]);
    }
    const execs = [
      ...docs.matchAll(/kubectl exec deploy\/wepadim-coordinator -- node bin\/wepadim\.js ([^\n>]+)/g),
    ].map((m) => m[1].trim().split(/\s+/));
    expect(execs.map((e) => e[0])).toEqual(
      expect.arrayContaining(['submit', 'status', 'leaderboard', 'export', 'weights']),
    );
    for (const e of execs)
      await parseCli(e).catch((err: Error) => expect.fail(`docs: wepadim ${e.join(' ')}: ${err.message}`));
  });

  describe('dataset roots', () => {
    let tmp: string;
    beforeAll(() => {
      tmp = mkdtempSync(join(tmpdir(), 'wepadim-k8s-'));
      cpSync(join(root, 'configs'), join(tmp, 'app', 'configs'), { recursive: true });
    });
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it('the shipped configs, resolved in the image, find their datasets under the datasets mount of every pod', () => {
      expect(appDir).toBe('/app');
      const roots = new Map<string, string>();
      for (const f of readdirSync(join(tmp, 'app', 'configs')).filter((x) => x.endsWith('.yaml'))) {
        const file = join(tmp, 'app', 'configs', f);
        const sweep = expandSweepText(readFileSync(file, 'utf8'), file);
        for (const t of sweep.trials) roots.set(f, join(appDir, relative(join(tmp, 'app'), String(t.params.root))));
      }
      expect(roots.size).toBeGreaterThanOrEqual(6);
      for (const { w, c } of containers) {
        const datasets = (c.volumeMounts ?? []).find(
          (m) =>
            podOf(w)!.spec.volumes?.find((v) => v.name === m.name)?.persistentVolumeClaim?.claimName ===
            'wepadim-datasets',
        );
        expect(datasets, `${keyOf(w)} mounts the datasets`).toBeDefined();
        for (const [f, r] of roots) {
          // demo.yaml runs on data it generates itself under runs/ (wepadim run), not on the datasets volume
          if (f === 'demo.yaml') expect(r).toBe('/app/runs/data/synth');
          else
            expect(under(r, datasets!.mountPath), `${f}: ${r} is not under ${datasets!.mountPath} in ${keyOf(w)}`).toBe(
              true,
            );
        }
      }
    }, 300_000);
  });
});
