// Puts several pictures side by side (e.g. every CAM method's overlay), labelled, as one displayable picture.
import { renderGrid, type GridOptions } from "./grid";
import type { RgbaImage } from "./png";
import { ImageView } from "./view";

export interface ImageGridOptions extends GridOptions {
  /** One label per picture, drawn under it. */
  labels?: string[];
}

/** `imageGrid(pictures, { columns, labels, title })`: pictures (ImageViews or RGBA images) tiled into one. */
export function imageGrid(pictures: (ImageView | RgbaImage)[], options: ImageGridOptions = {}): ImageView {
  if (!Array.isArray(pictures) || pictures.length === 0) {
    throw new RangeError("imageGrid needs a non-empty array of pictures (ImageView or RGBA images)");
  }
  const { labels, ...gridOptions } = options;
  if (labels !== undefined && labels.length !== pictures.length) {
    throw new RangeError(`imageGrid got ${pictures.length} pictures but ${labels.length} labels`);
  }
  const tiles = pictures.map((p, i) => ({
    image: p instanceof ImageView ? p.image : p,
    label: labels?.[i],
  }));
  const description = `grid of ${pictures.length} pictures${options.title ? `: ${options.title.split("\n")[0]}` : ""}`;
  return new ImageView(() => renderGrid(tiles, gridOptions), description);
}
