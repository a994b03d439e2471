/** The anomaly-map figure: colour bar from the highest value (top) to the lowest, title text in the bitmap font, file names. */
import { describe, expect, it } from 'vitest';
import { heatColor, mapFileName, renderOverlay } from '../../worker/runner/artifacts.js';
import { drawText, glyphOf } from '../../worker/runner/bitmap-font.js';
import { BAR_AT, FIGURE_H, FIGURE_W, OVERLAY_AT, renderFigure, shortNumber } from '../../worker/runner/map-figure.js';

const S = 224;
const px = (buf: Uint8Array, w: number, x: number, y: number): number[] =>
  Array.from(buf.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));

function figure(): { fig: Uint8Array; overlay: Uint8Array } {
  const rgb = new Uint8Array(S * S * 3).fill(128);
  const map = new Float32Array(S * S).map((_, p) => (p % S) / (S - 1)); // 0 at the left edge, 1 at the right
  const mask = new Uint8Array(S * S);
  const overlay = renderOverlay(rgb, map, mask, 0, 1);
  return {
    fig: renderFigure(overlay, 0.25, 7.5, {
      cls: 'bottle',
      image: 'broken_large/003.png',
      score: 3.752,
      trialKey: '3f9c2a1b',
    }),
    overlay,
  };
}

describe('map figure', () => {
  it('places the overlay and a colour bar running from heatColor(1) at the top to heatColor(0) at the bottom', () => {
    const { fig, overlay } = figure();
    expect(fig.length).toBe(FIGURE_W * FIGURE_H * 3);
    expect(px(fig, FIGURE_W, OVERLAY_AT.x + 10, OVERLAY_AT.y + 5)).toEqual(
      Array.from(overlay.subarray((5 * S + 10) * 3, (5 * S + 10) * 3 + 3)),
    );
    expect(px(fig, FIGURE_W, BAR_AT.x + 3, BAR_AT.y)).toEqual(heatColor(1));
    expect(px(fig, FIGURE_W, BAR_AT.x + 3, BAR_AT.y + BAR_AT.h - 1)).toEqual(heatColor(0));
  });

  it('draws the title with the bitmap font (the pixels of its first glyph match the font table)', () => {
    const { fig } = figure();
    const b = glyphOf('B');
    for (let c = 0; c < 5; c++)
      for (let r = 0; r < 7; r++)
        expect(px(fig, FIGURE_W, 6 + c, 6 + r)[0] < 128, `B column ${c} row ${r}`).toBe(((b[c] >> r) & 1) === 1);
    const one = new Uint8Array(6 * 7 * 3).fill(255);
    drawText(one, 6, 7, 0, 0, 'x', [0, 0, 0]);
    expect(one.some((v) => v === 0)).toBe(true);
  });

  it('names files by class, defect, image and score, never "best"/"worst"', () => {
    expect(
      mapFileName(
        'bottle',
        { path: '/d/bottle/test/broken_large/003.png', label: 1, defect: 'broken_large', maskPath: null },
        3.75234,
      ),
    ).toBe('bottle_broken_large_003_score-3.752.png');
    expect(shortNumber(1234.5678)).toBe('1234.6');
    expect(shortNumber(0.25)).toBe('0.250');
  });

  it('writes a PNG a person can look at (WEPADIM_FIGURE_OUT)', async () => {
    const out = process.env.WEPADIM_FIGURE_OUT;
    if (!out) return;
    const sharp = (await import('sharp')).default;
    await sharp(Buffer.from(figure().fig), { raw: { width: FIGURE_W, height: FIGURE_H, channels: 3 } })
      .png()
      .toFile(out);
  });
});
