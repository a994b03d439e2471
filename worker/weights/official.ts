/** The official torchvision IMAGENET1K_V1 weight files (torchvision 0.14) for each backbone. */
import type { Backbone } from '../../shared/backbones.js';

const BASE = 'https://download.pytorch.org/models/';

export const OFFICIAL_FILES: Record<Backbone, string> = {
  resnet18: 'resnet18-f37072fd.pth',
  resnet34: 'resnet34-b627a593.pth',
  wide_resnet50_2: 'wide_resnet50_2-95faca4d.pth',
  'efficientnet-b0': 'efficientnet_b0_rwightman-3dd342df.pth',
  'efficientnet-b1': 'efficientnet_b1_rwightman-533bc792.pth',
  'efficientnet-b2': 'efficientnet_b2_rwightman-bcdf34b7.pth',
  'efficientnet-b3': 'efficientnet_b3_rwightman-cf984f9c.pth',
  'efficientnet-b4': 'efficientnet_b4_rwightman-7eb33cd5.pth',
  'efficientnet-b5': 'efficientnet_b5_lukemelas-b6417697.pth',
  'efficientnet-b6': 'efficientnet_b6_lukemelas-c76e70fd.pth',
};

export const IMAGENET_TAG = 'IMAGENET1K_V1';

export function officialUrl(b: Backbone): string {
  return BASE + OFFICIAL_FILES[b];
}

/** The sha256 prefix torchvision puts in its file names (`name-<hex>.pth`), or null. */
export function hashPrefix(fileName: string): string | null {
  const m = /-([0-9a-f]{6,64})\.(pth|pt|safetensors)$/.exec(fileName);
  return m ? m[1] : null;
}
