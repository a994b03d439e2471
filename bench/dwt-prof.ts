// temporary: profile the wrn50 block DWT on one 16-image chunk (not committed)
import { forEachBlockChunk } from '../worker/engine/embedding.js';
import { featureBatch } from '../worker/engine/feature-batch.js';
const n = 64;
const mk = (c: number, s: number) => {
  const b = featureBatch(n, c, s, s);
  let x = 1;
  for (let i = 0; i < b.data.length; i++) { x = (x * 1103515245 + 12345) % 2147483648; b.data[i] = x / 2147483648 - 0.5; }
  return b;
};
const taps = [mk(256, 56), mk(512, 28), mk(1024, 14)];
for (const rep of [0, 1]) for (const wavelet of ["haar", "sym4"] as const)
  for (const level of [1, 2]) {
    const t0 = performance.now();
    let s = 0;
    forEachBlockChunk(taps, { wavelet, level, mode: 'zero', align: 'down' }, ['LL', 'LH', 'HL', 'HH'], 16, (_b, _i, x) => { s += x.data[0]; });
    console.log(wavelet, level, ((performance.now() - t0) / n).toFixed(1), 'ms/image', s.toFixed(3));
  }
