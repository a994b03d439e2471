/**
 * The dashboard's server without a browser: its JSON equals the report builders', the live stream sees
 * commits of other connections (results vs heartbeats), the artifact endpoint serves table rows only,
 * the listen rules, the Pareto front, and cancel through the coordinator behind the token.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paretoFront } from '../../coordinator/dashboard/plots.js';
import { checkDashboardListen } from '../../coordinator/dashboard/security.js';
import { startDashboard, type RunningDashboard } from '../../coordinator/dashboard/server.js';
import { LiveStream } from '../../coordinator/dashboard/live.js';
import { buildLeaderboard } from '../../coordinator/report/leaderboard.js';
import { openReadDb, openReads } from '../../coordinator/store/reads/open.js';
import { DashboardReads } from '../../coordinator/store/reads/dashboard.js';
import { randomWeightsOf } from '../../coordinator/report/weights-notice.js';
import { openDatabase, type Db } from '../../coordinator/store/index.js';
import { startCoordinator } from '../../coordinator/server/index.js';
import { createLogger } from '../../shared/log.js';
import { gridTrials, seedGrid } from './sweep.js';

const quiet = createLogger({}, { write: () => undefined });
let dir = '';
let dbPath = '';
let writer: Db;
let dash: RunningDashboard;

/** Mark trials done with deterministic image/pixel AUROCs, as the coordinator would. */
function finish(db: Db, ids: number[], now: number): void {
  const attempt = db.prepare(
    "INSERT INTO attempts (trial_id, worker_id, lease_id, fencing_token, started_at, ended_at, outcome) VALUES (?, 'w1', ?, 1, ?, ?, 'done')",
  );
  const metric = db.prepare(
    'INSERT INTO metrics (trial_id, attempt_id, name, value, time, final) VALUES (?, ?, ?, ?, ?, 1)',
  );
  const done = db.prepare(
    "UPDATE trials SET status = 'done', attempts = 1, started_at = ?, finished_at = ? WHERE id = ?",
  );
  db.transaction(() => {
    for (const id of ids) {
      const a = Number(attempt.run(id, `L${id}`, now - 1000, now).lastInsertRowid);
      metric.run(id, a, 'image_auroc', 0.5 + ((id * 37) % 50) / 100, now);
      metric.run(id, a, 'pixel_auroc', 0.5 + ((id * 53) % 50) / 100, now);
      metric.run(id, a, 'sel.image_auroc', 0.5 + ((id * 41) % 50) / 100, now);
      metric.run(id, a, 'rep.image_auroc', 0.5 + ((id * 43) % 50) / 100, now);
      done.run(now - 1000, now, id);
    }
  })();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wepadim-dash-api-'));
  dbPath = join(dir, 'wepadim.db');
  seedGrid(dbPath, 'grid', gridTrials());
  writer = openDatabase(dbPath);
  finish(
    writer,
    Array.from({ length: 60 }, (_, i) => i + 1),
    1_000_000,
  );
  dash = await startDashboard({ dbPath, listen: '127.0.0.1:0', auth: { token: null, insecure: false }, pollMs: 50 });
});

afterAll(async () => {
  await dash?.close();
  writer?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(dash.url + path.replace(/^\//, ''));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('dashboard API', () => {
  it('the leaderboard view is exactly what buildLeaderboard makes', async () => {
    const { status, body } = await get('/api/sweep/leaderboard?sweep=grid&metric=pixel_auroc&top=5&where=wavelet=haar');
    expect(status).toBe(200);
    const db = openReads(dbPath);
    const lb = buildLeaderboard(db, {
      sweep: 'grid',
      metric: 'pixel_auroc',
      mode: 'mean',
      top: 5,
      filters: [{ key: 'wavelet', values: ['haar'] }],
      also: ['image_auroc', 'pixel_auroc'],
    });
    db.close();
    const got = body as unknown as typeof lb;
    expect(got.points).toEqual(JSON.parse(JSON.stringify(lb.points)));
    expect(got.marginals).toEqual(JSON.parse(JSON.stringify(lb.marginals)));
    expect(got.points.every((p) => p.params.wavelet === 'haar')).toBe(true);
    // honest selection beside the optimistic number, per class too
    const h = (await get('/api/sweep/leaderboard?sweep=grid&metric=image_auroc&mode=per-class'))
      .body as unknown as typeof lb;
    const db2 = openReads(dbPath);
    const want = buildLeaderboard(db2, {
      sweep: 'grid',
      metric: 'image_auroc',
      mode: 'per-class',
      also: ['image_auroc', 'pixel_auroc'],
    });
    db2.close();
    expect(want.honest).not.toBeNull();
    expect(h.honest).toEqual(JSON.parse(JSON.stringify(want.honest)));
    expect(h.perClass).toEqual(JSON.parse(JSON.stringify(want.perClass)));
  });

  it('a bad request names what was wrong (400), an unknown route is 404', async () => {
    const bad = await get('/api/sweep/status?sweep=nope');
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toMatch(/no sweep named "nope"/);
    expect((await get('/api/sweep/leaderboard?sweep=grid&where=colour=red')).status).toBe(400);
    expect((await get('/api/nothing')).status).toBe(404);
  });

  it('the heatmap cells are the class means of the points', async () => {
    const { body } = await get('/api/plots/grid?sweep=grid&metric=image_auroc');
    const cells = (
      body.heatmap as { cells: { facet: string; sigma: string; cov_reg: string; value: number; classes: number }[] }
    ).cells;
    const db = openReadDb(dbPath);
    const reads = openReads(dbPath);
    const values = db
      .prepare(
        `SELECT m.value FROM metrics m JOIN trials t ON t.id = m.trial_id WHERE m.final = 1 AND m.name = 'image_auroc'
       AND json_extract(t.params_json, '$.wavelet') = ? AND json_extract(t.params_json, '$.level') = ? AND json(json_extract(t.params_json, '$.subbands')) = ?
       AND json_extract(t.params_json, '$.sigma') = ? AND json_extract(t.params_json, '$.cov_reg') = ?`,
      )
      .pluck();
    for (const c of cells.slice(0, 8)) {
      const [wavelet, level, subbands] = c.facet.split(' · ');
      const vs = values.all(
        wavelet,
        Number(level),
        JSON.stringify(subbands.split('+')),
        Number(c.sigma),
        Number(c.cov_reg),
      ) as number[];
      expect(c.classes).toBe(vs.length);
      expect(c.value).toBeCloseTo(vs.reduce((a, b) => a + b, 0) / vs.length, 12);
    }
    const byPoint = new Map(reads.rankPoints(1, 'image_auroc').map((p) => [p.point, p.mean]));
    // the scatter's class means are the same numbers
    const sc = (await get('/api/plots/scatter?sweep=grid')).body as { points: { point: string; image: number }[] };
    expect(sc.points.length).toBe(byPoint.size);
    // the metric names (a skip-scan) are the report's, by name
    const store = DashboardReads.open(dbPath);
    expect(store.sweepMetricNames(1)).toEqual([...reads.metricNames(1)].sort());
    expect(store.sweepRandomWeights(1)).toEqual(randomWeightsOf(reads, 'grid'));
    expect(store.sweepRandomWeights(1)).toEqual(['random:0']);
    store.close();
    for (const p of sc.points) expect(p.image).toBeCloseTo(byPoint.get(p.point)!, 12);
    reads.close();
    db.close();
  });

  it('answers from its cache until the database changes', async () => {
    const path = `${dash.url}api/plots/bars?sweep=grid`;
    expect((await fetch(path)).headers.get('x-cache')).toBe('miss');
    expect((await fetch(path)).headers.get('x-cache')).toBe('hit');
    finish(writer, [62], 3_000_000);
    const after = await fetch(path);
    expect(after.headers.get('x-cache')).toBe('miss');
  });

  it('serves artifacts recorded in the table, and nothing else', async () => {
    writeFileSync(join(dir, 'map.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
    writeFileSync(join(dir, 'page.html'), '<script>alert(1)</script>');
    const a = Number(
      writer
        .prepare("INSERT INTO artifacts (trial_id, kind, path, created_at) VALUES (1, 'map-best', 'map.png', 1)")
        .run().lastInsertRowid,
    );
    const h = Number(
      writer
        .prepare("INSERT INTO artifacts (trial_id, kind, path, created_at) VALUES (1, 'other', ?, 1)")
        .run(join(dir, 'page.html')).lastInsertRowid,
    );
    const png = await fetch(`${dash.url}artifact/${a}`);
    expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(Buffer.from(await png.arrayBuffer()).toString('hex')).toBe('89504e470d0a1a0a');
    // a recorded HTML file is a download, never a page of this origin
    const html = await fetch(`${dash.url}artifact/${h}`);
    expect([html.headers.get('content-type'), html.headers.get('content-disposition')]).toEqual([
      'application/octet-stream',
      'attachment; filename="page.html"',
    ]);
    expect((await fetch(`${dash.url}artifact/${h + 1}`)).status).toBe(404);
    expect((await fetch(`${dash.url}artifact/map.png`)).status).toBe(404);
    expect((await fetch(`${dash.url}web/..%2F..%2Fstore%2Fdb.ts`)).status).toBe(404);
  });

  it('serves the pages and the vendored modules offline', async () => {
    const index = await fetch(dash.url);
    expect(await index.text()).toContain('"echarts": "/vendor/echarts.mjs"');
    for (const m of ['preact.mjs', 'preact-hooks.mjs', 'htm.mjs', 'htm-preact.mjs', 'echarts.mjs']) {
      const r = await fetch(`${dash.url}vendor/${m}`);
      expect([m, r.status, r.headers.get('content-type')]).toEqual([m, 200, 'text/javascript; charset=utf-8']);
    }
    expect((await fetch(`${dash.url}vendor/other.mjs`)).status).toBe(404);
  });

  it('cancel and drain need a token', async () => {
    const r = await fetch(`${dash.url}api/cancel`, { method: 'POST', body: '{"target":"grid"}' });
    expect(r.status).toBe(403);
  });
});

describe('live stream', () => {
  it('moves `data` on results and only `live` on heartbeats', () => {
    const reader = DashboardReads.open(dbPath);
    const live = new LiveStream(reader, 60_000);
    const s0 = live.state;
    live.check();
    expect(live.state).toEqual(s0); // nothing committed
    writer
      .prepare(
        "INSERT INTO workers (id, host, backend, registered_at, last_heartbeat) VALUES ('hb', 'h', 'onnx', 1, 1)",
      )
      .run();
    live.check();
    const s1 = live.state;
    expect([s1.data, s1.live]).toEqual([s0.data, s0.live + 1]);
    writer.prepare("UPDATE workers SET last_heartbeat = 2 WHERE id = 'hb'").run();
    live.check();
    expect([live.state.data, live.state.live]).toEqual([s0.data, s0.live + 2]);
    finish(writer, [61], 2_000_000);
    live.check();
    expect([live.state.data, live.state.live]).toEqual([s0.data + 1, s0.live + 3]);
    live.close();
    reader.close();
  });
});

describe('listen rules and the Pareto front', () => {
  it('loopback serves without a token; any other address needs one or --insecure', () => {
    const none = { token: null, insecure: false };
    expect(() => checkDashboardListen({ host: '127.0.0.1', port: 0 }, none)).not.toThrow();
    expect(() => checkDashboardListen({ host: '::1', port: 0 }, none)).not.toThrow();
    expect(() => checkDashboardListen({ host: 'localhost', port: 0 }, none)).not.toThrow();
    expect(() => checkDashboardListen({ host: '0.0.0.0', port: 0 }, none)).toThrow(/needs a bearer token/);
    expect(() =>
      checkDashboardListen({ host: '0.0.0.0', port: 0 }, { token: 'x'.repeat(16), insecure: false }),
    ).not.toThrow();
    expect(() => checkDashboardListen({ host: '0.0.0.0', port: 0 }, { token: null, insecure: true })).not.toThrow();
  });

  it('keeps the points no other point beats on both axes', () => {
    const pts = [
      { x: 0.9, y: 0.5 },
      { x: 0.8, y: 0.8 },
      { x: 0.7, y: 0.7 }, // dominated by (0.8, 0.8)
      { x: 0.6, y: 0.9 },
      { x: 0.9, y: 0.4 }, // dominated by (0.9, 0.5)
    ];
    expect([...paretoFront(pts)].sort()).toEqual([0, 1, 3]);
  });
});

describe('dashboard inside the coordinator', () => {
  it('cancels a sweep through the coordinator with the token', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'wepadim-dash-coord-'));
    const p2 = join(d2, 'wepadim.db');
    seedGrid(p2, 'grid', gridTrials());
    const token = 'coordinator-token-0123456789';
    const coord = await startCoordinator({
      dbPath: p2,
      listen: '127.0.0.1:0',
      auth: { token, tls: null, insecure: true },
      http: { listen: '127.0.0.1:0' },
      log: quiet,
    });
    try {
      const url = coord.dashboardUrl!;
      const post = (auth: string | null): Promise<Response> =>
        fetch(`${url}api/cancel`, {
          method: 'POST',
          headers: auth ? { authorization: auth } : {},
          body: JSON.stringify({ target: 'grid' }),
        });
      expect((await post(null)).status).toBe(401);
      expect((await post('Bearer wrong-token-0123456789')).status).toBe(401);
      const ok = await post(`Bearer ${token}`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ matched: 'sweep', cancelled: 96, interrupted: 0, maps_cancelled: 0 });
      expect(coord.trialCounts().cancelled).toBe(96);
      const info = (await (await fetch(`${url}api/info`)).json()) as { actions: boolean };
      expect(info.actions).toBe(true);
    } finally {
      await coord.stop(0);
      rmSync(d2, { recursive: true, force: true });
    }
  });
});
