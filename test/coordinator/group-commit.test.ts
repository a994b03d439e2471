import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../coordinator/store/group-commit.js';
import { openDatabase, type Db } from '../../coordinator/store/db.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function db(): { db: Db; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wepadim-gc-'));
  dirs.push(dir);
  const path = join(dir, 'db.sqlite');
  const d = openDatabase(path);
  d.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  return { db: d, path };
}

describe('group commit', () => {
  it('runs calls of one turn in one transaction, in order; a throwing call rolls back only itself', async () => {
    const { db: d, path } = db();
    const gc = new GroupCommit(d);
    const ins = d.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    const order: string[] = [];
    // each operation is a db.transaction function (a savepoint inside the batch), as LeaseStore methods are
    const a = gc.run(d.transaction(() => (order.push('a'), ins.run('a', 1).changes)));
    const b = gc.run(
      d.transaction(() => {
        order.push('b');
        ins.run('b', 2);
        ins.run('a', 3); // primary key violation: b's own insert must be rolled back too
      }),
    );
    const c = gc.run(d.transaction(() => (order.push('c'), ins.run('c', 3).changes)));
    // nothing has run yet: the batch waits for the end of this turn
    expect(order).toEqual([]);
    await expect(a).resolves.toBe(1);
    await expect(b).rejects.toThrow(/UNIQUE/);
    await expect(c).resolves.toBe(1);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(gc.stats).toEqual({ batches: 1, operations: 3, largestBatch: 3 });
    // committed: another connection sees exactly a and c
    const ro = openDatabase(path, { readonly: true });
    expect(ro.prepare('SELECT k, v FROM t ORDER BY k').all()).toEqual([
      { k: 'a', v: 1 },
      { k: 'c', v: 3 },
    ]);
    ro.close();
    d.close();
  });

  it('a locked database: every caller of the batch gets the error and nothing is written; the next batch works', async () => {
    const { db: d, path } = db();
    const gc = new GroupCommit(d);
    // another connection holds the write lock
    const other = openDatabase(path);
    other.pragma('busy_timeout = 0');
    d.pragma('busy_timeout = 0');
    other.exec('BEGIN EXCLUSIVE');
    const ins = d.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    const p = [gc.run(() => ins.run('x', 1)), gc.run(() => ins.run('y', 2))];
    const settled = await Promise.allSettled(p);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    other.exec('ROLLBACK');
    expect(d.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 0 });
    await expect(gc.run(() => ins.run('z', 3).changes)).resolves.toBe(1);
    other.close();
    d.close();
  });
});
