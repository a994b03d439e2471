/**
 * One anomaly-map figure as people look at it: a title band (class, defect/image, image score, trial key),
 * the 224x224 overlay, and a colour bar with its value range, all drawn into one RGB buffer with the
 * built-in bitmap font (./bitmap-font.ts).
 */
import { drawText, GLYPH_HEIGHT, textWidth } from './bitmap-font.js';
import { heatColor } from './heat-color.js';

const S = 224;
const PAD = 6;
const TITLE_H = 2 * (GLYPH_HEIGHT + 4) + PAD;
const BAR_W = 12;
const LABEL_W = 7 * 6;
export const FIGURE_W = PAD + S + PAD + BAR_W + 4 + LABEL_W + PAD;
export const FIGURE_H = TITLE_H + S + PAD + GLYPH_HEIGHT + PAD;
/** where the overlay sits in the figure */
export const OVERLAY_AT = { x: PAD, y: TITLE_H } as const;
/** where the colour bar sits: the top row is the highest value */
export const BAR_AT = { x: PAD + S + PAD, y: TITLE_H, w: BAR_W, h: S } as const;

export interface FigureText {
  cls: string;
  /** e.g. "broken_large/003.png" */
  image: string;
  score: number;
  trialKey: string;
}

/** A number in at most 6 characters (the colour bar's labels). */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let d = 3; d >= 0; d--) {
    const s = v.toFixed(d);
    if (s.length <= 6) return s;
  }
  return v.toExponential(0);
}

/** The figure (FIGURE_W x FIGURE_H RGB) around a rendered 224x224 RGB overlay whose colours span [lo, hi]. */
export function renderFigure(overlay: Uint8Array, lo: number, hi: number, t: FigureText): Uint8Array {
  const w = FIGURE_W;
  const h = FIGURE_H;
  const out = new Uint8Array(w * h * 3).fill(255);
  for (let y = 0; y < S; y++)
    out.set(overlay.subarray(y * S * 3, (y + 1) * S * 3), ((OVERLAY_AT.y + y) * w + OVERLAY_AT.x) * 3);
  for (let y = 0; y < BAR_AT.h; y++) {
    const rgb = heatColor(1 - y / (BAR_AT.h - 1));
    for (let x = 0; x < BAR_AT.w; x++) out.set(rgb, ((BAR_AT.y + y) * w + BAR_AT.x + x) * 3);
  }
  const ink: [number, number, number] = [20, 20, 20];
  const lx = BAR_AT.x + BAR_AT.w + 4;
  drawText(out, w, h, lx, BAR_AT.y, shortNumber(hi), ink);
  drawText(out, w, h, lx, BAR_AT.y + Math.floor((BAR_AT.h - GLYPH_HEIGHT) / 2), shortNumber((lo + hi) / 2), ink);
  drawText(out, w, h, lx, BAR_AT.y + BAR_AT.h - GLYPH_HEIGHT, shortNumber(lo), ink);
  drawText(out, w, h, PAD, PAD, `${t.cls}  ${t.image}`, ink);
  drawText(out, w, h, PAD, PAD + GLYPH_HEIGHT + 4, `score ${shortNumber(t.score)}  trial ${t.trialKey}`, ink);
  const caption = 'anomaly score (distance)';
  drawText(out, w, h, Math.max(PAD, w - PAD - textWidth(caption)), TITLE_H + S + PAD, caption, [90, 90, 90]);
  return out;
}
