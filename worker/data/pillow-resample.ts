/**
 * Pillow-faithful resizing of 8-bit images: a port of the logic of Pillow's libImaging/Resample.c (Lanczos,
 * a = 3, support widened by the scale when downscaling, coefficients normalised to sum 1 and then quantised to
 * 22-bit fixed point, two separable passes, horizontal first, with uint8 rounding/clamping in between) and of
 * Geometry.c's ImagingScaleAffine (the NEAREST path of Image.resize). Images are interleaved uint8, row-major.
 */

/** Pillow's PRECISION_BITS = 32 - 8 - 2. */
const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

/** Pillow's lanczos_filter: truncated sinc, support 3. */
export function lanczos3(x: number): number {
  return -3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

export interface ResampleCoefficients {
  /** coefficients per output index, ksize each (zero-padded), quantised to fixed point */
  fixed: Int32Array;
  /** first source index and number of taps, per output index */
  bounds: Int32Array;
  ksize: number;
}

/** precompute_coeffs + normalize_coeffs_8bpc for the whole-image box [0, inSize). */
export function precomputeCoefficients(inSize: number, outSize: number): ResampleCoefficients {
  const support0 = 3;
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = support0 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const fixed = new Int32Array(outSize * ksize);
  const bounds = new Int32Array(outSize * 2);
  const k = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = lanczos3((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? k[x] / ww : k[x];
      // (int)(±0.5 + v * 2^22): C truncation toward zero
      fixed[xx * ksize + x] =
        v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { fixed, bounds, ksize };
}

/** clip8: arithmetic shift then clamp to 0..255. */
function clip8(ss: number): number {
  const v = ss >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function horizontalPass(
  src: RawImage,
  rowFirst: number,
  rowCount: number,
  outWidth: number,
  c: ResampleCoefficients,
): RawImage {
  const ch = src.channels;
  const rowLen = src.width * ch;
  const data = src.data;
  const out = new Uint8Array(outWidth * rowCount * ch);
  const { fixed, bounds, ksize } = c;
  for (let yy = 0; yy < rowCount; yy++) {
    const rowBase = (yy + rowFirst) * rowLen;
    let o = yy * outWidth * ch;
    for (let xx = 0; xx < outWidth; xx++) {
      const start = rowBase + bounds[xx * 2] * ch;
      const taps = bounds[xx * 2 + 1];
      const kOff = xx * ksize;
      if (ch === 3) {
        let s0 = HALF;
        let s1 = HALF;
        let s2 = HALF;
        for (let x = 0, p = start; x < taps; x++, p += 3) {
          const k = fixed[kOff + x];
          s0 += data[p] * k;
          s1 += data[p + 1] * k;
          s2 += data[p + 2] * k;
        }
        out[o++] = clip8(s0);
        out[o++] = clip8(s1);
        out[o++] = clip8(s2);
      } else {
        for (let b = 0; b < ch; b++) {
          let ss = HALF;
          for (let x = 0, p = start + b; x < taps; x++, p += ch) ss += data[p] * fixed[kOff + x];
          out[o++] = clip8(ss);
        }
      }
    }
  }
  return { data: out, width: outWidth, height: rowCount, channels: ch };
}

function verticalPass(src: RawImage, rowOffset: number, outHeight: number, c: ResampleCoefficients): RawImage {
  const rowLen = src.width * src.channels;
  const data = src.data;
  const out = new Uint8Array(rowLen * outHeight);
  const { fixed, bounds, ksize } = c;
  const acc = new Int32Array(rowLen);
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = bounds[yy * 2] - rowOffset;
    const taps = bounds[yy * 2 + 1];
    const kOff = yy * ksize;
    acc.fill(HALF);
    for (let y = 0; y < taps; y++) {
      const k = fixed[kOff + y];
      const base = (ymin + y) * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i] += data[base + i] * k;
    }
    const outBase = yy * rowLen;
    for (let i = 0; i < rowLen; i++) out[outBase + i] = clip8(acc[i]);
  }
  return { data: out, width: src.width, height: outHeight, channels: src.channels };
}

/** Image.resize((outWidth, outHeight), Image.LANCZOS) for 8-bit images with 1..4 independent channels. */
export function resizeLanczos(src: RawImage, outWidth: number, outHeight: number): RawImage {
  if (outWidth < 1 || outHeight < 1)
    throw new RangeError(`resize target must be positive, got ${outWidth}x${outHeight}`);
  if (outWidth === src.width && outHeight === src.height) return { ...src, data: src.data.slice() };
  const needH = outWidth !== src.width;
  const needV = outHeight !== src.height;
  const horiz = precomputeCoefficients(src.width, outWidth);
  const vert = precomputeCoefficients(src.height, outHeight);
  // only the source rows the vertical pass reads get a horizontal pass (as Pillow does)
  const rowFirst = vert.bounds[0];
  const rowLast = vert.bounds[outHeight * 2 - 2] + vert.bounds[outHeight * 2 - 1];
  let img = src;
  let offset = 0;
  if (needH) {
    img = horizontalPass(src, needV ? rowFirst : 0, needV ? rowLast - rowFirst : src.height, outWidth, horiz);
    offset = needV ? rowFirst : 0;
  }
  if (needV) img = verticalPass(img, offset, outHeight, vert);
  return img;
}

/** C's COORD(v): negative values map to -1, others truncate. */
function coord(v: number): number {
  return v < 0 ? -1 : Math.trunc(v);
}

/** Image.resize(size, Image.NEAREST): Pillow's ImagingScaleAffine, including its accumulated source position. */
export function resizeNearest(src: RawImage, outWidth: number, outHeight: number): RawImage {
  if (outWidth === src.width && outHeight === src.height) return { ...src, data: src.data.slice() };
  const ch = src.channels;
  const a0 = src.width / outWidth;
  const a4 = src.height / outHeight;
  const xin = new Int32Array(outWidth);
  let xo = a0 * 0.5;
  for (let x = 0; x < outWidth; x++) {
    const xi = coord(xo);
    xin[x] = xi < src.width ? xi : -1; // Pillow leaves out-of-range pixels at fill value 0
    xo += a0;
  }
  const out = new Uint8Array(outWidth * outHeight * ch);
  let yo = a4 * 0.5;
  for (let y = 0; y < outHeight; y++) {
    const yi = coord(yo);
    yo += a4;
    if (yi < 0 || yi >= src.height) continue;
    const inBase = yi * src.width * ch;
    const outBase = y * outWidth * ch;
    for (let x = 0; x < outWidth; x++) {
      if (xin[x] < 0) continue;
      for (let b = 0; b < ch; b++) out[outBase + x * ch + b] = src.data[inBase + xin[x] * ch + b];
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels: ch };
}
