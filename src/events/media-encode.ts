// Encoders for addAudio and addVideo: 16-bit PCM WAV (as PyTorch's add_audio writes) and animated GIF (as
// PyTorch's and tensorboardX's add_video write through moviepy), with the frame grid PyTorch tiles a batch into.
import { GIFEncoder, quantize, applyPalette } from "gifenc";

/** Mono 16-bit PCM: samples clipped to [-1, 1] and scaled by 32767, as PyTorch's add_audio. */
export function encodeWav(samples: ArrayLike<number>, sampleRate: number): Buffer {
  const frames = samples.length;
  const out = Buffer.alloc(44 + frames * 2);
  out.write("RIFF", 0, "latin1");
  out.writeUInt32LE(36 + frames * 2, 4);
  out.write("WAVEfmt ", 8, "latin1");
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // channels
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28); // byte rate
  out.writeUInt16LE(2, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample
  out.write("data", 36, "latin1");
  out.writeUInt32LE(frames * 2, 40);
  for (let i = 0; i < frames; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]));
    // numpy's astype truncates toward zero.
    out.writeInt16LE(Math.trunc(v * 32767), 44 + 2 * i);
  }
  return out;
}

/**
 * PyTorch's _prepare_video: a batch [N, T, C, H, W] padded with black clips to a power of two and tiled
 * 2^floor(log2(N)/2) rows high, into T frames of RGBA pixels.
 */
export function videoFrames(
  values: ArrayLike<number>,
  shape: number[],
  scale: "unit" | "byte",
): { frames: Uint8ClampedArray[]; width: number; height: number } {
  const [n, t, c, h, w] = shape;
  const padded = 2 ** Math.ceil(Math.log2(n));
  const rows = 2 ** Math.floor(Math.floor(Math.log2(n)) / 2);
  const cols = padded / rows;
  const width = cols * w;
  const height = rows * h;
  const factor = scale === "unit" ? 255 : 1;
  const frames: Uint8ClampedArray[] = [];
  for (let f = 0; f < t; f++) {
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let p = 0; p < width * height; p++) rgba[p * 4 + 3] = 255;
    for (let clip = 0; clip < n; clip++) {
      const [row, col] = [Math.floor(clip / cols), clip % cols];
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const at = ((row * h + y) * width + col * w + x) * 4;
          for (let ch = 0; ch < 3; ch++) {
            const source = ((clip * t + f) * c + (c === 1 ? 0 : ch)) * h * w + y * w + x;
            rgba[at + ch] = values[source] * factor;
          }
        }
    }
    frames.push(rgba);
  }
  return { frames, width, height };
}

/** An animated GIF looping forever, one 256-colour palette per frame. */
export function encodeGif(frames: Uint8ClampedArray[], width: number, height: number, fps: number): Buffer {
  const gif = GIFEncoder();
  for (const rgba of frames) {
    const palette = quantize(rgba, 256);
    gif.writeFrame(applyPalette(rgba, palette), width, height, { palette, delay: 1000 / fps, repeat: 0 });
  }
  gif.finish();
  return Buffer.from(gif.bytes());
}
