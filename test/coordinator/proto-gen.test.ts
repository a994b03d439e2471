import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../proto/generate.js';
import { coordinatorService, loadWire } from '../../proto/load.js';

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('proto/gen', () => {
  it('is exactly what the generator makes from the .proto (never hand-edited)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wepadim-gen-'));
    try {
      expect(generate(dir)).toBe(0);
      const fresh = files(dir);
      const committed = files(join(import.meta.dirname, '..', '..', 'proto', 'gen'));
      expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
      for (const [name, text] of fresh) expect(committed.get(name), name).toBe(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('loads with keepCase field names and numeric longs, as the generated types say', () => {
    const svc = coordinatorService();
    const buf = svc.Acquire.responseSerialize({
      trials: [{ trial_id: 7, lease_id: 'L', fencing_token: 3 }],
      lease_expires_at_ms: 1_700_000_000_000,
    });
    const back = loadWire().proto.wepadim.v1.AcquireResponse;
    expect(back).toBeDefined();
    const decoded = svc.Acquire.responseDeserialize(buf);
    expect(decoded.trials[0]).toMatchObject({ trial_id: 7, lease_id: 'L', fencing_token: 3, params_json: '' });
    expect(decoded.lease_expires_at_ms).toBe(1_700_000_000_000);
  });
});
