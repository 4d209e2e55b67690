// Token-shaped layers (vision transformers, MLP-mixers) output [batch, tokens, channels]; CAMs need a grid. As
// pytorch-grad-cam's reshape_transform, a transform turns activations (and their gradients) into [B, h, w, C].
import { tf } from "../../backend";
import type { ReshapeTransform } from "./base";

export interface TokenGridOptions {
  /** Grid height (default: the square root of the patch-token count). */
  height?: number;
  /** Grid width (default: the token count over the height). */
  width?: number;
  /**
   * Whether the first token is a class token to drop (ViT's [CLS]). Default "auto": dropped when the token count
   * is one more than a square (197 = 1 + 14²) and not itself a square.
   */
  classToken?: boolean | "auto";
}

const isSquare = (n: number) => Number.isInteger(Math.sqrt(n));

/**
 * A reshapeTransform for token layers laid out on a grid in row-major order: [B, (1 +) h·w, C] → [B, h, w, C].
 *
 * @example
 * new GradCAM(vit, { targetLayer: "encoder_11/norm1", reshapeTransform: tokensToGrid() })
 */
export function tokensToGrid(options: TokenGridOptions = {}): ReshapeTransform {
  return (activations: tf.Tensor) => {
    if (activations.rank !== 3) {
      throw new RangeError(
        `tokensToGrid expects token activations [batch, tokens, channels], got [${activations.shape}]`,
      );
    }
    const [batch, tokens, channels] = activations.shape;
    const auto = options.classToken ?? "auto";
    const dropFirst = auto === "auto" ? !isSquare(tokens) && isSquare(tokens - 1) : auto;
    const patches = dropFirst ? tokens - 1 : tokens;
    const height = options.height ?? (options.width ? patches / options.width : Math.sqrt(patches));
    const width = options.width ?? patches / height;
    if (!Number.isInteger(height) || !Number.isInteger(width) || height * width !== patches) {
      throw new RangeError(
        `tokensToGrid: ${patches} patch tokens${dropFirst ? " (after the class token)" : ""} do not fill a ` +
          `${options.height ?? "?"}x${options.width ?? "?"} grid; give { height, width } or classToken`,
      );
    }
    const grid = dropFirst ? activations.slice([0, 1, 0], [batch, patches, channels]) : activations;
    return grid.reshape([batch, height, width, channels]);
  };
}
