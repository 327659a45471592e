import { InvalidArgumentError } from "../../engine/errors.ts";
import type { Rng } from "../math/rng.ts";
import { normalCdf } from "../math/special.ts";

export interface CameraOptions {
  /** @default 64 */
  width?: number;
  /** @default 48 */
  height?: number;
  /** Pixel pitch at the sample, mm. @default 0.008 */
  pixelSizeMm?: number;
  /** Counts per photon reaching the screen (after attenuators and scintillator). @default 1e-7 */
  countsPerPhoton?: number;
  /** Dark level per pixel, counts. @default 20 */
  darkLevel?: number;
  /** Read noise per pixel, counts RMS. @default 3 */
  readNoise?: number;
  /** ADC full scale, counts. @default 4095 */
  saturation?: number;
}

export const DEFAULT_CAMERA: Required<CameraOptions> = {
  width: 64,
  height: 48,
  pixelSizeMm: 0.008,
  countsPerPhoton: 1e-7,
  darkLevel: 20,
  readNoise: 3,
  saturation: 4095,
};

/** A frame: row-major, `data[y * width + x]`. */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** The beam spot on the screen: centre and σ (mm, relative to the image centre), photons/s. */
export interface Spot {
  centreXMm: number;
  centreYMm: number;
  sigmaXMm: number;
  sigmaYMm: number;
  photonsPerS: number;
}

function pixelFractions(n: number, pixel: number, centre: number, sigma: number, out: Float64Array): void {
  // Integrate the Gaussian over each pixel so a spot narrower than a pixel keeps its total.
  const x0 = -(n * pixel) / 2;
  let prev = normalCdf((x0 - centre) / sigma);
  for (let i = 0; i < n; i++) {
    const next = normalCdf((x0 + (i + 1) * pixel - centre) / sigma);
    out[i] = next - prev;
    prev = next;
  }
}

/** An areaDetector-like camera: a Gaussian spot, shot noise, dark level, read noise and ADC saturation. */
export class Camera {
  readonly options: Required<CameraOptions>;
  private readonly fx: Float64Array;
  private readonly fy: Float64Array;

  constructor(options: CameraOptions = {}) {
    this.options = { ...DEFAULT_CAMERA, ...options };
    const o = this.options;
    if (!(Number.isInteger(o.width) && o.width > 0 && Number.isInteger(o.height) && o.height > 0)) {
      throw new InvalidArgumentError(`camera size must be positive integers, got ${o.width}x${o.height}`, [o.width, o.height]);
    }
    this.fx = new Float64Array(o.width);
    this.fy = new Float64Array(o.height);
  }

  /** Noise-free expected counts per pixel. */
  expectedImage(spot: Spot, exposureS: number): Image {
    const o = this.options;
    pixelFractions(o.width, o.pixelSizeMm, spot.centreXMm, spot.sigmaXMm, this.fx);
    // Image rows run top to bottom; a beam moving up moves to smaller row numbers.
    pixelFractions(o.height, o.pixelSizeMm, -spot.centreYMm, spot.sigmaYMm, this.fy);
    const total = spot.photonsPerS * exposureS * o.countsPerPhoton;
    const data = new Float32Array(o.width * o.height);
    for (let y = 0; y < o.height; y++) {
      const ry = total * this.fy[y]!;
      for (let x = 0; x < o.width; x++) data[y * o.width + x] = o.darkLevel + ry * this.fx[x]!;
    }
    return { width: o.width, height: o.height, data };
  }

  /** One noisy frame. */
  acquire(spot: Spot, exposureS: number, rng: Rng): Image {
    if (!(exposureS >= 0) || !Number.isFinite(exposureS)) throw new InvalidArgumentError(`camera exposure must be a finite number >= 0 s, got ${exposureS}`, exposureS);
    const o = this.options;
    const image = this.expectedImage(spot, exposureS);
    const d = image.data;
    for (let i = 0; i < d.length; i++) {
      const signal = d[i]! - o.darkLevel;
      const shot = signal > 0 ? rng.poisson(signal) : 0;
      d[i] = Math.min(o.saturation, Math.max(0, Math.round(o.darkLevel + shot + o.readNoise * rng.gaussian())));
    }
    return image;
  }
}

/** Stats plugin results, in pixels and counts (areaDetector NDPluginStats names in comments). */
export interface ImageStats {
  /** Total_RBV: sum of all pixels. */
  total: number;
  /** MaxValue_RBV */
  max: number;
  /** MinValue_RBV */
  min: number;
  /** MeanValue_RBV */
  mean: number;
  /** Net: total minus the threshold times the pixel count. */
  net: number;
  /** CentroidX_RBV, pixels. */
  centroidX: number;
  centroidY: number;
  /** SigmaX_RBV, pixels. */
  sigmaX: number;
  sigmaY: number;
}

/**
 * Statistics of a frame. Centroid and σ use the pixels above `threshold`, each weighted by its value minus
 * the threshold (so a dark level at the threshold does not widen the spot); NaN when nothing is above it.
 */
export function imageStats(image: Image, threshold = 0): ImageStats {
  const { width, height, data } = image;
  let total = 0;
  let max = -Infinity;
  let min = Infinity;
  let w = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x]!;
      total += v;
      if (v > max) max = v;
      if (v < min) min = v;
      const q = v - threshold;
      if (q > 0) {
        w += q;
        sx += q * x;
        sy += q * y;
        sxx += q * x * x;
        syy += q * y * y;
      }
    }
  }
  const cx = w > 0 ? sx / w : NaN;
  const cy = w > 0 ? sy / w : NaN;
  return {
    total,
    max,
    min,
    mean: total / data.length,
    net: total - threshold * data.length,
    centroidX: cx,
    centroidY: cy,
    sigmaX: w > 0 ? Math.sqrt(Math.max(0, sxx / w - cx * cx)) : NaN,
    sigmaY: w > 0 ? Math.sqrt(Math.max(0, syy / w - cy * cy)) : NaN,
  };
}
