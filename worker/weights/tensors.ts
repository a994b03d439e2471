/** A loaded state_dict: tensor name -> float32 data and shape. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}
export type StateDict = Map<string, NamedTensor>;
