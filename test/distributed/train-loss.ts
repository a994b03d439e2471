/**
 * The loss examples/command-sweep/train.mjs reports for (lr, epochs, opt), computed the same way, so command
 * sweep tests check every stored result against an independent computation.
 */
export function expectedLoss(lr: number, epochs: number, opt: string): number {
  const xs = [-1, -0.5, 0, 0.5, 1];
  let [w, b, vw, vb] = [0, 0, 0, 0];
  for (let s = 0; s < epochs; s++) {
    let gw = 0;
    let gb = 0;
    for (const x of xs) {
      const e = w * x + b - (3 * x + 1);
      gw += (2 * e * x) / xs.length;
      gb += (2 * e) / xs.length;
    }
    if (opt === 'momentum') {
      vw = 0.9 * vw + gw;
      vb = 0.9 * vb + gb;
      w -= lr * vw;
      b -= lr * vb;
    } else {
      w -= lr * gw;
      b -= lr * gb;
    }
  }
  return xs.reduce((s, x) => s + (w * x + b - (3 * x + 1)) ** 2, 0) / xs.length;
}
