/** A batch of feature maps in NCHW layout, float32: the currency between backbone, DWT and Gaussian stages. */
export interface FeatureBatch {
  n: number;
  c: number;
  h: number;
  w: number;
  data: Float32Array; // length n*c*h*w, index ((i*c + ch)*h + y)*w + x
}

export function featureBatch(n: number, c: number, h: number, w: number, data?: Float32Array): FeatureBatch {
  const len = n * c * h * w;
  if (data && data.length !== len) throw new RangeError(`FeatureBatch: data length ${data.length} != n*c*h*w = ${len}`);
  return { n, c, h, w, data: data ?? new Float32Array(len) };
}
