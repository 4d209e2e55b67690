// The model interface for a GraphModel (tf.loadGraphModel: converted SavedModels, TF Hub, @tensorflow-models):
// nodes are the graph's ops, named by full name, unique suffix or name scope. The model's own executor runs it:
// `execute(inputs, [inner nodes])` captures activations; feeding an inner node's value with the inputs runs the
// rest of the graph from it (the executor stops at fed nodes), which is what gradients at a layer need.
import { tf } from "../backend";
import {
  asyncOps,
  endsInRelu,
  executionOrder,
  graphOf,
  isOp,
  nodeNameOf,
  type OpNode,
} from "./graph-topology";
import { flattenScopes, scopeTree, type ScopeRow } from "./graph-scopes";
import { CONV_OPS } from "./graph-topology";
import { guidedExecute } from "./guided";
import { graphBiasOf, probedExecute } from "./probes";
import { overriddenExecute } from "./override";
import { resolveGraphNode, shortestUniqueSuffixes } from "./graph-names";
import type {
  BiasNode,
  InspectableModel,
  ModelNode,
  NodeKernel,
  NodeRef,
  RunOptions,
  RunResult,
  Shape,
  TensorSpec,
} from "./types";

class GraphNode implements ModelNode {
  constructor(
    readonly op: OpNode,
    /** The shortest suffix of the name that names it alone. */
    readonly address: string,
  ) {}
  get name(): string {
    return this.op.name;
  }
  get kind(): string {
    return this.op.op;
  }
  get endsInRelu(): boolean {
    return endsInRelu(this.op);
  }
}

const specShape = (shape: number[] | undefined): Shape => (shape ?? []).map((d) => (d < 0 ? null : d));

export class GraphModelAdapter implements InspectableModel {
  readonly kind = "graph";
  readonly order: OpNode[];
  readonly #nodes: GraphNode[];
  readonly #byOp: Map<OpNode, GraphNode>;
  #scopes?: ScopeRow[];
  #shapes?: Map<OpNode, Shape> | null;
  readonly #resolved = new Map<string, GraphNode>();

  constructor(readonly source: tf.GraphModel) {
    this.order = executionOrder(graphOf(source)).filter(isOp);
    const addresses = shortestUniqueSuffixes(this.order.map((n) => n.name));
    this.#nodes = this.order.map((op, i) => new GraphNode(op, addresses[i]));
    this.#byOp = new Map(this.#nodes.map((n) => [n.op, n]));
  }

  get name(): string {
    return "GraphModel";
  }

  get inputs(): TensorSpec[] {
    return this.source.inputs.map((t) => ({
      name: nodeNameOf(t.name),
      shape: specShape(t.shape),
      dtype: t.dtype,
    }));
  }

  get outputs(): TensorSpec[] {
    return this.source.outputs.map((t) => ({
      name: nodeNameOf(t.name),
      shape: t.shape ? specShape(t.shape) : this.probedOutputShape(nodeNameOf(t.name)),
      dtype: t.dtype,
    }));
  }

  /** A graph without a signature declares no output shapes: one run on zeros tells them (batch left open). */
  private probedOutputShape(name: string): Shape {
    const op = graphOf(this.source).nodes[name];
    const shape = op && this.#byOp.has(op) ? this.outputShape(this.nodeOf(op)) : null;
    return shape ? [null, ...shape.slice(1)] : [];
  }

  nodes(): ModelNode[] {
    return this.#nodes;
  }

  /** The name scopes as a tree (the summary's rows; an index counts the top level). */
  scopes(): ScopeRow[] {
    return (this.#scopes ??= scopeTree(this.order));
  }

  resolve(ref: NodeRef): ModelNode {
    if (typeof ref === "number") {
      const top = this.scopes();
      const index = ref < 0 ? top.length + ref : ref;
      if (!Number.isInteger(ref) || index < 0 || index >= top.length) {
        throw new RangeError(
          `node index ${ref} is outside this GraphModel, whose summary has ${top.length} top-level rows ` +
            `(0..${top.length - 1}): ${top.map((r) => `"${r.label}"`).join(", ")}`,
        );
      }
      return this.nodeOf(top[index].output);
    }
    if (typeof ref !== "string") {
      throw new TypeError(
        `a GraphModel's node is named by a string (full name, unique suffix or name scope) or indexed by a number, got ${typeof ref === "object" ? "a layer object" : typeof ref}`,
      );
    }
    // names are resolved once per adapter: features resolve the same names on every call
    let node = this.#resolved.get(ref);
    if (!node) {
      node = this.nodeOf(resolveGraphNode(this.order, flattenScopes(this.scopes()), ref));
      this.#resolved.set(ref, node);
    }
    return node;
  }

  nodeOf(op: OpNode): GraphNode {
    const node = this.#byOp.get(op);
    if (!node) throw new Error(`internal: "${op.name}" is not an op of this GraphModel`);
    return node;
  }

  opOf(node: ModelNode): OpNode {
    if (!(node instanceof GraphNode) || this.#byOp.get(node.op) !== node) {
      throw new Error(`node "${node.name}" does not belong to this GraphModel`);
    }
    return node.op;
  }

  outputShape(node: ModelNode, options: { run?: boolean } = {}): Shape | null {
    if (this.#shapes === undefined && options.run === false) return null;
    if (this.#shapes === undefined) this.#shapes = this.probeShapes();
    return this.#shapes?.get(this.opOf(node)) ?? null;
  }

  /** Every op's output shape from one run on zeros with batch 1, when the inputs' other sizes are static. */
  private probeShapes(): Map<OpNode, Shape> | null {
    const shapes = this.inputs.map((s) => s.shape.map((d, i) => (i === 0 && d === null ? 1 : d)));
    if (shapes.some((s) => s.includes(null)) || asyncOps(this.order).length > 0) return null;
    const result = new Map<OpNode, Shape>();
    try {
      tf.tidy(() => {
        const feeds = this.inputs.map((s, i) => tf.zeros(shapes[i] as number[], s.dtype));
        const values = this.source.execute(
          feeds,
          this.order.map((n) => n.name),
        ) as tf.Tensor[];
        this.order.forEach((n, i) => result.set(n, values[i].shape));
      });
    } catch {
      return null; // a graph that does not run on zeros: shapes are learnt when it runs on the user's input
    }
    return result;
  }

  run(inputs: tf.Tensor[], options: RunOptions = {}): RunResult {
    this.checkSync();
    const feeds: tf.NamedTensorMap = {};
    this.inputs.forEach((spec, i) => (feeds[spec.name] = inputs[i]));
    if (options.feed) feeds[this.opOf(options.feed.node).name] = options.feed.value;
    const captured = (options.capture ?? []).map((n) => this.captureName(n, options.preRelu));
    const outputNames = options.capturesOnly ? [] : this.outputs.map((o) => o.name);
    const names = [...new Set([...outputNames, ...captured])];
    const given = new Set(Object.values(feeds));
    if (options.guided && options.probes) throw new Error("a run takes guided gates or probes, not both");
    const probes = options.probes?.map((p) => ({ op: this.opOf(p.node), receive: p.receive }));
    const values = tf.tidy(() => {
      const list = probes
        ? probedExecute(this.source, this.order, feeds, names, probes)
        : options.guided
          ? guidedExecute(this.source, this.order, feeds, names)
          : options.override
            ? overriddenExecute(
                this.source,
                this.order,
                feeds,
                names,
                options.override,
                (op) => this.nodeOf(op),
                (node) => this.opOf(node),
              )
            : (this.source.execute(feeds, names) as tf.Tensor | tf.Tensor[]);
      // fed tensors come back as they are; the caller gets copies it may dispose
      return (Array.isArray(list) ? list : [list]).map((t) => (given.has(t) ? t.clone() : t));
    });
    // a node asked for twice (an output also captured) is handed out as two tensors
    const handed = new Set<string>();
    const own = (name: string) => {
      const value = values[names.indexOf(name)];
      if (handed.has(name)) return value.clone();
      handed.add(name);
      return value;
    };
    return { outputs: outputNames.map(own), captured: captured.map(own) };
  }

  outputDependsOn(node: ModelNode, outputIndex: number): boolean {
    const target = this.opOf(node);
    const output = graphOf(this.source).nodes[this.outputs[outputIndex].name];
    const seen = new Set<OpNode>();
    const stack = [output];
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (at === target) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      stack.push(...at.inputs);
    }
    return false;
  }

  describePath(node: ModelNode): string {
    const op = this.opOf(node);
    const quote = (ops: OpNode[]) =>
      ops
        .filter(isOp)
        .map((n) => `"${n.name}"`)
        .join(", ");
    const consumers = this.order.filter((n) => n.inputs.includes(op));
    return [quote(op.inputs), `"${op.name}"`, quote(consumers)].filter((s) => s !== "").join(" → ");
  }

  weights(node: ModelNode): { name: string; value: tf.Tensor }[] {
    return this.opOf(node)
      .inputs.filter((i) => i.op === "Const" && this.source.weights[i.name]?.[0])
      .map((i) => ({ name: i.name, value: this.source.weights[i.name][0] }));
  }

  kernel(node: ModelNode): NodeKernel | null {
    const conv = this.convOf(this.opOf(node));
    if (!conv) return null;
    const weight = conv.inputs.find((i) => i.op === "Const" && this.source.weights[i.name]?.[0]?.rank === 4);
    if (!weight) return null;
    const values = this.source.weights[weight.name][0] as tf.Tensor4D;
    const weights = tf.tidy(() => {
      const [kh, kw, a, b] = values.shape;
      if (conv.op.includes("Depthwise")) return values.reshape([kh, kw, 1, a * b]) as tf.Tensor4D;
      if (conv.op === "Conv2DBackpropInput") return values.transpose([0, 1, 3, 2]) as tf.Tensor4D;
      return values.toFloat().clone() as tf.Tensor4D;
    });
    return { weights, kind: conv.op };
  }

  biasNodes(): BiasNode[] {
    return this.#nodes.flatMap((node) => {
      const bias = graphBiasOf(node.op, this.source.weights);
      return bias ? [{ node, bias }] : [];
    });
  }

  /** The convolution a node is or directly follows (a Relu after a BiasAdd after a Conv2D). */
  private convOf(op: OpNode): OpNode | null {
    let at: OpNode | undefined = op;
    for (let step = 0; at && step < 4; step++) {
      if (CONV_OPS.has(at.op)) return at;
      at = at.inputs.find(isOp);
    }
    return null;
  }

  /** What to fetch for a captured node: for pre-ReLU values, a standalone ReLU's input. */
  private captureName(node: ModelNode, preRelu: boolean | undefined): string {
    const op = this.opOf(node);
    if (preRelu && (op.op === "Relu" || op.op === "Relu6") && op.inputs.length === 1 && isOp(op.inputs[0])) {
      return op.inputs[0].name;
    }
    return op.name;
  }

  private checkSync(): void {
    const dynamic = asyncOps(this.order);
    if (dynamic.length > 0) {
      const ops = dynamic.slice(0, 5).map((n) => `"${n.name}" (${n.op})`);
      throw new Error(
        `this GraphModel has control-flow or dynamic ops that tfjs runs only with executeAsync: ${ops.join(", ")}` +
          `${dynamic.length > 5 ? ", …" : ""}; tensorscope's activations and gradients need a graph that model.execute() can run`,
      );
    }
  }
}
