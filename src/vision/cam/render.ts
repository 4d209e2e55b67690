// A CAM result as a picture: one row per image with the input, the heatmap (jet, blue = 0, red = 1) and the
// heatmap over the input (pytorch-grad-cam's show_cam_on_image), enlarged to at least 128 px and labelled with
// the class and score, as the saliency results are drawn.
import { tf } from "../../backend";
import { renderGrid, formatTick, type GridTile } from "../../image/grid";
import { heatmapToRgba, tensorToRgba } from "../../image/tensor-image";
import { overlayToRgba } from "../../image/overlay";
import type { RgbaImage } from "../../image/png";

/** How many images the picture shows; the tensors keep them all. */
export const MAX_SHOWN = 8;
const MIN_TILE = 128;

export interface CamPicture {
  method: string;
  layer: string;
  /** [B,H,W] in [0,1]. */
  heatmap: tf.Tensor3D;
  /** The first images of the input batch (at most MAX_SHOWN), or null when the result was made without them. */
  shown: tf.Tensor4D | null;
  classes: number[] | null;
  scores: number[];
}

/** One image in [0, 1] with 1, 3 or 4 channels: min-max scaled, other channel counts shown as their mean. */
function displayable(input: tf.Tensor4D, b: number): tf.Tensor3D {
  return tf.tidy(() => {
    const sample = input.slice(b, 1).squeeze([0]) as tf.Tensor3D;
    const x = [1, 3, 4].includes(sample.shape[2]) ? sample : (sample.mean(2, true) as tf.Tensor3D);
    const lo = x.min();
    return tf.div(tf.sub(x, lo), tf.maximum(tf.sub(x.max(), lo), 1e-12)) as tf.Tensor3D;
  });
}

export function targetLabel(classes: number[] | null, scores: number[], b: number): string {
  const what = classes ? `class ${classes[b]}` : "target";
  return `${what}, score ${formatTick(scores[b])}`;
}

/** The labelled tiles, row by row: input, heatmap, overlay per image (the heatmap alone without the input). */
export function camTiles(cam: CamPicture): GridTile[] {
  if (cam.heatmap.isDisposed) throw new Error("this CAM result was disposed before it was drawn");
  const count = Math.min(cam.heatmap.shape[0], MAX_SHOWN);
  const tiles: GridTile[] = [];
  for (let b = 0; b < count; b++) {
    const heat = tf.tidy(() => cam.heatmap.slice(b, 1).squeeze([0]));
    const label = targetLabel(cam.classes, cam.scores, b);
    const heatTile = heatmapToRgba(heat, { colormap: "jet", range: { min: 0, max: 1 } });
    if (cam.shown) {
      const image = displayable(cam.shown, b);
      tiles.push({ image: tensorToRgba(image), label });
      tiles.push({ image: heatTile, label: "heatmap" });
      tiles.push({ image: overlayToRgba(image, heat), label: "overlay" });
      image.dispose();
    } else {
      tiles.push({ image: heatTile, label });
    }
    heat.dispose();
  }
  return tiles;
}

export function renderCamPicture(cam: CamPicture): RgbaImage {
  const tiles = camTiles(cam);
  const batch = cam.heatmap.shape[0];
  const count = Math.min(batch, MAX_SHOWN);
  const more = batch > count ? ` (first ${count} of ${batch})` : "";
  return renderGrid(tiles, {
    columns: cam.shown ? 3 : Math.min(count, 4),
    title: `${cam.method} at layer "${cam.layer}"${more}`,
    minTileSize: MIN_TILE,
  });
}
