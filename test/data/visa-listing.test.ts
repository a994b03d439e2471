/** VisA listings (spec 2.2): split CSV (name resolution, labels, errors with line numbers) and the folder fallback. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataError } from '../../shared/errors.js';
import { listClass, listClasses } from '../../worker/data/index.js';
import { parseCsvRecords } from '../../worker/data/csv.js';
import { png, tempRoot, textFile } from './tree-helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
  delete process.env.VISA_SPLIT_CSV;
});

async function csvTree(): Promise<string> {
  const t = tempRoot('visa-csv');
  cleanups.push(t.cleanup);
  const r = t.root;
  for (const f of ['n1.JPG', 'n0.JPG', 't0.JPG', 'a0.JPG', 'a1.JPG'])
    await png(join(r, 'pcb1/Data/Images', f), 6, 4, 9);
  await png(join(r, 'pcb1/Data/Masks/Anomaly/a0.png'), 6, 4, 255, 1);
  await png(join(r, 'pcb1/Data/Masks/Anomaly/a1.png'), 6, 4, 255, 1);
  await png(join(r, 'candle/Data/Images/c0.JPG'), 6, 4, 9);
  textFile(
    join(r, 'split_csv/1cls.csv'),
    [
      'object,split,label,image,mask',
      'pcb1,train,normal,pcb1/Data/Images/n1.JPG,',
      'pcb1,train,normal,pcb1/Data/Images/n0.JPG,',
      'candle,train,normal,candle/Data/Images/c0.JPG,',
      'pcb1,test,normal,pcb1/Data/Images/t0.JPG,',
      'pcb1,test,anomaly,"pcb1/Data/Images/a0.JPG","pcb1/Data/Masks/Anomaly/a0.png"',
      ' pcb1 , TEST ,bad,pcb1/Data/Images/a1.JPG,pcb1/Data/Masks/Anomaly/a1.png',
      '',
    ].join('\r\n'),
  );
  return r;
}

describe('VisA split CSV', () => {
  it('keeps CSV order, normal/anomaly labels, masks relative to the root', async () => {
    const r = await csvTree();
    const l = listClass('visa', r, 'pcb1');
    expect(l.train.map((s) => s.path)).toEqual([
      join(r, 'pcb1/Data/Images/n1.JPG'),
      join(r, 'pcb1/Data/Images/n0.JPG'),
    ]);
    expect(l.test.map((s) => [s.path.slice(r.length), s.label, s.defect, s.maskPath?.slice(r.length) ?? null])).toEqual(
      [
        ['/pcb1/Data/Images/t0.JPG', 0, 'good', null],
        ['/pcb1/Data/Images/a0.JPG', 1, 'anomaly', '/pcb1/Data/Masks/Anomaly/a0.png'],
        ['/pcb1/Data/Images/a1.JPG', 1, 'anomaly', '/pcb1/Data/Masks/Anomaly/a1.png'],
      ],
    );
    expect(listClasses('visa', r)).toEqual(['candle', 'pcb1']);
  });

  it('finds the CSV by option, env VISA_SPLIT_CSV (".csv" appended), or at the root', async () => {
    const r = await csvTree();
    textFile(
      join(r, 'other.csv'),
      'object,split,label,image,mask\npcb1,train,0,pcb1/Data/Images/n0.JPG,\npcb1,test,good,pcb1/Data/Images/t0.JPG,\n',
    );
    expect(listClass('visa', r, 'pcb1', { visaSplitCsv: 'other' }).train.length).toBe(1);
    process.env.VISA_SPLIT_CSV = 'other';
    expect(listClass('visa', r, 'pcb1').train.length).toBe(1);
    delete process.env.VISA_SPLIT_CSV;
    expect(listClass('visa', r, 'pcb1').train.length).toBe(2);
    expect(() => listClass('visa', r, 'pcb1', { visaSplitCsv: 'absent.csv' })).toThrow(/VisA split CSV not found/);
  });

  it('errors name the file and the CSV line', async () => {
    const r = await csvTree();
    const csv = join(r, 'split_csv/1cls.csv');
    textFile(
      csv,
      'object,split,label,image,mask\npcb1,train,normal,pcb1/Data/Images/n0.JPG,\npcb1,test,anomaly,pcb1/Data/Images/gone.JPG,x.png\n',
    );
    expect(() => listClass('visa', r, 'pcb1')).toThrow(
      `${join(r, 'pcb1/Data/Images/gone.JPG')}: VisA image listed in split file (${csv} line 3) not found`,
    );
    textFile(
      csv,
      'object,split,label,image,mask\npcb1,train,normal,pcb1/Data/Images/n0.JPG,\npcb1,test,anomaly,pcb1/Data/Images/a0.JPG,\n',
    );
    expect(() => listClass('visa', r, 'pcb1')).toThrow(
      `${csv}: line 3: VisA anomaly mask missing for 'pcb1/Data/Images/a0.JPG' (mask entry '')`,
    );
    textFile(csv, 'object,split,label,image,mask\npcb1,train,normal,pcb1/Data/Images/n0.JPG,\n');
    expect(() => listClass('visa', r, 'pcb1')).toThrow(`${csv}: no VisA samples for class 'pcb1' in split 'test'`);
    textFile(csv, 'object,split,label,image,mask\npcb1,train,normal,,\n');
    expect(() => listClass('visa', r, 'pcb1')).toThrow(DataError);
    expect(() => listClass('visa', r, 'pcb1')).toThrow(`${csv}: line 2: entry without an image path for class 'pcb1'`);
  });

  it('CSV records: quotes, doubled quotes, embedded newlines and commas, line numbers', () => {
    const recs = parseCsvRecords('a,b\n"x, ""y""","multi\nline"\nlast,row', 'f.csv');
    expect(recs).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', 'multi\nline'] },
      { line: 4, fields: ['last', 'row'] },
    ]);
    expect(() => parseCsvRecords('a\n"open', 'f.csv')).toThrow('f.csv: line 2: unterminated quoted field');
  });
});

describe('VisA folder fallback', () => {
  it('train/normal, test/normal then test/anomaly, masks <stem>.png or <stem>_mask.png', async () => {
    const t = tempRoot('visa-dir');
    cleanups.push(t.cleanup);
    const d = join(t.root, 'cashew/Data');
    await png(join(d, 'train/normal/b.jpg'), 4, 4, 1); // PNG bytes under a .jpg name: decoders sniff content
    await png(join(d, 'train/normal/a.PNG'), 4, 4, 1);
    textFile(join(d, 'train/normal/skip.txt'), '');
    await png(join(d, 'test/normal/n.png'), 4, 4, 1);
    await png(join(d, 'test/anomaly/y.png'), 4, 4, 1);
    await png(join(d, 'test/anomaly/x.png'), 4, 4, 1);
    await png(join(d, 'Masks/Anomaly/x.png'), 4, 4, 255, 1);
    await png(join(d, 'Masks/Anomaly/y_mask.png'), 4, 4, 255, 1);
    const l = listClass('visa', t.root, 'cashew');
    expect(l.train.map((s) => s.path.slice(d.length))).toEqual(['/train/normal/a.PNG', '/train/normal/b.jpg']);
    expect(l.test.map((s) => [s.path.slice(d.length), s.label, s.maskPath?.slice(d.length) ?? null])).toEqual([
      ['/test/normal/n.png', 0, null],
      ['/test/anomaly/x.png', 1, '/Masks/Anomaly/x.png'],
      ['/test/anomaly/y.png', 1, '/Masks/Anomaly/y_mask.png'],
    ]);
    await png(join(d, 'test/anomaly/z.png'), 4, 4, 1);
    expect(() => listClass('visa', t.root, 'cashew')).toThrow(
      `${join(d, 'test/anomaly/z.png')}: missing VisA anomaly mask (looked for ${join(d, 'Masks/Anomaly/z.png')} and ${join(d, 'Masks/Anomaly/z_mask.png')})`,
    );
    expect(() => listClass('visa', t.root, 'fryum')).toThrow(
      `${join(t.root, 'fryum/Data/train/normal')}: VisA training directory (no split CSV found) not found`,
    );
  });
});
