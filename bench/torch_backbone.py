#!/usr/bin/python3
"""PyTorch CPU baseline for bench/backbone.ts: ms per image of a torchvision backbone up to its last tap.

Usage: /usr/bin/python3 bench/torch_backbone.py ARCH BATCH REPS THREADS  -> one JSON line on stdout.
The model is truncated after the deepest tap (resnet: layer3, efficientnet: features.6), as wepadim does.
"""
import json, sys, time
import torch, torchvision

arch, batch, reps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
torch.manual_seed(0)
if arch.startswith('efficientnet-'):
    m = getattr(torchvision.models, arch.replace('-', '_'))(weights=None).eval()
    net = torch.nn.Sequential(*list(m.features.children())[:7])
else:
    m = getattr(torchvision.models, arch)(weights=None).eval()
    net = torch.nn.Sequential(m.conv1, m.bn1, m.relu, m.maxpool, m.layer1, m.layer2, m.layer3)
x = torch.randn(batch, 3, 224, 224)
times = []
with torch.no_grad():
    net(x)
    for _ in range(reps):
        t = time.perf_counter()
        net(x)
        times.append(time.perf_counter() - t)
times.sort()
print(json.dumps({'arch': arch, 'batch': batch, 'threads': threads, 'ms_per_image': times[len(times) // 2] * 1000 / batch,
                  'torch': torch.__version__}))
