// Deep Feature Factorization (Collins et al. 2018, arXiv 1806.10206), as pytorch-grad-cam's dff(): the layer's
// activations of the whole batch, as a channels × positions matrix shifted to be non-negative, factorised by NMF
// into k concepts (W: channels × k, a channel vector per concept) and their maps (H: k × positions). A classifier
// head run on the concept vectors names each concept by its top classes (show_factorization_on_image's legend).
import { tf } from "../../backend";
import { seededRandom } from "../../data/seeded-random";
import { DISPLAY_SYMBOL, type MimeBundle } from "../../display";
import { renderGrid, type GridTile } from "../../image/grid";
import { encodePng, type RgbaImage } from "../../image/png";
import { imageShape } from "../../image/tensor-image";
import type { AnyModel, ModelInputs, ModelNode, NodeRef } from "../../model";
import { BaseCAM, minMaxPerImage, type CamContext, type CamOptions, type ComputeOptions } from "./base";
import { CamResult, type CamResultInit } from "./result";
import { checkOptionNames } from "./smoothing";

export interface DffOptions extends CamOptions {
  /** Concepts to factorise into (default 5, run_dff_on_image's). */
  components?: number;
  /** Maps concept vectors [k, channels] to class scores: a layer of the model (e.g. the final Dense) or a function. */
  classifier?: NodeRef | ((concepts: tf.Tensor2D) => tf.Tensor);
  /** Class names for the legend (default "class i"). */
  labels?: string[];
  /** Classes named per concept (default 2). */
  topK?: number;
  /** NMF iterations (default 200, scikit-learn's max_iter) and seed of its random start (default 0). */
  iterations?: number;
  seed?: number;
}

/**
 * NMF V ≈ W·H (Frobenius, Lee & Seung multiplicative updates) from a seeded random start scaled as scikit-learn's
 * init="random": √(mean(V)/k)·U(0,1). V [m, n] ≥ 0.
 */
export function nmf(
  v: tf.Tensor2D,
  k: number,
  iterations: number,
  seed: number,
): { w: tf.Tensor2D; h: tf.Tensor2D } {
  const [m, n] = v.shape;
  const random = seededRandom(seed);
  const scale = Math.sqrt(
    Math.max(
      tf.tidy(() => v.mean().dataSync()[0]),
      1e-12,
    ) / k,
  );
  let w = tf.tensor2d(
    Float32Array.from({ length: m * k }, () => scale * random()),
    [m, k],
  );
  let h = tf.tensor2d(
    Float32Array.from({ length: k * n }, () => scale * random()),
    [k, n],
  );
  const eps = 1e-10;
  for (let i = 0; i < iterations; i++) {
    const nextH = tf.tidy(() =>
      tf.mul(
        h,
        tf.div(tf.matMul(w, v, true, false), tf.add(tf.matMul(tf.matMul(w, w, true, false), h), eps)),
      ),
    ) as tf.Tensor2D;
    h.dispose();
    h = nextH;
    const nextW = tf.tidy(() =>
      tf.mul(
        w,
        tf.div(tf.matMul(v, h, false, true), tf.add(tf.matMul(w, tf.matMul(h, h, false, true)), eps)),
      ),
    ) as tf.Tensor2D;
    w.dispose();
    w = nextW;
  }
  return { w, h };
}

export class DeepFeatureFactorization extends BaseCAM {
  protected readonly usesGradients = false;
  readonly components: number;
  private readonly options: DffOptions;

  private readonly classifierNode: ModelNode | null = null;

  constructor(model: AnyModel, options: DffOptions) {
    super(model, options);
    if (this.layers.length !== 1) throw new RangeError("DeepFeatureFactorization explains one target layer");
    const k = options.components ?? 5;
    if (!Number.isInteger(k) || k < 1)
      throw new RangeError(`components must be a positive integer, got ${k}`);
    this.components = k;
    if (options.classifier !== undefined && typeof options.classifier !== "function") {
      this.classifierNode = this.model.resolve(options.classifier);
      linearWeights(this.model.weights(this.classifierNode), this.classifierNode.name);
    }
    this.options = options;
  }

  protected override optionNames(): string[] {
    return ["components", "classifier", "labels", "topK", "iterations", "seed"];
  }

  /** The activations themselves (summed): DFF's maps come from the factorisation, not from this. */
  protected layerMap(context: CamContext): tf.Tensor3D {
    return tf.sum(context.activations, 3) as tf.Tensor3D;
  }

  /** Factorises the batch's activations; `heatmap` is each pixel's strongest concept. Targets are not used. */
  override compute(input: ModelInputs, options: ComputeOptions = {}): DffResult {
    checkOptionNames(options, ["targets"], `${this.name}.compute`);
    const inputs = this.checkInputs(input);
    const x = inputs[this.imageInput] as tf.Tensor4D;
    const captured = this.model.run(inputs, { capture: [this.layer], capturesOnly: true }).captured[0];
    const activations = (
      this.reshapeTransform ? tf.tidy(() => this.reshapeTransform!(captured)) : captured
    ) as tf.Tensor4D;
    if (activations !== captured) captured.dispose();
    if (activations.rank !== 4) {
      activations.dispose();
      throw new Error(
        `${this.name}: layer "${this.layer.name}" gives [${activations.shape}], but DFF needs [batch, height, width, channels]`,
      );
    }
    const [batch, h, w, channels] = activations.shape;
    const k = this.components;
    const { offset, v } = tf.tidy(() => {
      const matrix = tf.transpose(tf.reshape(activations, [batch * h * w, channels])) as tf.Tensor2D;
      const low = tf.min(matrix, 1, true);
      return { offset: low, v: tf.sub(matrix, low) as tf.Tensor2D };
    });
    activations.dispose();
    const { w: wConcepts, h: hMaps } = nmf(v, k, this.options.iterations ?? 200, this.options.seed ?? 0);
    const concepts = tf.tidy(() => tf.add(wConcepts, offset) as tf.Tensor2D);
    tf.dispose([v, offset, wConcepts]);
    const size: [number, number] = [x.shape[1], x.shape[2]];
    const [raw, explanations, heatmap] = tf.tidy(() => {
      const maps = tf.reshape(hMaps, [k, batch, h, w]).transpose([1, 0, 2, 3]) as tf.Tensor4D;
      const scaled = minMaxPerImage(maps.reshape([batch * k, h, w]) as tf.Tensor3D).expandDims(
        3,
      ) as tf.Tensor4D;
      const sized = tf.image
        .resizeBilinear(scaled, size, false, true)
        .reshape([batch, k, ...size]) as tf.Tensor4D;
      return [maps.max(1) as tf.Tensor3D, sized, minMaxPerImage(sized.max(1) as tf.Tensor3D)];
    });
    hMaps.dispose();
    let conceptScores: number[][] | null;
    try {
      conceptScores = this.classify(concepts);
    } catch (error) {
      tf.dispose([concepts, raw, explanations, heatmap]);
      throw error;
    }
    return new DffResult(
      { method: this.name, layer: this.layer.name, heatmap, raw, classes: null, scores: [], input: x },
      { concepts, explanations, conceptScores, labels: this.options.labels, topK: this.options.topK ?? 2 },
    );
  }

  /** Softmax class scores per concept [k, classes], or null without a classifier. */
  private classify(concepts: tf.Tensor2D): number[][] | null {
    const classifier = this.options.classifier;
    if (classifier === undefined) return null;
    const node = this.classifierNode;
    return tf.tidy(() => {
      const vectors = tf.transpose(concepts) as tf.Tensor2D;
      const out =
        typeof classifier === "function" || node === null
          ? (classifier as (c: tf.Tensor2D) => tf.Tensor)(vectors)
          : applyLinear(vectors, linearWeights(this.model.weights(node), node.name));
      if (out.rank !== 2 || out.shape[0] !== this.components) {
        throw new Error(
          `the DFF classifier must map concepts [${this.components}, channels] to scores [${this.components}, classes], got [${out.shape}]`,
        );
      }
      return tf.softmax(out).arraySync() as number[][];
    });
  }
}

/**
 * A classifier node's kernel [channels, classes] and bias: the weights of a Dense layer (or a graph's MatMul).
 * Applied without the layer's activation, as pytorch-grad-cam applies the model's final Linear to the concepts.
 */
function linearWeights(
  weights: { name: string; value: tf.Tensor }[],
  node: string,
): { kernel: tf.Tensor2D; bias: tf.Tensor1D | null } {
  const kernel = weights.find((w) => w.value.rank === 2);
  if (!kernel) {
    throw new Error(
      `the DFF classifier "${node}" has no 2-D kernel (a Dense layer or MatMul node is expected); ` +
        "pass a function (concepts) => scores instead",
    );
  }
  const bias = weights.find((w) => w.value.rank === 1);
  return { kernel: kernel.value as tf.Tensor2D, bias: (bias?.value as tf.Tensor1D | undefined) ?? null };
}

function applyLinear(
  vectors: tf.Tensor2D,
  { kernel, bias }: { kernel: tf.Tensor2D; bias: tf.Tensor1D | null },
): tf.Tensor {
  const product = tf.matMul(vectors, kernel);
  return bias ? tf.add(product, bias) : product;
}

export interface Factorization {
  /** Concept vectors [channels, k] (W + the per-channel offset, as pytorch-grad-cam returns them). */
  concepts: tf.Tensor2D;
  /** Each concept's map per image [B, k, H, W], min-maxed per map, at the input's size. */
  explanations: tf.Tensor4D;
  /** Softmax class scores per concept [k][classes], when a classifier was given. */
  conceptScores: number[][] | null;
  labels?: string[];
  topK: number;
}

/** Hues evenly spaced round the colour wheel (gist_rainbow-like), one per concept. */
function conceptColour(i: number, k: number): [number, number, number] {
  const hue = (i / k) * 300;
  const c = (n: number) => {
    const t = (n + hue / 60) % 6;
    return Math.max(0, Math.min(1, Math.abs(t - 3) - 1));
  };
  return [c(5), c(3), c(1)];
}

/** A DFF's concepts, their maps and (with a classifier) their top classes; pictured as show_factorization_on_image. */
export class DffResult extends CamResult {
  readonly concepts: tf.Tensor2D;
  readonly explanations: tf.Tensor4D;
  readonly conceptScores: number[][] | null;
  readonly #labels?: string[];
  readonly #topK: number;

  constructor(init: CamResultInit, factorization: Factorization) {
    super(init);
    this.concepts = factorization.concepts;
    this.explanations = factorization.explanations;
    this.conceptScores = factorization.conceptScores;
    this.#labels = factorization.labels;
    this.#topK = factorization.topK;
  }

  override dispose(): void {
    super.dispose();
    tf.dispose([this.concepts, this.explanations]);
  }

  /** Per concept: "name 0.62, name 0.21" for its top classes (create_labels_legend), or "concept i". */
  conceptLabels(): string[] {
    const k = this.explanations.shape[1];
    return Array.from({ length: k }, (_, i) => {
      const scores = this.conceptScores?.[i];
      if (!scores) return `concept ${i}`;
      const top = scores
        .map((p, c) => ({ p, c }))
        .sort((a, b) => b.p - a.p)
        .slice(0, this.#topK);
      return top.map(({ p, c }) => `${this.#labels?.[c] ?? `class ${c}`} ${p.toFixed(2)}`).join(", ");
    });
  }

  /**
   * Image `index` with each pixel coloured by its strongest concept, brightness = that concept's map, blended as
   * show_factorization_on_image: image·w + mask·(1 − w) (w = imageWeight, default 0.5).
   */
  factorizationRgba(images: tf.Tensor, index = 0, imageWeight = 0.5): RgbaImage {
    const [, k, height, width] = this.explanations.shape;
    const image = tf.tidy(() => (images.rank === 4 ? images.slice([index], [1]).squeeze([0]) : images));
    const [h, w, c] = imageShape(image.shape, "DFF image");
    const pixels = image.dataSync();
    if (image !== images) image.dispose();
    if (h !== height || w !== width)
      throw new RangeError(`the image is ${h}x${w} but the maps are ${height}x${width}`);
    const maps = tf.tidy(() => this.explanations.slice([index], [1]).squeeze([0]).dataSync());
    const data = new Uint8ClampedArray(h * w * 4);
    for (let p = 0; p < h * w; p++) {
      let best = 0;
      for (let i = 1; i < k; i++) if (maps[i * h * w + p] > maps[best * h * w + p]) best = i;
      const colour = conceptColour(best, k);
      const strength = maps[best * h * w + p];
      for (let ch = 0; ch < 3; ch++) {
        const pixel = pixels[p * c + (c === 1 ? 0 : ch)];
        data[p * 4 + ch] = Math.floor(
          255 * (pixel * imageWeight + colour[ch] * strength * (1 - imageWeight)),
        );
      }
      data[p * 4 + 3] = 255;
    }
    return { width: w, height: h, data };
  }

  /** Swatches of the concept colours labelled with their top classes (the legend). */
  legendTiles(): GridTile[] {
    const k = this.explanations.shape[1];
    return this.conceptLabels().map((label, i) => {
      const [r, g, b] = conceptColour(i, k);
      const data = new Uint8ClampedArray(16 * 16 * 4);
      for (let p = 0; p < 256; p++) data.set([r * 255, g * 255, b * 255, 255], p * 4);
      return { image: { width: 16, height: 16, data }, label };
    });
  }

  /** The concept maps of every image (gray) and the legend; `factorizationRgba` blends them with the image. */
  override toRgba(): RgbaImage {
    const [batch, k, height, width] = this.explanations.shape;
    const tiles: GridTile[] = [];
    const values = this.explanations.dataSync();
    for (let b = 0; b < Math.min(batch, 4); b++) {
      const data = new Uint8ClampedArray(height * width * 4);
      for (let p = 0; p < height * width; p++) {
        let best = 0;
        for (let i = 1; i < k; i++)
          if (values[(b * k + i) * height * width + p] > values[(b * k + best) * height * width + p])
            best = i;
        const [r, g, bl] = conceptColour(best, k);
        const s = values[(b * k + best) * height * width + p];
        data.set([r * s * 255, g * s * 255, bl * s * 255, 255], p * 4);
      }
      tiles.push({ image: { width, height, data }, label: `image ${b}` });
    }
    return renderGrid([...tiles, ...this.legendTiles()], {
      columns: Math.min(batch, 4) + 1,
      title: `Deep Feature Factorization at "${this.layer}": ${k} concepts`,
    });
  }

  override png(): Buffer {
    return encodePng(this.toRgba());
  }

  override toString(): string {
    const [batch, k] = this.explanations.shape;
    return (
      `DeepFeatureFactorization at layer "${this.layer}": ${k} concepts over ${batch} image(s)\n` +
      this.conceptLabels()
        .map((l, i) => `  concept ${i}: ${l}`)
        .join("\n")
    );
  }

  override [DISPLAY_SYMBOL](): MimeBundle {
    return { "text/plain": this.toString(), "image/png": this.png().toString("base64") };
  }
}
