// Deep Feature Factorization (Collins et al. 2018, arXiv 1806.10206), as pytorch-grad-cam's dff(): the layer's
// activations of the whole batch, as a channels × positions matrix shifted to be non-negative, factorised by NMF
// into k concepts (W: channels × k, a channel vector per concept) and their maps (H: k × positions). A classifier
// head run on the concept vectors names each concept by its top classes (show_factorization_on_image's legend).
import { tf } from "../../backend";
import { seededRandom } from "../../data/seeded-random";
import type { AnyModel, ModelInputs, ModelNode, NodeRef } from "../../model";
import { BaseCAM, minMaxPerImage, type CamContext, type CamOptions, type ComputeOptions } from "./base";
import { DffResult, type Factorization } from "./dff-result";
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

export { DffResult, type Factorization };
