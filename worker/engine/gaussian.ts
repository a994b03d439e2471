/**
 * The per-position Gaussian model of spec 5-7.1 in float64: mean, biased covariance + cov_reg*I,
 * the original's 1e-6 jitter (x10 on a failed Cholesky, 5 attempts) and squared Mahalanobis distances.
 *
 * Two exact solvers of the same quantity:
 * - direct: Sigma = Xc^T Xc / N + (cov_reg + jitter) I (D x D), Cholesky, d = |L^-1 z|^2; streamed per position.
 * - Woodbury (D > N): with G = Xc Xc^T (N x N), lambda = cov_reg + jitter, b = Xc z,
 *   d = (z.z - b^T (G + N lambda I)^-1 b) / lambda. G, b and z.z are sums over channel blocks.
 */
import { ShapeError } from '../../shared/errors.js';
import type { FeatureBatch } from './feature-batch.js';
import { addCross, addGram, choleskyShifted, forwardSolveSquaredNorm } from './linalg.js';
import { choleskyShiftedWasm, forwardSolveNormsWasm } from './wasm/linalg.js';

/** Raised when every jitter attempt fails (the original then fell back to pinv, which this engine does not do). */
export class NumericalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NumericalError';
  }
}

export const JITTER0 = 1e-6;
export const JITTER_ATTEMPTS = 5;

/** Float64 position-major array: element (position q, row i, channel k) at (q*rows + i)*d + k. */
export interface PositionMajor {
  rows: number;
  d: number;
  p: number;
  data: Float64Array;
}

/** Per-position mean over images, float64, layout q*d + k. */
export function positionMean(x: FeatureBatch): Float64Array {
  const p = x.h * x.w;
  const mean = new Float64Array(p * x.c);
  for (let i = 0; i < x.n; i++)
    for (let k = 0; k < x.c; k++) {
      const src = (i * x.c + k) * p;
      for (let q = 0; q < p; q++) mean[q * x.c + k] += x.data[src + q];
    }
  for (let j = 0; j < mean.length; j++) mean[j] /= x.n;
  return mean;
}

/** x - mean, transposed to position-major float64. */
export function centered(x: FeatureBatch, mean: Float64Array): PositionMajor {
  const p = x.h * x.w;
  const d = x.c;
  if (mean.length !== p * d) throw new ShapeError('mean does not match the features', { mean: mean.length, p, d });
  const out = new Float64Array(p * x.n * d);
  for (let i = 0; i < x.n; i++)
    for (let k = 0; k < d; k++) {
      const src = (i * d + k) * p;
      for (let q = 0; q < p; q++) out[(q * x.n + i) * d + k] = x.data[src + q] - mean[q * d + k];
    }
  return { rows: x.n, d, p, data: out };
}

/** x - mean for positions [q0, q1) only, position-major float64 (p = q1 - q0), written into `out` when given. */
export function centeredPositions(
  x: FeatureBatch,
  mean: Float64Array,
  q0: number,
  q1: number,
  out?: Float64Array,
): PositionMajor {
  const p = x.h * x.w;
  const d = x.c;
  const k = q1 - q0;
  if (mean.length !== p * d) throw new ShapeError('mean does not match the features', { mean: mean.length, p, d });
  const data = out ? out.subarray(0, k * x.n * d) : new Float64Array(k * x.n * d);
  for (let i = 0; i < x.n; i++)
    for (let c = 0; c < d; c++) {
      const src = (i * d + c) * p;
      for (let q = q0; q < q1; q++) data[((q - q0) * x.n + i) * d + c] = x.data[src + q] - mean[q * d + c];
    }
  return { rows: x.n, d, p: k, data };
}

/**
 * Gram matrices, cross terms and squared norms of one channel block, centring `chunk` positions at a time
 * (the same numbers as centering the whole block first: every position is independent), so that the
 * float64 centred copy never exists for the whole block. Outputs as addBlockGram / addBlockCross.
 */
export function addBlockStats(
  train: FeatureBatch,
  test: FeatureBatch,
  gram: Float64Array,
  cross: Float64Array,
  sqn: Float64Array,
  chunk = 8,
): void {
  const mean = positionMean(train);
  const p = train.h * train.w;
  const n = train.n;
  const t = test.n;
  const xbuf = new Float64Array(Math.min(chunk, p) * n * train.c);
  const zbuf = new Float64Array(Math.min(chunk, p) * t * test.c);
  for (let q0 = 0; q0 < p; q0 += chunk) {
    const q1 = Math.min(p, q0 + chunk);
    const xc = centeredPositions(train, mean, q0, q1, xbuf);
    const z = centeredPositions(test, mean, q0, q1, zbuf);
    addBlockGram(xc, gram.subarray(q0 * n * n, q1 * n * n));
    addBlockCross(xc, z, cross.subarray(q0 * t * n, q1 * t * n), sqn.subarray(q0 * t, q1 * t));
  }
}

/** Centred Gram matrices G_q = Xc_q Xc_q^T, added into `out` (p * n * n). */
export function addBlockGram(xc: PositionMajor, out: Float64Array): void {
  const { rows: n, d, p } = xc;
  for (let q = 0; q < p; q++) addGram(xc.data, q * n * d, n, d, out, q * n * n);
}

/** Cross terms b = Xc_q z (p * t * n) and squared norms z.z (p * t), added into the outputs. */
export function addBlockCross(xc: PositionMajor, z: PositionMajor, cross: Float64Array, sqn: Float64Array): void {
  const { rows: n, d, p } = xc;
  const t = z.rows;
  for (let q = 0; q < p; q++) {
    addCross(z.data, q * t * d, t, xc.data, q * n * d, n, d, cross, q * t * n);
    for (let r = 0; r < t; r++) {
      const o = (q * t + r) * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += z.data[o + k] * z.data[o + k];
      sqn[q * t + r] += s;
    }
  }
}

export interface WoodburyFactor {
  n: number;
  p: number;
  /** lower Cholesky factors of G_q + N*lambda_q*I, p * n * n */
  chol: Float64Array;
  /** effective ridge per position: cov_reg + the jitter that succeeded */
  lambda: Float64Array;
}

function jitterLoop(covReg: number, attempt: (ridge: number) => boolean, where: string): number {
  let jitter = JITTER0;
  for (let a = 0; a < JITTER_ATTEMPTS; a++, jitter *= 10) {
    const ridge = covReg + jitter;
    if (attempt(ridge)) return ridge;
  }
  throw new NumericalError(`${where}: Cholesky failed with every jitter from 1e-6 to 1e-2 (cov_reg=${covReg})`);
}

/**
 * Factor G_q + N (cov_reg + jitter) I per position, with the original's jitter escalation. With `out === gram`
 * the factors overwrite the Grams (each position's Gram is read only before its own factor is stored).
 */
export function factorWoodbury(
  gram: Float64Array,
  n: number,
  p: number,
  covReg: number,
  signal?: AbortSignal,
  out?: Float64Array,
): WoodburyFactor {
  if (out !== undefined && out.length !== p * n * n)
    throw new ShapeError('factor buffer does not match p*n*n', { out: out.length, p, n });
  const chol = out ?? new Float64Array(p * n * n);
  const lambda = new Float64Array(p);
  const l = new Float64Array(n * n);
  for (let q = 0; q < p; q++) {
    signal?.throwIfAborted();
    lambda[q] = jitterLoop(covReg, (ridge) => choleskyShiftedWasm(gram, q * n * n, n, n * ridge, l), `position ${q}`);
    chol.set(l, q * n * n);
  }
  return { n, p, chol, lambda };
}

/**
 * Squared Mahalanobis distances, layout t*p + q, from a Woodbury factor and the cross terms. The test images'
 * forward solves run four at a time in wasm (forwardSolveNormsWasm: the operations of forwardSolveSquaredNorm per
 * image, so the same bits).
 */
export function scoreWoodbury(f: WoodburyFactor, cross: Float64Array, sqn: Float64Array, t: number): Float64Array {
  const { n, p } = f;
  const out = new Float64Array(t * p);
  const b = new Float64Array(t * n);
  const quad = new Float64Array(t);
  const l = new Float64Array(n * n);
  for (let q = 0; q < p; q++) {
    const lam = f.lambda[q];
    let r = forwardSolveNormsWasm(f.chol, q * n * n, n, cross.subarray(q * t * n, (q + 1) * t * n), t, quad);
    if (r < t) {
      l.set(f.chol.subarray(q * n * n, (q + 1) * n * n));
      b.set(cross.subarray(q * t * n, (q + 1) * t * n));
      for (; r < t; r++) quad[r] = forwardSolveSquaredNorm(l, n, b, r * n);
    }
    for (r = 0; r < t; r++) out[r * p + q] = (sqn[q * t + r] - quad[r]) / lam;
  }
  return out;
}

/**
 * Direct D x D path, streamed over positions: the blocks (same rows, same p) are concatenated along channels.
 * Returns squared distances, layout t*p + q.
 */
export function directDistances(
  xcs: PositionMajor[],
  zs: PositionMajor[],
  covReg: number,
  signal?: AbortSignal,
): Float64Array {
  const n = xcs[0].rows;
  const t = zs[0].rows;
  const p = xcs[0].p;
  const D = xcs.reduce((s, b) => s + b.d, 0);
  const S = new Float64Array(D * D);
  const L = new Float64Array(D * D);
  const x = new Float64Array(D);
  const z = new Float64Array(D);
  const out = new Float64Array(t * p);
  const gather = (blocks: PositionMajor[], q: number, row: number, dst: Float64Array): void => {
    let off = 0;
    for (const bl of blocks) {
      const o = (q * bl.rows + row) * bl.d;
      dst.set(bl.data.subarray(o, o + bl.d), off);
      off += bl.d;
    }
  };
  for (let q = 0; q < p; q++) {
    signal?.throwIfAborted();
    S.fill(0);
    for (let i = 0; i < n; i++) {
      gather(xcs, q, i, x);
      for (let a = 0; a < D; a++) {
        const xa = x[a];
        const ra = a * D;
        for (let c = 0; c <= a; c++) S[ra + c] += xa * x[c];
      }
    }
    for (let a = 0; a < D; a++) for (let c = 0; c <= a; c++) S[a * D + c] /= n;
    jitterLoop(covReg, (ridge) => choleskyShifted(S, 0, D, ridge, L), `position ${q}`);
    for (let r = 0; r < t; r++) {
      gather(zs, q, r, z);
      out[r * p + q] = forwardSolveSquaredNorm(L, D, z, 0);
    }
  }
  return out;
}

// ---- single-embedding primitives (tests, parity, the runner's reference path) ----

export interface WoodburyModel {
  kind: 'woodbury';
  mean: Float64Array;
  xc: PositionMajor;
  factor: WoodburyFactor;
}

export interface DirectModel {
  kind: 'direct';
  mean: Float64Array;
  xc: PositionMajor;
  covReg: number;
}

export type GaussianModel = WoodburyModel | DirectModel;

function checkTrain(train: FeatureBatch): void {
  if (train.n < 2) throw new ShapeError('the Gaussian model needs at least 2 training images', { N: train.n });
}

export function fitGaussianWoodbury(train: FeatureBatch, covReg: number, signal?: AbortSignal): WoodburyModel {
  checkTrain(train);
  const mean = positionMean(train);
  const xc = centered(train, mean);
  const gram = new Float64Array(xc.p * xc.rows * xc.rows);
  addBlockGram(xc, gram);
  return { kind: 'woodbury', mean, xc, factor: factorWoodbury(gram, xc.rows, xc.p, covReg, signal) };
}

/** The direct model keeps only the centred features: its D x D factors are formed per position while scoring. */
export function fitGaussianDirect(train: FeatureBatch, covReg: number): DirectModel {
  checkTrain(train);
  const mean = positionMean(train);
  return { kind: 'direct', mean, xc: centered(train, mean), covReg };
}

/** Squared Mahalanobis distance of every test image at every position, layout t*p + q (p = row*w + col). */
export function mahalanobis(model: GaussianModel, test: FeatureBatch, signal?: AbortSignal): Float64Array {
  const { xc } = model;
  if (test.c !== xc.d || test.h * test.w !== xc.p)
    throw new ShapeError('test features do not match the model', {
      testC: test.c,
      modelD: xc.d,
      testP: test.h * test.w,
      modelP: xc.p,
    });
  const z = centered(test, model.mean);
  if (model.kind === 'direct') return directDistances([xc], [z], model.covReg, signal);
  const cross = new Float64Array(xc.p * z.rows * xc.rows);
  const sqn = new Float64Array(xc.p * z.rows);
  addBlockCross(xc, z, cross, sqn);
  return scoreWoodbury(model.factor, cross, sqn, z.rows);
}
