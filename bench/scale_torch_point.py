#!/usr/bin/python3
"""The original code's cost for ONE grid point on ONE class, phase by phase (bench/scale-torch.ts extrapolates it).

Usage: /usr/bin/python3 bench/scale_torch_point.py ROOT CLASS THREADS [WAVELET LEVEL COV_REG SIGMA] -> one JSON line.
Follows the original pipeline as docs/spec describe it (PIL Lanczos 256 + centre crop 224, torchvision resnet18 with
random init (torch.manual_seed(0)) up to layer3, pywt zero-mode DWT per tap keeping LL + LH + HL, bilinear align to the
smallest grid, float64 biased covariance stored as (D, D, P) + cov_reg I, Cholesky inverse per position with 1e-6
jitter, squared Mahalanobis, bilinear to 224, their k x k broadcast-kernel smoothing (conv2d, zero padding),
sklearn roc_auc_score). Nothing is cached, as in the original: every grid point repeats all of it.
"""
import glob, json, math, os, sys, time
import numpy as np
import pywt
import torch
import torch.nn.functional as F
import torchvision
from PIL import Image
from sklearn.metrics import roc_auc_score

root, cls, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
wavelet, level, cov_reg, sigma = (sys.argv[4:8] + ['haar', '1', '0.01', '4'][len(sys.argv[4:8]):])
level, cov_reg, sigma = int(level), float(cov_reg), float(sigma)
torch.set_num_threads(threads)
torch.manual_seed(0)
T, C = {}, {}  # wall and process CPU seconds (all threads) per phase
_c = [time.process_time()]
def lap(name, t0):
    T[name] = T.get(name, 0.0) + time.perf_counter() - t0
    c = time.process_time()
    C[name] = C.get(name, 0.0) + c - _c[0]
    _c[0] = c
    return time.perf_counter()

MEAN, STD = np.array([0.485, 0.456, 0.406], np.float32), np.array([0.229, 0.224, 0.225], np.float32)
def load(path):
    im = Image.open(path).convert('RGB')
    w, h = im.size
    s = 256 / min(w, h)
    im = im.resize((round(w * s), round(h * s)), Image.LANCZOS)
    w, h = im.size
    l, t = (w - 224) // 2, (h - 224) // 2
    a = (np.asarray(im.crop((l, t, l + 224, t + 224)), np.float32) / 255 - MEAN) / STD
    return torch.from_numpy(a.transpose(2, 0, 1).copy())

def mask_of(path):
    if path is None:
        return np.zeros((224, 224), np.uint8)
    im = Image.open(path).convert('L')
    w, h = im.size
    s = 256 / min(w, h)
    im = im.resize((round(w * s), round(h * s)), Image.NEAREST)
    w, h = im.size
    l, t = (w - 224) // 2, (h - 224) // 2
    return (np.asarray(im.crop((l, t, l + 224, t + 224))) > 0).astype(np.uint8)

train = sorted(glob.glob(os.path.join(root, cls, 'train', 'good', '*.png')))
test, masks, labels = [], [], []
for d in sorted(os.listdir(os.path.join(root, cls, 'test'))):
    for f in sorted(glob.glob(os.path.join(root, cls, 'test', d, '*.png'))):
        test.append(f)
        labels.append(0 if d == 'good' else 1)
        masks.append(None if d == 'good' else os.path.join(root, cls, 'ground_truth', d, os.path.basename(f)[:-4] + '_mask.png'))

m = torchvision.models.resnet18(weights=None).eval()
net = [m.layer1, m.layer2, m.layer3]
def features(paths):
    outs = [[], [], []]
    t0 = time.perf_counter()
    _c[0] = time.process_time()
    for i in range(0, len(paths), 32):
        x = torch.stack([load(p) for p in paths[i:i + 32]])
        t0 = lap('load', t0)
        with torch.no_grad():
            h = m.maxpool(m.relu(m.bn1(m.conv1(x))))
            for k, layer in enumerate(net):
                h = layer(h)
                outs[k].append(h)
        t0 = lap('backbone', t0)
    return [torch.cat(o) for o in outs]

def embed(taps):
    t0 = time.perf_counter()
    _c[0] = time.process_time()
    parts = []
    for f in taps:
        c = pywt.wavedec2(f.numpy(), wavelet, mode='zero', level=level, axes=(-2, -1))
        bands = [c[0]] + [b for lv in reversed(c[1:]) for b in (lv[0], lv[1])]  # LL_J, then LH, HL of levels 1..J
        parts.append(bands)
    hw = min(p[0].shape[-1] for p in parts)
    e = torch.cat([F.interpolate(torch.from_numpy(np.ascontiguousarray(b)), size=(hw, hw), mode='bilinear', align_corners=False)
                   for p in parts for b in p], 1)
    lap('dwt', t0)
    return e

tr, te = features(train), features(test)
X, Z = embed(tr), embed(te)
N, D, H, W = X.shape
P = H * W
t0 = time.perf_counter()
_c[0] = time.process_time()
Xd = X.reshape(N, D, P).double()
mu = Xd.mean(0)
cov = torch.zeros(D, D, P, dtype=torch.float64)
for i in range(0, N, 16):
    xb = Xd[i:i + 16]
    cov += torch.einsum('ndp,nep->dep', xb, xb)
cov = cov / N - torch.einsum('dp,ep->dep', mu, mu) + cov_reg * torch.eye(D, dtype=torch.float64)[:, :, None]
t0 = lap('covariance', t0)
inv = torch.empty_like(cov)
eye = torch.eye(D, dtype=torch.float64)
for p0 in range(0, P, 512):
    A = cov[:, :, p0:p0 + 512].permute(2, 0, 1)
    A = (A + A.transpose(1, 2)) / 2 + 1e-6 * eye
    L = torch.linalg.cholesky(A)
    inv[:, :, p0:p0 + 512] = torch.cholesky_inverse(L).permute(1, 2, 0)
t0 = lap('inversion', t0)
zc = Z.reshape(-1, D, P).double() - mu
dist = torch.einsum('tdp,dep,tep->tp', zc, inv, zc).float().reshape(-1, 1, H, W)
t0 = lap('distance', t0)
up = F.interpolate(dist, size=(224, 224), mode='bilinear', align_corners=False)
r = math.floor(4 * sigma + 0.5)
k = 2 * r + 1
g = torch.exp(-torch.arange(-r, r + 1, dtype=torch.float32) ** 2 / (2 * sigma ** 2))
g = g / g.sum()
k1 = g[:, None].expand(k, k).reshape(1, 1, k, k)
k2 = g[None, :].expand(k, k).reshape(1, 1, k, k)
sm = F.conv2d(F.conv2d(up, k1, padding=r), k2, padding=r)[:, 0]
t0 = lap('smoothing', t0)
gt = np.stack([mask_of(p) for p in masks])
t0 = lap('load', t0)
maps = sm.numpy()
img_auc = roc_auc_score(labels, maps.reshape(len(test), -1).max(1))
pix_auc = roc_auc_score(gt.flatten(), maps.flatten())
lap('metrics', t0)
print(json.dumps({'class': cls, 'n_train': N, 'n_test': len(test), 'D': D, 'P': P, 'phases_s': T, 'phases_cpu_s': C,
                  'image_auroc': float(img_auc), 'pixel_auroc': float(pix_auc), 'torch': torch.__version__, 'threads': threads}))
