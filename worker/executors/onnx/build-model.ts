/**
 * Compile a backbone graph description plus folded weights to an in-memory ONNX model (opset 13),
 * encoded with protobufjs from onnx-subset.proto. Input "input" is [N,3,H,W]; outputs are the tap values.
 * SiLU is written as x * Sigmoid(x) (opset 13 has no SiLU op; onnxruntime fuses the pair).
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Activation, BackboneGraph } from '../../models/graph.js';
import type { FoldedWeights } from '../../weights/fold.js';

const FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

let root: protobuf.Root | undefined;
function schema(): protobuf.Root {
  root ??= protobuf.loadSync(fileURLToPath(new URL('./onnx-subset.proto', import.meta.url)));
  return root;
}

interface Attr {
  name: string;
  type: number;
  i?: number;
  ints?: number[];
}
interface Node {
  opType: string;
  input: string[];
  output: string[];
  name: string;
  attribute: Attr[];
}
interface Tensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

const ints = (name: string, v: number[]): Attr => ({ name, type: ATTR_INTS, ints: v });
const int = (name: string, v: number): Attr => ({ name, type: ATTR_INT, i: v });

function valueInfo(name: string, c: number): object {
  const dim = [{ dimParam: 'N' }, { dimValue: c }, { dimParam: `${name}_H` }, { dimParam: `${name}_W` }];
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

export function buildOnnxModel(g: BackboneGraph, w: FoldedWeights): Uint8Array {
  const nodes: Node[] = [];
  const inits: Tensor[] = [];
  let k = 0;
  const node = (opType: string, input: string[], output: string[], attribute: Attr[] = []): void => {
    nodes.push({ opType, input, output, name: `n${k++}_${opType}`, attribute });
  };
  const init = (name: string, dims: number[], data: Float32Array): void => {
    inits.push({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  };
  const activate = (x: string, out: string, act: Activation): void => {
    if (act === 'relu') node('Relu', [x], [out]);
    else if (act === 'sigmoid') node('Sigmoid', [x], [out]);
    else if (act === 'silu') {
      node('Sigmoid', [x], [`${x}__sig`]);
      node('Mul', [x, `${x}__sig`], [out]);
    } else node('Identity', [x], [out]);
  };
  const conv = (
    input: string,
    output: string,
    prefix: string,
    cin: number,
    cout: number,
    kk: number,
    stride: number,
    pad: number,
    groups: number,
    act: Activation,
  ): void => {
    const f = w.get(prefix);
    if (!f) throw new Error(`internal: no folded weights for ${prefix}`);
    init(`${prefix}.weight`, [cout, cin / groups, kk, kk], f.weight);
    init(`${prefix}.bias`, [cout], f.bias);
    const pre = act === null ? output : `${output}__pre`;
    node(
      'Conv',
      [input, `${prefix}.weight`, `${prefix}.bias`],
      [pre],
      [
        ints('kernel_shape', [kk, kk]),
        ints('strides', [stride, stride]),
        ints('pads', [pad, pad, pad, pad]),
        int('group', groups),
      ],
    );
    if (act !== null) activate(pre, output, act);
  };
  for (const n of g.nodes) {
    switch (n.op) {
      case 'conv':
        conv(n.input, n.output, n.conv, n.inChannels, n.outChannels, n.kernel, n.stride, n.pad, n.groups, n.act);
        break;
      case 'add':
        if (n.act === null) node('Add', [...n.inputs], [n.output]);
        else {
          node('Add', [...n.inputs], [`${n.output}__pre`]);
          activate(`${n.output}__pre`, n.output, n.act);
        }
        break;
      case 'maxpool':
        node(
          'MaxPool',
          [n.input],
          [n.output],
          [
            ints('kernel_shape', [n.kernel, n.kernel]),
            ints('strides', [n.stride, n.stride]),
            ints('pads', [n.pad, n.pad, n.pad, n.pad]),
          ],
        );
        break;
      case 'se': {
        node('GlobalAveragePool', [n.input], [`${n.output}__avg`]);
        conv(`${n.output}__avg`, `${n.output}__s1`, n.fc1, n.channels, n.squeeze, 1, 1, 0, 1, 'silu');
        conv(`${n.output}__s1`, `${n.output}__s2`, n.fc2, n.squeeze, n.channels, 1, 1, 0, 1, 'sigmoid');
        node('Mul', [n.input, `${n.output}__s2`], [n.output]);
        break;
      }
    }
  }
  const model = {
    irVersion: 8,
    producerName: 'wepadim',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: g.name,
      node: nodes,
      initializer: inits,
      input: [valueInfo(g.input, g.inputChannels ?? 3)],
      output: g.taps.map((t) => valueInfo(t.value, t.channels)),
    },
  };
  const M = schema().lookupType('onnx.ModelProto');
  const err = M.verify(model);
  if (err) throw new Error(`internal: ONNX model does not verify: ${err}`);
  return M.encode(M.fromObject(model)).finish();
}
