/** The jet-like colour map of the anomaly-map overlays and their colour bar. */

/** Jet-like colour map of t in [0, 1]. */
export function heatColor(t: number): [number, number, number] {
  const c = (x: number): number => Math.round(255 * Math.min(1, Math.max(0, x)));
  return [c(1.5 - Math.abs(4 * t - 3)), c(1.5 - Math.abs(4 * t - 2)), c(1.5 - Math.abs(4 * t - 1))];
}
