// SummaryWriter methods for media: addAudio (WAV), addVideo (animated GIF) and addImageWithBoxes, written as
// PyTorch's SummaryWriter writes them.
import { createCanvas } from "@napi-rs/canvas";
import { TensorKindsWriter } from "./writer-tensors";
import { audioValue } from "./encode-kinds";
import { imageValue } from "./encode";
import { encodeGif, encodeWav, videoFrames } from "./media-encode";
import { imageToRgba, type ImageFormat, type ImageInput } from "./image-input";
import { rgbaToCanvas } from "../image/png";
import { shapedOf, type ArrayInput } from "./tensor-input";
import { checkStep, checkTag, valuesOf, wallTimeOf, type ValuesInput } from "./writer-args";

export interface AudioOptions {
  /** Samples per second (default 44100, as PyTorch). */
  sampleRate?: number;
  wallTime?: number;
}

export interface BoxesOptions {
  /** One label per box, drawn above its lower-left corner. */
  labels?: string[];
  /** Scale factor of the image (and boxes) as stored, as PyTorch's rescale. */
  rescale?: number;
  dataformats?: ImageFormat;
  wallTime?: number;
}

export class MediaWriter extends TensorKindsWriter {
  /** Mono audio in [-1, 1] (clipped), shape [L] or [1, L], stored as a 16-bit WAV for TensorBoard's Audio tab. */
  addAudio(tag: string, samples: ValuesInput, step?: number, options: AudioOptions = {}): void {
    checkTag(tag, "addAudio");
    const { sampleRate = 44100 } = options;
    if (!Number.isInteger(sampleRate) || sampleRate <= 0)
      throw new RangeError(
        `addAudio: sampleRate must be a positive integer (samples per second), got ${sampleRate}`,
      );
    const shape = (samples as { shape?: number[] }).shape;
    if (shape && shape.filter((d) => d !== 1).length > 1)
      throw new RangeError(`addAudio: samples must be one channel, [L] or [1, L], got shape [${shape}]`);
    const values = valuesOf(samples, "addAudio");
    if (values.length === 0) throw new RangeError("addAudio: samples are empty");
    for (let i = 0; i < values.length; i++)
      if (Number.isNaN(values[i])) throw new RangeError(`addAudio: sample ${i} is NaN`);
    const wav = encodeWav(values, sampleRate);
    const s = checkStep(step, "addAudio");
    this.appendSummary(this.file(), s, wallTimeOf(options.wallTime, "addAudio"), [
      audioValue(tag, wav, sampleRate, values.length, 1),
    ]);
  }

  /**
   * Clips [N, T, C, H, W] (floats in [0, 1], or int32/Uint8Array bytes) as one animated GIF in an image summary,
   * the batch tiled into a grid as PyTorch does; `fps` frames per second (default 4).
   */
  addVideo(
    tag: string,
    frames: ArrayInput,
    step?: number,
    options: { fps?: number; wallTime?: number } = {},
  ): void {
    checkTag(tag, "addVideo");
    const { fps = 4 } = options;
    if (!(fps > 0 && fps <= 100)) throw new RangeError(`addVideo: fps must be in (0, 100], got ${fps}`);
    const { shape, values, dtype } = shapedOf(frames, "addVideo", "frames");
    if (shape.length !== 5 || ![1, 3].includes(shape[2]) || shape.some((d) => d < 1))
      throw new RangeError(`addVideo: frames must be [N, T, C, H, W] with C = 1 or 3, got shape [${shape}]`);
    const bytes = dtype === "int32" || values instanceof Uint8Array || values instanceof Uint8ClampedArray;
    const video = videoFrames(values, shape, bytes ? "byte" : "unit");
    const gif = encodeGif(video.frames, video.width, video.height, fps);
    const s = checkStep(step, "addVideo");
    this.appendSummary(this.file(), s, wallTimeOf(options.wallTime, "addVideo"), [
      { tag, image: { height: video.height, width: video.width, colorspace: 3, encoded_image_string: gif } },
    ]);
  }

  /** An image with boxes [K, 4] = (x1, y1, x2, y2) in pixels drawn in red, as PyTorch's add_image_with_boxes. */
  addImageWithBoxes(
    tag: string,
    image: ImageInput,
    boxes: ArrayInput,
    step?: number,
    options: BoxesOptions = {},
  ): void {
    checkTag(tag, "addImageWithBoxes");
    const rgba = imageToRgba(image, options.dataformats ?? "CHW");
    const box = shapedOf(boxes, "addImageWithBoxes", "boxes");
    const count = box.shape[0] ?? 0;
    if (box.shape.length !== 2 || box.shape[1] !== 4)
      throw new RangeError(
        `addImageWithBoxes: boxes must be [K, 4] (x1, y1, x2, y2), got shape [${box.shape}]`,
      );
    const { labels, rescale = 1 } = options;
    if (labels !== undefined && (!Array.isArray(labels) || labels.length !== count))
      throw new RangeError(`addImageWithBoxes: labels must have one entry per box (${count})`);
    if (!(rescale > 0)) throw new RangeError(`addImageWithBoxes: rescale must be > 0, got ${rescale}`);
    const width = Math.max(1, Math.round(rgba.width * rescale));
    const height = Math.max(1, Math.round(rgba.height * rescale));
    const canvas = createCanvas(width, height);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(rgbaToCanvas(rgba), 0, 0, width, height);
    ctx.lineWidth = 2;
    ctx.strokeStyle = "red";
    ctx.font = "10px sans-serif";
    for (let k = 0; k < count; k++) {
      const [x1, y1, x2, y2] = [0, 1, 2, 3].map((i) => box.values[k * 4 + i] * rescale);
      ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
      if (labels?.[k]) {
        const text = String(labels[k]);
        const textWidth = ctx.measureText(text).width;
        ctx.fillStyle = "red";
        ctx.fillRect(x1, y2 - 12, textWidth + 4, 12);
        ctx.fillStyle = "black";
        ctx.fillText(text, x1 + 2, y2 - 2);
      }
    }
    const s = checkStep(step, "addImageWithBoxes");
    this.appendSummary(this.file(), s, wallTimeOf(options.wallTime, "addImageWithBoxes"), [
      imageValue(tag, canvas.toBuffer("image/png"), width, height),
    ]);
  }
}
