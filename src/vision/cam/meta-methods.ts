// CAMs built on another CAM method: Finer-CAM (explain a class against the classes the model confuses it with)
// and Refine-CAM (the product of one method's maps at several layers).
import { tf } from "../../backend";
import type { AnyModel } from "../../model";
import { BaseCAM, minMaxPerImage, type CamContext, type CamOptions } from "./base";
import { GradCAM, GradCAMPlusPlus } from "./gradient-methods";
import { finerWeightedRows } from "./model-targets";
import { resolveTargets, type CamTargets, type ResolvedTargets } from "./targets";

/** A CAM class that a compound method runs (any of CAM_METHODS' constructors). */
export type BaseCamConstructor = new (model: AnyModel, options: CamOptions) => BaseCAM;

export interface FinerCamOptions extends CamOptions {
  /** The method whose maps are compared (default GradCAM, as pytorch-grad-cam). */
  baseMethod?: BaseCamConstructor;
  /** Options for the base method besides targetLayer. */
  baseOptions?: Record<string, unknown>;
  /** How strongly the similar classes are subtracted (default 1). */
  alpha?: number;
  /** Ranks (1 = most similar) of the classes compared against, by |logit − top logit| (default [1, 2, 3]). */
  comparisonCategories?: number[];
}

/**
 * Finer-CAM (Zhang et al. 2025): the base method explaining Σ_j p_j·(z_c − α·z_j) / Σ_j p_j, c the top class and
 * j the classes whose logits are closest to it, so the map shows what tells c apart from its look-alikes.
 * Given targets are used as they are (pytorch-grad-cam does the same). As in pytorch-grad-cam, the look-alike
 * classes are read from the logits of the pass that is then differentiated: Finer-CAM costs what its base costs.
 */
export class FinerCAM extends BaseCAM {
  protected readonly usesGradients: boolean;
  readonly base: BaseCAM;
  readonly alpha: number;
  readonly comparisonCategories: number[];
  /** Whether the ranks were left at their default (then ranks beyond a small model's classes are dropped). */
  private readonly defaultRanks: boolean;

  constructor(model: AnyModel, options: FinerCamOptions) {
    super(model, options);
    const Base = options.baseMethod ?? GradCAM;
    this.base = new Base(model, { ...sharedOptions(options), ...options.baseOptions });
    this.usesGradients = this.base.needsGradients;
    this.alpha = options.alpha ?? 1;
    if (!Number.isFinite(this.alpha)) throw new RangeError(`alpha must be a number, got ${this.alpha}`);
    this.comparisonCategories = options.comparisonCategories ?? [1, 2, 3];
    this.defaultRanks = options.comparisonCategories === undefined;
    if (this.comparisonCategories.some((r) => !Number.isInteger(r) || r < 1)) {
      throw new RangeError(
        `comparisonCategories are ranks of similar classes (1 = most similar), got [${this.comparisonCategories}]`,
      );
    }
  }

  override get name(): string {
    return `FinerCAM(${this.base.name})`;
  }

  protected override optionNames(): string[] {
    return ["baseMethod", "baseOptions", "alpha", "comparisonCategories"];
  }

  protected layerMap(context: CamContext): tf.Tensor3D {
    return this.base.mapAtLayer(context);
  }

  /** Without given targets: from the pass's own logits, each sample's top class against its look-alikes. */
  protected override chooseTargets(targets: CamTargets | undefined, output: tf.Tensor): ResolvedTargets {
    return targets === undefined ? this.finerTargets(output) : resolveTargets(targets, output);
  }

  /** Per sample: the top class against the classes at the comparison ranks of |z − z_top|. */
  private finerTargets(logits: tf.Tensor): ResolvedTargets {
    if (logits.rank !== 2) throw new Error(`FinerCAM needs a [batch, classes] output, got [${logits.shape}]`);
    const rows = logits.arraySync() as number[][];
    const chosen = rows.map((row) => {
      const top = Math.max(...row);
      const order = row
        .map((_, i) => i)
        .sort((a, b) => Math.abs(row[a] - top) - Math.abs(row[b] - top) || a - b);
      const ranks = this.defaultRanks
        ? this.comparisonCategories.filter((r) => r < row.length)
        : this.comparisonCategories;
      const outside = ranks.filter((r) => r >= row.length);
      if (outside.length > 0 || ranks.length === 0) {
        throw new RangeError(`comparisonCategories [${outside}] exceed the model's ${row.length} classes`);
      }
      return { main: order[0], comparisons: ranks.map((r) => order[r]) };
    });
    return finerWeightedRows(
      chosen.map((c) => c.main),
      chosen.map((c) => c.comparisons),
      this.alpha,
    );
  }
}

/** What a compound method hands its base method: the layers, how to reshape them, what to score. */
function sharedOptions(options: CamOptions): CamOptions {
  const shared: CamOptions = { targetLayer: options.targetLayer };
  if (options.reshapeTransform) shared.reshapeTransform = options.reshapeTransform;
  if (options.output !== undefined) shared.output = options.output;
  return shared;
}

export interface RefineCamOptions extends CamOptions {
  /** The method run at each layer (default GradCAMPlusPlus, as pytorch-grad-cam). */
  baseMethod?: BaseCamConstructor;
  baseOptions?: Record<string, unknown>;
}

/**
 * Refine-CAM: the base method's map at each target layer (each scaled to the input and min-maxed), multiplied
 * together, min-maxed: a region survives only where every layer agrees, which denoises early layers.
 */
export class RefineCAM extends BaseCAM {
  protected readonly usesGradients: boolean;
  readonly base: BaseCAM;

  constructor(model: AnyModel, options: RefineCamOptions) {
    super(model, options);
    const Base = options.baseMethod ?? GradCAMPlusPlus;
    this.base = new Base(model, { ...sharedOptions(options), ...options.baseOptions });
    this.usesGradients = this.base.needsGradients;
  }

  override get name(): string {
    return `RefineCAM(${this.base.name})`;
  }

  protected override optionNames(): string[] {
    return ["baseMethod", "baseOptions"];
  }

  protected layerMap(context: CamContext): tf.Tensor3D {
    return this.base.mapAtLayer(context);
  }

  protected override combineLayers(maps: tf.Tensor3D[]): tf.Tensor3D {
    return tf.tidy(() =>
      maps.map((m) => minMaxPerImage(m)).reduce((product, m) => tf.mul(product, m) as tf.Tensor3D),
    );
  }
}
