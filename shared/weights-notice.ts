/** The loud notice shown with every output whose scores come from randomly initialised backbones. */

export const RANDOM_WEIGHTS_WARNING =
  'RANDOM WEIGHTS: the backbone is randomly initialised (random:SEED); scores are NOT comparable with published numbers';

/** True for a weights spec ("random:SEED") or identity ("random-init seed N") of random initialisation. */
export function isRandomWeights(weights: string): boolean {
  return weights.startsWith('random:') || weights.startsWith('random-init');
}

/** Words of `text` in lines of at most `width` columns (a word longer than that gets a line of its own). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A banner for human output: impossible to miss in a terminal or a log, and no wider than `width` (80) columns. */
export function randomWeightsBanner(specs: readonly string[], width = 80): string {
  const bar = '!'.repeat(width);
  const body = [
    ...wrapWords(RANDOM_WEIGHTS_WARNING, width - 3),
    ...wrapWords(`weights used: ${specs.join(', ')}`, width - 3),
  ];
  return `${bar}\n${body.map((l) => `!! ${l}`).join('\n')}\n${bar}\n`;
}

/** The one-line form for a live view (under 80 columns for one spec): which weights, and that scores are not comparable. */
export function randomWeightsLine(specs: readonly string[]): string {
  return `!! RANDOM WEIGHTS (${specs.join(', ')}): scores NOT comparable with published ones`;
}
