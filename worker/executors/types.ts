/** The interface every executor implements: run a backbone graph on a batch, return the tap tensors. */

export type ExecutorName = 'onnx' | 'onnx-cuda' | 'tfjs-gpu' | 'tfjs-node' | 'tfjs-wasm';

export interface ExecutorInfo {
  executor: ExecutorName;
  version: string;
  device: string;
}

export interface GraphExecutor {
  readonly info: ExecutorInfo;
  /**
   * input: n*3*size*size float32 NCHW. Returns one NCHW float32 array per tap, in tap order
   * (tap i has size/stride_i rows and columns).
   */
  run(input: Float32Array, n: number, size: number): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface ExecutorOptions {
  threads?: number;
  /** GPU index for CUDA executors */
  gpu?: number | null;
  /**
   * false: free the executor's working memory after each call instead of keeping it in an arena for the next
   * (onnxruntime's CPU memory arena; a worker under `--max-rss`). Default true. The numbers are the same.
   */
  memoryArena?: boolean;
}
