// Shared kernel-side helpers for the tile widgets (KernelGrid, FeatureMapBrowser): colour tables for the
// browser and the static PNG of a tile grid.
import { getColormap, type ColormapName } from "../../src/image/colormap";
import { encodePng } from "../../src/image/png";
import { renderTiles, type Range, type TileLayout, type TileSet } from "./shared/tiles";

export function lutOf(name: ColormapName): number[] {
  return Array.from(getColormap(name).lut);
}

export function tilesPng(set: TileSet, ranges: Range[], layout: TileLayout, lut: number[]): string {
  const image = renderTiles(set, ranges, layout, Uint8Array.from(lut));
  return encodePng(image).toString("base64");
}

export function checkFinite(values: Float32Array, where: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw new RangeError(`${where}: value ${i} is ${values[i]}; expected finite numbers`);
  }
}
