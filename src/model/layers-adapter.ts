// The model interface for a LayersModel: nodes are its layers (nested models' layers by "outer/inner" path), run
// by the layer-graph walker (vision/graph.ts), which captures or replaces any layer's output without editing the
// model.
import { tf } from "../backend";
import { callLayer, runModel, type RunOptions as WalkOptions } from "../vision/graph";
import { layerPaths, outputDependsOn, resolveLayer, type Layer } from "../vision/layer-paths";
import { endsInRelu, preRelu } from "../vision/relu";
import { positiveGradientsOnly } from "./guided";
import { isBiasLayer, layerBias } from "./layer-bias";
import { foldedCall, foldedInferenceCall, planFolds } from "./folded-convs";
import { probed } from "./probes";
import type {
  BiasNode,
  GradientProbe,
  InspectableModel,
  ModelNode,
  NodeKernel,
  NodeRef,
  RunOptions,
  RunResult,
  Shape,
  TensorSpec,
} from "./types";

class LayerNode implements ModelNode {
  constructor(
    readonly address: string,
    readonly layer: Layer,
  ) {}
  get name(): string {
    return this.layer.name;
  }
  get kind(): string {
    return this.layer.getClassName();
  }
  get endsInRelu(): boolean {
    return endsInRelu(this.layer);
  }
}

const CONV_CLASSES = ["Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose"];

export class LayersModelAdapter implements InspectableModel {
  readonly kind = "layers";
  readonly #byLayer = new Map<Layer, LayerNode>();

  constructor(readonly source: tf.LayersModel) {
    // A Sequential built from a layer list has no node graph until its first predict (tfjs builds it lazily).
    const lazy = source as unknown as { model?: unknown };
    if (source instanceof tf.Sequential && lazy.model == null) source.build();
  }

  get name(): string {
    return this.source.name;
  }

  get inputs(): TensorSpec[] {
    const names = this.source.inputNames;
    return this.source.inputs.map((t, i) => ({ name: names[i] ?? t.name, shape: t.shape, dtype: t.dtype }));
  }

  get outputs(): TensorSpec[] {
    return this.source.outputs.map((t) => ({ name: t.sourceLayer.name, shape: t.shape, dtype: t.dtype }));
  }

  nodes(): ModelNode[] {
    return layerPaths(this.source).map((e) => this.nodeOf(e.layer, e.path));
  }

  resolve(ref: NodeRef): ModelNode {
    return this.nodeOf(resolveLayer(this.source, ref));
  }

  layerOf(node: ModelNode): Layer {
    if (!(node instanceof LayerNode) || this.#byLayer.get(node.layer) !== node) {
      throw new Error(`node "${node.name}" does not belong to model "${this.name}"`);
    }
    return node.layer;
  }

  outputShape(node: ModelNode): Shape | null {
    try {
      const shape = this.layerOf(node).outputShape;
      return Array.isArray(shape[0]) ? null : (shape as Shape);
    } catch {
      return null; // a layer called several times with different shapes has no single output shape
    }
  }

  run(inputs: tf.Tensor[], options: RunOptions = {}): RunResult {
    if (options.inferenceOnly && !options.capture?.length && !options.feed && !options.guided) {
      return { outputs: this.predict(inputs), captured: [] };
    }
    const capture = (options.capture ?? []).map((n) => this.layerOf(n));
    const fed = options.feed && { layer: this.layerOf(options.feed.node), value: options.feed.value };
    // layers whose own outputs the run reads or replaces: never folded away
    const touched = new Set(fed ? [...capture, fed.layer] : capture);
    const walk: WalkOptions = {
      capture,
      stopAfterCapture: options.capturesOnly,
      substitute: fed,
      callLayer: this.callHook(options, capture, touched),
    };
    return runModel(this.source, inputs, walk);
  }

  /**
   * predictOnBatch: tfjs-layers' own executor (fused convolutions, activations freed as soon as they are used),
   * the whole batch at once. Under a gradient tape this path would be slow (fused kernels' gradients also compute
   * the filters'), which is why it is opt-in.
   */
  private predict(inputs: tf.Tensor[]): tf.Tensor[] {
    const out = this.source.predictOnBatch(inputs.length === 1 ? inputs[0] : inputs);
    const list = Array.isArray(out) ? out : [out];
    // an output that is an input (an identity model) is handed back as a copy the caller may dispose
    return list.map((t) => (inputs.includes(t) ? t.clone() : t));
  }

  outputDependsOn(node: ModelNode, outputIndex: number): boolean {
    return outputDependsOn(this.source, this.layerOf(node), outputIndex);
  }

  weights(node: ModelNode): { name: string; value: tf.Tensor }[] {
    return this.layerOf(node).weights.map((w) => ({ name: w.originalName ?? w.name, value: w.read() }));
  }

  kernel(node: ModelNode): NodeKernel | null {
    const layer = this.layerOf(node);
    const kind = layer.getClassName();
    if (!CONV_CLASSES.includes(kind)) return null;
    const variable = layer.weights.find((w) => /(^|\/)(depthwise_)?kernel$/.test(w.originalName ?? w.name));
    if (!variable) throw new Error(`layer "${layer.name}" (${kind}) is not built yet: it has no kernel`);
    const weights = tf.tidy(() => {
      const kernel = variable.read() as tf.Tensor4D;
      const [kh, kw, a, b] = kernel.shape;
      // depthwise [kh, kw, channels, multiplier]: output channel c·multiplier + m sees input channel c only
      if (kind === "DepthwiseConv2D" || kind === "SeparableConv2D") return kernel.reshape([kh, kw, 1, a * b]);
      if (kind === "Conv2DTranspose") return kernel.transpose([0, 1, 3, 2]);
      return kernel.clone();
    }) as tf.Tensor4D;
    return { weights, kind };
  }

  biasNodes(): BiasNode[] {
    return layerPaths(this.source)
      .filter((e) => isBiasLayer(e.layer))
      .map((e) => ({ node: this.nodeOf(e.layer, e.path), bias: () => layerBias(e.layer) }));
  }

  private nodeOf(layer: Layer, path?: string): LayerNode {
    let node = this.#byLayer.get(layer);
    if (!node) {
      const name = path ?? layerPaths(this.source).find((e) => e.layer === layer)?.path ?? layer.name;
      node = new LayerNode(name, layer);
      this.#byLayer.set(layer, node);
    }
    return node;
  }

  /** Guided ReLUs, pre-ReLU captures and gradient probes are each a different way of calling some layers. */
  private callHook(options: RunOptions, capture: Layer[], touched: Set<Layer>): WalkOptions["callLayer"] {
    if (options.probes) {
      if (options.guided || options.preRelu || options.override)
        throw new Error("a run takes probes alone, not with guided, preRelu or override");
      return this.probeHook(options.probes, touched);
    }
    const override = options.override;
    if (override) {
      const chosen = new Set(override.nodes.map((n) => this.layerOf(n)));
      return (layer, inputs, defaultCall) => {
        if (!chosen.has(layer)) return defaultCall();
        const own = (xs: tf.Tensor[]) => callLayer(layer, xs) as tf.Tensor;
        return override.call(this.nodeOf(layer), inputs, own);
      };
    }
    if (!options.guided && !options.preRelu) {
      // nobody differentiates this run: batch norms fold into the convolutions before them
      return options.inferenceOnly ? foldedInferenceCall(planFolds(this.source, touched)) : undefined;
    }
    return (layer, inputs, defaultCall) => {
      if (options.preRelu && capture.includes(layer)) {
        const before = preRelu(layer, inputs);
        if (before) return before;
      }
      const out = defaultCall();
      if (!options.guided || !endsInRelu(layer) || Array.isArray(out)) return out;
      return positiveGradientsOnly(out) as tf.Tensor;
    };
  }

  /**
   * Each probed layer's pre-activation gradient goes to its probes (a shared layer's first call only). Conv2D →
   * BatchNormalization → ReLU chains run folded into one fused op (folded-convs.ts); layers the run captures or
   * feeds are not folded.
   */
  private probeHook(probes: GradientProbe[], touched: Set<Layer>): WalkOptions["callLayer"] {
    const byLayer = new Map<Layer, GradientProbe[]>();
    for (const p of probes)
      byLayer.set(this.layerOf(p.node), [...(byLayer.get(this.layerOf(p.node)) ?? []), p]);
    const receivers = new Map(
      [...byLayer].map(([layer, at]) => [
        layer,
        (g: tf.Tensor) => at.forEach((p, i) => p.receive(i === 0 ? g : tf.keep(g.clone()))),
      ]),
    );
    return foldedCall(planFolds(this.source, touched), receivers, (layer, inputs, receive) =>
      callLayer(layer, inputs, (z) => probed(z, receive)),
    );
  }
}
