/** Backbone catalogue: the feature taps of spec section 3 (input 224x224 for every backbone). */

export const BACKBONES = [
  'resnet18',
  'resnet34',
  'wide_resnet50_2',
  'efficientnet-b0',
  'efficientnet-b1',
  'efficientnet-b2',
  'efficientnet-b3',
  'efficientnet-b4',
  'efficientnet-b5',
  'efficientnet-b6',
] as const;
export type Backbone = (typeof BACKBONES)[number];

export interface TapShape {
  /** torchvision module name that is hooked, e.g. "layer1" or "features.3" */
  module: string;
  channels: number;
  size: number; // square spatial size at 224 input
}

const RESNET_TAPS = (c1: number): TapShape[] => [
  { module: 'layer1', channels: c1, size: 56 },
  { module: 'layer2', channels: c1 * 2, size: 28 },
  { module: 'layer3', channels: c1 * 4, size: 14 },
];

const EFF = (c: [number, number, number, number]): TapShape[] => [
  { module: 'features.3', channels: c[0], size: 28 },
  { module: 'features.4', channels: c[1], size: 14 },
  { module: 'features.5', channels: c[2], size: 14 },
  { module: 'features.6', channels: c[3], size: 7 },
];

export const BACKBONE_TAPS: Record<Backbone, readonly TapShape[]> = {
  resnet18: RESNET_TAPS(64),
  resnet34: RESNET_TAPS(64),
  wide_resnet50_2: RESNET_TAPS(256),
  'efficientnet-b0': EFF([40, 80, 112, 192]),
  'efficientnet-b1': EFF([40, 80, 112, 192]),
  'efficientnet-b2': EFF([48, 88, 120, 208]),
  'efficientnet-b3': EFF([48, 96, 136, 232]),
  'efficientnet-b4': EFF([56, 112, 160, 272]),
  'efficientnet-b5': EFF([64, 128, 176, 304]),
  'efficientnet-b6': EFF([72, 144, 200, 344]),
};

export const INPUT_SIZE = 224;
export const RESIZE_SIZE = 256;

export function isBackbone(x: string): x is Backbone {
  return (BACKBONES as readonly string[]).includes(x);
}
