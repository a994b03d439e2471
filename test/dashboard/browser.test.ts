/// <reference lib="dom" />
/**
 * The dashboard in a real headless Chromium, on a real small sweep: `wepadim coordinator --http` serves it,
 * `wepadim worker` runs the synthetic objective. Checks that the leaderboard cells equal `wepadim leaderboard
 * --json`, that a heatmap cell equals the database, that trials finishing while a page is open appear within
 * 2 s of their commit (pushed by server-sent events), that a map image loads, that the failures page shows
 * the full error text, and that a non-loopback dashboard needs the token. Saves a screenshot of every page
 * (to $WEPADIM_SCREENSHOT_DIR when set, else a temp folder).
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/index.js';
import { renderOverlay } from '../../worker/runner/artifacts.js';
import { Cluster, exited, WEPADIM } from '../distributed/harness.js';
import { launchChromium } from './browser.js';
import { gridTrials, seedGrid } from './sweep.js';

const pexec = promisify(execFile);
const TOKEN = 'dashboard-test-token-0123456789';
const cluster = new Cluster();
let dir = '';
let dbPath = '';
let shots = '';
let url = '';
let coordAddress = '';
let chrome: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;

/** First stdout line of a child that prints JSON (e.g. --json address lines). */
function firstJsonLine(child: ChildProcess, what: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${what} printed nothing in 30 s:\n${cluster.tail(child)}`)),
      30_000,
    );
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, nl)) as Record<string, string>);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${cluster.tail(child)}`));
    });
  });
}

function runWorker(name: string, groupSize = 8): ChildProcess {
  return cluster.spawn(
    [
      'worker',
      '--coordinator',
      coordAddress,
      '--insecure',
      '--spool-dir',
      join(dir, `spool-${name}`),
      '--idle-exit',
      '1',
      '--group-size',
      String(groupSize),
      '--json',
    ],
    { WEPADIM_TOKEN: TOKEN },
    name,
  );
}

async function leaderboardCli(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await pexec(process.execPath, [WEPADIM, 'leaderboard', 'grid', '--db', dbPath, '--json', ...args]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url + path);
  return page;
}

const shot = (page: Page, name: string): Promise<Buffer> =>
  page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wepadim-dash-'));
  dbPath = join(dir, 'wepadim.db');
  shots = process.env.WEPADIM_SCREENSHOT_DIR ?? join(dir, 'shots');
  mkdirSync(shots, { recursive: true });
  // 96 trials; a seeded 15% of the attempts fail, with one attempt each, so some trials fail for good
  seedGrid(dbPath, 'grid', gridTrials({ failRate: 0.15 }), 1);
  const coord = cluster.spawn(
    [
      'coordinator',
      '--db',
      dbPath,
      '--listen',
      '127.0.0.1:0',
      '--insecure',
      '--http',
      '127.0.0.1:0',
      '--lease-ttl',
      '5000',
      '--acquire-wait',
      '500',
      '--grace',
      '0',
      '--json',
    ],
    { WEPADIM_TOKEN: TOKEN },
    'coordinator',
  );
  const info = await firstJsonLine(coord, 'coordinator');
  coordAddress = info.address;
  url = info.dashboard.replace(/\/$/, '');
  const w = runWorker('w1');
  expect(await exited(w)).toBe(0);
  chrome = await launchChromium();
  context = chrome.context;
}, 300_000);

afterAll(async () => {
  await chrome?.close();
  await cluster.killAll();
  if (!process.env.WEPADIM_SCREENSHOT_DIR) rmSync(dir, { recursive: true, force: true });
});

describe('dashboard in Chromium', () => {
  it('shows the sweeps list with the counts of the database', async () => {
    const page = await open('/#/');
    const row = page.locator('tr[data-sweep="grid"]');
    await row.waitFor();
    const db = openDatabase(dbPath, { readonly: true });
    const n = (s: string): number =>
      (db.prepare('SELECT count(*) AS n FROM trials WHERE status = ?').get(s) as { n: number }).n;
    const [done, failed] = [n('done'), n('failed')];
    db.close();
    expect(failed).toBeGreaterThan(0);
    expect(await row.locator('[data-col=done]').textContent()).toBe(String(done));
    expect(await row.locator('[data-col=failed]').textContent()).toBe(String(failed));
    await shot(page, 'sweeps');
    await page.close();
  });

  it('leaderboard cells equal `wepadim leaderboard --json`, class mean and per class', async () => {
    const page = await open('/#/sweep/grid?metric=pixel_auroc&top=8');
    await page.locator('table[data-table=leaderboard] tr[data-rank="8"]').waitFor();
    const cli = (await leaderboardCli('--metric', 'pixel_auroc', '--top', '8')) as {
      points: {
        mean: number;
        also: Record<string, number>;
        classes: number;
        trials: number;
        params: Record<string, unknown>;
      }[];
    };
    const rows = await page.locator('table[data-table=leaderboard] tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        value: Number(tr.querySelector('[data-col=value]')?.getAttribute('title')),
        image: Number(tr.querySelector('[data-col=image_auroc]')?.getAttribute('title')),
        text: Array.from(tr.querySelectorAll('td'), (td) => td.textContent),
      })),
    );
    expect(rows.length).toBe(8);
    rows.forEach((r, i) => {
      expect(r.value).toBe(cli.points[i].mean);
      expect(r.image).toBe(cli.points[i].also.image_auroc);
      expect(r.text[1]).toBe(cli.points[i].mean.toFixed(4));
      expect(r.text).toContain(`${cli.points[i].classes}/${cli.points[i].trials}`);
      expect(r.text).toContain(String(cli.points[i].params.sigma));
    });
    await shot(page, 'sweep');
    await page.goto(`${url}/#/sweep/grid?mode=per-class&top=2`);
    await page.locator('table[data-table=leaderboard] tr[data-class][data-rank="2"]').first().waitFor();
    const per = (await leaderboardCli('--per-class', '--top', '2')) as {
      perClass: { meanOfBest: number; entries: { class: string; rank: number; value: number; trialId: number }[] };
    };
    const got = await page.locator('table[data-table=leaderboard] tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        class: tr.getAttribute('data-class'),
        rank: Number(tr.getAttribute('data-rank')),
        value: Number(tr.querySelector('[data-col=value]')?.getAttribute('title')),
        trial: Number(tr.querySelector('a')?.textContent),
      })),
    );
    expect(got).toEqual(
      per.perClass.entries.map((e) => ({ class: e.class, rank: e.rank, value: e.value, trial: e.trialId })),
    );
    expect(await page.locator('[data-col=meanOfBest]').textContent()).toBe(per.perClass.meanOfBest.toFixed(4));
    await page.close();
  });

  it("a heatmap cell's value equals the database's", async () => {
    const page = await open('/#/plots/grid?metric=pixel_auroc&class=disc');
    await page.locator('[data-chart=heatmap] svg').waitFor();
    const facet = 'haar · 2 · LL+LH+HL';
    const cell = await page.locator('[data-chart=heatmap]').evaluate((el, f) => {
      const chart = (
        el as unknown as {
          __chart: {
            getOption(): {
              series: { name: string; data: { value: number[]; cell: { sigma: string; cov_reg: string } }[] }[];
            };
          };
        }
      ).__chart;
      const s = chart.getOption().series.find((x) => x.name === f);
      const d = s?.data.find((x) => x.cell.sigma === '4' && x.cell.cov_reg === '0.1');
      return { value: d?.value[2], texts: Array.from(el.querySelectorAll('text'), (t) => t.textContent) };
    }, facet);
    const db = openDatabase(dbPath, { readonly: true });
    const want = db
      .prepare(
        `SELECT m.value FROM metrics m JOIN trials t ON t.id = m.trial_id WHERE m.final = 1 AND m.name = 'pixel_auroc' AND t.class = 'disc'
         AND json_extract(t.params_json, '$.wavelet') = 'haar' AND json_extract(t.params_json, '$.level') = 2
         AND json_extract(t.params_json, '$.sigma') = 4 AND json_extract(t.params_json, '$.cov_reg') = 0.1 AND json_array_length(t.params_json, '$.subbands') = 3`,
      )
      .pluck()
      .get() as number | undefined;
    db.close();
    // the trial may have failed (seeded failures): then the cell must be absent
    if (want === undefined) expect(cell.value).toBeUndefined();
    else {
      expect(cell.value).toBe(want);
      expect(cell.texts).toContain(want.toFixed(3));
    }
    await page.locator('[data-chart=parallel] svg').waitFor();
    await page.locator('[data-chart=scatter] svg').waitFor();
    await page.locator('[data-chart=bars] svg').waitFor();
    await page.goto(`${url}/#/plots/grid?metric=image_auroc`);
    await page.locator('[data-chart=heatmap] svg').waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-chart=bars] svg rect, [data-chart=bars] svg path').length > 4,
    );
    await shot(page, 'plots');
    await page.close();
  });

  it('the failures page shows the full error text of every failed attempt', async () => {
    const page = await open('/#/failures/grid');
    const db = openDatabase(dbPath, { readonly: true });
    const errors = db.prepare("SELECT id, error FROM attempts WHERE outcome = 'failed' ORDER BY id").all() as {
      id: number;
      error: string;
    }[];
    db.close();
    expect(errors.length).toBeGreaterThan(0);
    await page.locator(`[data-attempt="${errors[0].id}"]`).waitFor();
    for (const e of errors)
      expect(await page.locator(`[data-attempt="${e.id}"] pre.error`).textContent()).toBe(e.error);
    await shot(page, 'failures');
    await page.close();
  });

  it('a trial page loads its map image from the artifacts table', async () => {
    // a real anomaly-map overlay (the runner's renderer): an image, a blob-shaped map and its ground-truth contour
    const S = 224;
    const rgb = new Uint8Array(S * S * 3);
    const map = new Float32Array(S * S);
    const mask = new Uint8Array(S * S);
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) {
        const i = y * S + x;
        rgb.fill(90 + (((x >> 4) + (y >> 4)) % 2) * 60, 3 * i, 3 * i + 3);
        const d = Math.hypot(x - 140, y - 90);
        map[i] = Math.exp(-(d * d) / 900);
        mask[i] = d < 28 ? 1 : 0;
      }
    const png = join(dir, 'artifacts', 'map-best-1.png');
    mkdirSync(join(dir, 'artifacts'), { recursive: true });
    await sharp(Buffer.from(renderOverlay(rgb, map, mask, 0, 1)), { raw: { width: S, height: S, channels: 3 } })
      .png()
      .toFile(png);
    const db = openDatabase(dbPath);
    const trial = db.prepare("SELECT id FROM trials WHERE status = 'done' ORDER BY id LIMIT 1").pluck().get() as number;
    // relative paths are under the database's folder (where the coordinator keeps artifacts)
    db.prepare(
      "INSERT INTO artifacts (trial_id, kind, path, created_at) VALUES (?, 'map-best', 'artifacts/map-best-1.png', ?)",
    ).run(trial, Date.now());
    db.close();
    const page = await open(`/#/trial/${trial}`);
    const img = page.locator('img[data-artifact]');
    await img.waitFor();
    await page.waitForFunction(() => {
      const i = document.querySelector<HTMLImageElement>('img[data-artifact]');
      return i !== null && i.complete && i.naturalWidth > 0;
    });
    expect(
      await img.evaluate((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]),
    ).toEqual([S, S]);
    // the endpoint serves rows of the table only
    const missing = await page.evaluate(async (u) => (await fetch(`${u}/artifact/999999`)).status, url);
    const traversal = await page.evaluate(async (u) => (await fetch(`${u}/artifact/..%2Fwepadim.db`)).status, url);
    expect([missing, traversal]).toEqual([404, 404]);
    await shot(page, 'trial');
    await page.close();
  });

  it('trials that finish while the page is open appear within 2 s of their commit', async () => {
    const page = await open('/#/sweep/grid');
    const stat = page.locator('[data-stat=done]');
    await stat.waitFor();
    const before = Number(await stat.textContent());
    // record every change of the "done" number with the page's clock
    await page.evaluate(() => {
      const w = window as unknown as { seen: [number, number][] };
      w.seen = [];
      const el = document.querySelector('[data-stat=done]')!;
      new MutationObserver(() => w.seen.push([Number(el.textContent), Date.now()])).observe(el, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    // extend the grid (sigma 8): 32 new trials, each sleeping 250 ms, one per lease
    seedGrid(dbPath, 'grid', [...gridTrials({ failRate: 0.15 }), ...gridTrials({ sigma: [8], sleepMs: 250 })], 1);
    const w = runWorker('w2', 1);
    expect(await exited(w)).toBe(0);
    const db = openDatabase(dbPath, { readonly: true });
    const finished = db
      .prepare(
        "SELECT finished_at FROM trials WHERE status = 'done' AND json_extract(params_json, '$.sigma') = 8 ORDER BY finished_at",
      )
      .pluck()
      .all() as number[];
    db.close();
    expect(finished.length).toBe(32);
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-stat=done]')?.textContent) === n,
      before + 32,
      { timeout: 5000 },
    );
    const seen = await page.evaluate(() => (window as unknown as { seen: [number, number][] }).seen);
    // each new trial: first time the page showed a count that includes it, minus its commit time
    const latencies = finished.map((t, i) => (seen.find(([count]) => count >= before + i + 1)?.[1] ?? Infinity) - t);
    console.log(
      `dashboard live latency over ${latencies.length} trials: max ${Math.max(...latencies)} ms, median ${latencies.sort((a, b) => a - b)[16]} ms`,
    );
    expect(Math.max(...latencies)).toBeLessThanOrEqual(2000);
    await page.close();
  }, 300_000);

  it('compares trials side by side: the per-class winners and trial 1', async () => {
    const per = (await leaderboardCli('--per-class')) as {
      perClass: { entries: { trialId: number; value: number }[] };
    };
    const ids = [1, ...per.perClass.entries.map((e) => e.trialId)];
    const page = await open(`/#/compare/${ids.join(',')}`);
    await page.locator('table[data-table=compare]').waitFor();
    expect(await page.locator('table[data-table=compare] th a').allTextContents()).toEqual(
      ids.map((i) => `trial ${i}`),
    );
    const cells = await page.locator('table[data-table=compare] tr[data-metric=image_auroc] td').allTextContents();
    expect(cells.slice(2)).toEqual(per.perClass.entries.map((e) => e.value.toFixed(4)));
    await shot(page, 'compare');
    await page.close();
  });
});

describe('dashboard security', () => {
  it('a non-loopback address needs the token (or --insecure)', async () => {
    const env = { ...process.env };
    delete env.WEPADIM_TOKEN;
    const refused = await pexec(process.execPath, [WEPADIM, 'dashboard', '--db', dbPath, '--listen', '0.0.0.0:0'], {
      env,
    }).catch((e: { code: number; stderr: string }) => e);
    expect((refused as { code: number }).code).toBe(2);
    expect((refused as { stderr: string }).stderr).toMatch(/needs a bearer token/);

    const child = cluster.spawn(
      ['dashboard', '--db', dbPath, '--listen', '0.0.0.0:0', '--json'],
      { WEPADIM_TOKEN: TOKEN },
      'dashboard',
    );
    const port = new URL((await firstJsonLine(child, 'dashboard')).url).port;
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/api/sweeps`)).status).toBe(401);
    expect(
      (await fetch(`${base}/api/sweeps`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status,
    ).toBe(401);
    expect((await fetch(`${base}/api/sweeps`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    // a person: the login form, then the pages
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.locator('input[name=token]').fill(TOKEN);
    await page.locator('button[type=submit]').click();
    await page.locator('tr[data-sweep="grid"]').waitFor();
    // reading never authorises an action: cancel needs the header, and a read-only dashboard has no coordinator
    const action = await page.evaluate(
      async () => (await fetch('/api/cancel', { method: 'POST', body: '{"target":"grid"}' })).status,
    );
    expect(action).toBe(401);
    await page.close();
    child.kill('SIGTERM');
    await exited(child);
  });
});
