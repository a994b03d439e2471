/** `wepadim weights import|list` and `wepadim doctor` end to end, as a user runs them. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../worker/executors/doctor.js';
import { backboneGraph } from '../../worker/models/catalogue.js';
import { randomStateDict } from '../../worker/weights/random-init.js';
import { writeSafetensors } from '../../worker/weights/safetensors.js';
import { fixturePath } from '../models/torchvision-fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'wepadim-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/wepadim.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, WEPADIM_WEIGHTS_DIR: join(tmp, 'w') },
  });

describe('wepadim weights', () => {
  it('imports a full state_dict (exit 0, JSON entry), then lists it', () => {
    const f = join(tmp, 'efficientnet_b0_rwightman-3dd342df.pth.safetensors');
    writeFileSync(f, writeSafetensors(randomStateDict(backboneGraph('efficientnet-b0'), 4)));
    const r = cli('weights', 'import', f, '--arch', 'efficientnet-b0', '--json');
    expect(r.status, r.stderr).toBe(0);
    const [meta] = JSON.parse(r.stdout) as { id: string; arch: string; tensors: number }[];
    expect(meta.arch).toBe('efficientnet-b0');
    expect(meta.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const l = cli('weights', 'list', '--json');
    expect((JSON.parse(l.stdout) as { id: string }[]).map((m) => m.id)).toEqual([meta.id]);
  });

  it('exits 2 naming the file and the first missing tensor for an incomplete state_dict', () => {
    const r = cli('weights', 'import', fixturePath('resnet18-partial.pth'), '--arch', 'resnet18');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/resnet18-partial\.pth: tensor "layer1\.1\.conv1\.weight" is missing/);
  });

  it('exits 2 for a malicious pickle', () => {
    const r = cli('weights', 'import', fixturePath('evil.pth'), '--arch', 'resnet18');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/refusing to unpickle/);
    expect(r.stdout).not.toMatch(/wepadim-fixture-should-never-run/);
  });
});

describe('doctor', () => {
  it('times onnx and explains how to install what is missing', async () => {
    const r = await runDoctor({ threads: 1, skip: ['tfjs-wasm'] });
    const onnx = r.executors.find((e) => e.executor === 'onnx');
    expect(onnx).toMatchObject({ available: true, version: '1.30.0' });
    expect(onnx?.conv_ms).toBeGreaterThan(0);
    expect(onnx?.gemm_gflops).toBeGreaterThan(0);
    const gpu = r.executors.find((e) => e.executor === 'tfjs-gpu');
    if (gpu && !gpu.available) expect(gpu.note).toMatch(/tfjs-node-gpu@4\.22\.0/);
    expect(r.executors.map((e) => e.executor)).toEqual(['onnx', 'onnx-cuda', 'tfjs-gpu', 'tfjs-node', 'tfjs-wasm']);
  });
});
