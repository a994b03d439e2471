/** The loud notice shown with every output whose scores come from randomly initialised backbones. */

export const RANDOM_WEIGHTS_WARNING =
  'RANDOM WEIGHTS: the backbone is randomly initialised (random:SEED); scores are NOT comparable with published numbers';

/** True for a weights spec ("random:SEED") or identity ("random-init seed N") of random initialisation. */
export function isRandomWeights(weights: string): boolean {
  return weights.startsWith('random:') || weights.startsWith('random-init');
}

/** A banner for human output: impossible to miss in a terminal or a log. */
export function randomWeightsBanner(specs: readonly string[]): string {
  const bar = '!'.repeat(100);
  return `${bar}\n!! ${RANDOM_WEIGHTS_WARNING}\n!! weights used: ${specs.join(', ')}\n${bar}\n`;
}
