/**
 * The trial: one grid point on one class. Its parameters, canonical form, identity hash and the
 * sharing keys that let the scheduler group trials and the runner compute shared stages once.
 */
import { createHash } from 'node:crypto';
import type { Backbone } from './backbones.js';
import type { CommandSpec } from './command.js';
import type { DatasetKind } from './datasets.js';
import type { Subband } from './subbands.js';
import { canonicalSubbands } from './subbands.js';
import type { DwtMode, Wavelet } from './wavelets.js';
import type { ALIGNS, DISTANCES, OBJECTIVES, SMOOTHINGS } from './params/catalogue.js';

// the values of each kind live in the parameter catalogue (shared/params/catalogue.ts)
export type Align = (typeof ALIGNS)[number];
export type DistanceKind = (typeof DISTANCES)[number];
export type SmoothingKind = (typeof SMOOTHINGS)[number];
export type Objective = (typeof OBJECTIVES)[number];

/** Honest selection: the class's test set is split (stratified, seeded) into selection and report parts. */
export interface SelectionSpec {
  holdout: number; // fraction in the selection part, 0 < holdout < 1
  seed: number;
}

/** Parameters of the built-in synthetic objective used for load and fault tests. */
export interface SyntheticSpec {
  sleep_ms: number;
  fail_rate: number; // 0..1
  seed: number;
}

/** Everything that determines one trial's result. */
export interface TrialParams {
  objective: Objective;
  dataset: DatasetKind;
  /** dataset root directory as written in the sweep (resolved to an absolute path by the grid) */
  root: string;
  class: string;
  backbone: Backbone;
  /** "random:SEED" or "sha256:<hex>" (an imported weights file) */
  weights: string;
  wavelet: Wavelet;
  level: number;
  mode: DwtMode;
  subbands: Subband[];
  align: Align;
  distance: DistanceKind;
  smoothing: SmoothingKind;
  sigma: number;
  cov_reg: number;
  selection: SelectionSpec | null;
  synthetic: SyntheticSpec | null;
  /** objective `command` only: the program, its cwd and timeout and this point's free parameters (absent otherwise) */
  command?: CommandSpec;
}

/** A trial as expanded from a sweep file: its parameters plus where it came from. */
export interface TrialSpec {
  key: string;
  stage: string;
  params: TrialParams;
}

/** Shortest round-tripping decimal, with -0 normalised: 0.10 and 1e-1 give the same key. */
export function normalizeNumber(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  return Object.is(x, -0) ? 0 : Number(x.toPrecision(15));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  if (typeof v === 'number') return normalizeNumber(v);
  return v;
}

/** Canonical parameters: subbands in LL, LH, HL, HH order, numbers normalised, keys sorted. */
export function canonicalParams(p: TrialParams): TrialParams {
  return sortKeys({ ...p, subbands: canonicalSubbands(p.subbands) }) as TrialParams;
}

export function canonicalJson(p: TrialParams): string {
  return JSON.stringify(canonicalParams(p));
}

/** Trial identity: sha256 of the canonical JSON, first 24 hex digits. */
export function trialKey(p: TrialParams): string {
  return createHash('sha256').update(canonicalJson(p)).digest('hex').slice(0, 24);
}

/** Digits of a trial key that reports show (every command that takes a trial accepts this prefix or the whole key). */
export const SHORT_KEY_LENGTH = 12;

/** The trial id people see: the key's first 12 hex digits. */
export function shortKey(key: string): string {
  return key.slice(0, SHORT_KEY_LENGTH);
}

function hashOf(parts: readonly (string | number)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** Trials with the same feature key share the CNN features (dataset, root, class, backbone, weights). */
export function featureKey(p: TrialParams): string {
  return hashOf([p.objective, p.dataset, p.root, p.class, p.backbone, p.weights]);
}

/** Trials with the same DWT key also share the wavelet features. */
export function dwtKey(p: TrialParams): string {
  return hashOf([featureKey(p), p.wavelet, p.level, p.mode, p.align]);
}
