/** `weights fetch` against a local HTTP server: hash-prefix check, HTTP errors and unreachable hosts. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchOfficialWeights } from '../../worker/weights/fetch.js';
import { listWeights } from '../../worker/weights/store.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-fetch-test-'));
let server: Server;
let base = '';
const served: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url === '/resnet18-f37072fd.pth') res.end(Buffer.from('PK not really the weights'));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('fetchOfficialWeights', () => {
  it('asks for the official file name and rejects content whose sha256 does not start with the name prefix', async () => {
    await expect(fetchOfficialWeights('resnet18', { dir, baseUrl: base })).rejects.toThrow(
      /does not start with f37072fd: corrupt download/,
    );
    expect(served).toContain('/resnet18-f37072fd.pth');
    expect(listWeights(dir)).toEqual([]);
  });

  it('reports HTTP errors with the manual import command', async () => {
    await expect(fetchOfficialWeights('resnet34', { dir, baseUrl: base })).rejects.toThrow(
      /HTTP 404.*wepadim weights import resnet34-b627a593\.pth --arch resnet34/,
    );
  });

  it('fails fast when the host is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    // the refused connection is the error, not the (here 2-minute) connect timeout running out
    await expect(
      fetchOfficialWeights('efficientnet-b0', { dir, baseUrl: `http://127.0.0.1:${port}`, connectTimeoutMs: 120_000 }),
    ).rejects.toThrow(/cannot download .*ECONNREFUSED.*weights import efficientnet_b0_rwightman-3dd342df\.pth/);
  });
});
