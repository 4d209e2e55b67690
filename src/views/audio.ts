// audio(): TensorBoard's audio dashboard: a player per logged step (the WAV as a data URL), runs side by side, the
// clip's label as safe markdown, and the waveform (min/max envelope per time bucket) as the still picture.
import { DISPLAY_SYMBOL, type MimeBundle } from "../display";
import { escapeHtml } from "../html";
import type { AudioClip } from "../events/kinds";
import { runFilter, runsWithTag, runsOf, type NameFilter, type RunsSource } from "./source";
import { renderSvg } from "./render";
import { LogView } from "./view";
import { textTable } from "./chart";
import { renderMarkdown } from "./text";

export interface AudioOptions {
  /** One run to show (default: every run that has the tag). */
  run?: string;
  /** Runs to show (names or a pattern). */
  runs?: NameFilter;
  /** Waveforms drawn in the still picture: the latest steps of each run (default 4). */
  waveforms?: number;
}

/** Samples of a PCM WAV (8/16/32-bit integer or 32-bit float), first channel, in [-1, 1]. */
export function decodeWav(wav: Buffer): { sampleRate: number; samples: Float32Array } {
  if (wav.length < 12 || wav.toString("ascii", 0, 4) !== "RIFF" || wav.toString("ascii", 8, 12) !== "WAVE")
    throw new RangeError("audio: not a RIFF/WAVE file");
  let format = 0;
  let channels = 1;
  let sampleRate = 0;
  let bits = 0;
  for (let at = 12; at + 8 <= wav.length;) {
    const id = wav.toString("ascii", at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === "fmt ") {
      [format, channels, sampleRate, bits] = [
        wav.readUInt16LE(body),
        wav.readUInt16LE(body + 2),
        wav.readUInt32LE(body + 4),
        wav.readUInt16LE(body + 14),
      ];
    } else if (id === "data") {
      const bytes = bits / 8;
      const frames = Math.floor(Math.min(size, wav.length - body) / (bytes * channels));
      const read = (o: number): number =>
        format === 3
          ? wav.readFloatLE(o)
          : bits === 16
            ? wav.readInt16LE(o) / 32768
            : bits === 32
              ? wav.readInt32LE(o) / 2 ** 31
              : (wav.readUInt8(o) - 128) / 128;
      if (!(format === 1 || format === 3) || ![8, 16, 32].includes(bits))
        throw new RangeError(`audio: unsupported WAV encoding (format ${format}, ${bits} bits)`);
      const samples = Float32Array.from({ length: frames }, (_, i) => read(body + i * bytes * channels));
      return { sampleRate, samples };
    }
    at = body + size + (size % 2);
  }
  throw new RangeError("audio: WAV without a data chunk");
}

/** Min/max of the samples in each of `buckets` equal time spans. */
export function waveformEnvelope(
  samples: Float32Array,
  sampleRate: number,
  buckets = 300,
): { t: number; min: number; max: number }[] {
  const n = samples.length;
  const count = Math.min(buckets, n);
  return Array.from({ length: count }, (_, b) => {
    const [from, to] = [
      Math.floor((b * n) / count),
      Math.max(Math.floor(((b + 1) * n) / count), Math.floor((b * n) / count) + 1),
    ];
    let [min, max] = [Infinity, -Infinity];
    for (let i = from; i < to; i++) [min, max] = [Math.min(min, samples[i]), Math.max(max, samples[i])];
    return { t: from / sampleRate, min, max };
  });
}

interface Clip {
  run: string;
  step: number;
  clip: AudioClip;
}

export class AudioView extends LogView {
  readonly text: string;

  constructor(
    readonly runs: string[],
    readonly tag: string,
    readonly clips: Clip[],
    private readonly waveforms: number,
  ) {
    super();
    const table = textTable(
      ["run", "step", "seconds", "rate", "channels", "label"],
      clips.map(({ run, step, clip }) => [
        run,
        String(step),
        (clip.lengthFrames / clip.sampleRate).toFixed(3),
        String(clip.sampleRate),
        String(clip.numChannels),
        clip.label.split("\n")[0],
      ]),
    );
    this.text = `audio of ${JSON.stringify(tag)} in ${runs.length} run(s), ${clips.length} clip(s)\n${table}`;
  }

  /** Players, newest step first, one column per run. */
  toHtml(): string {
    const columns = this.runs.map((run) => {
      const items = this.clips
        .filter((c) => c.run === run)
        .reverse()
        .map(({ step, clip }) => {
          const url = `data:${escapeHtml(clip.contentType)};base64,${clip.encoded.toString("base64")}`;
          const label = clip.label ? `<div>${renderMarkdown(clip.label)}</div>` : "";
          return `<div style="margin:4px 0"><div>step ${step}</div><audio controls preload="none" src="${url}"></audio>${label}</div>`;
        });
      return `<div style="display:inline-block;vertical-align:top;margin-right:16px"><b>${escapeHtml(run)}</b>${items.join("")}</div>`;
    });
    return `<div style="font-family:sans-serif;font-size:13px"><h4>${escapeHtml(this.tag)}</h4>${columns.join("")}</div>`;
  }

  /** Waveforms of the latest steps of each run. */
  toSvg(): Promise<string> {
    const shown = this.runs.flatMap((run) => this.clips.filter((c) => c.run === run).slice(-this.waveforms));
    const values = shown.flatMap(({ run, step, clip }) => {
      const { sampleRate, samples } = decodeWav(clip.encoded);
      return waveformEnvelope(samples, sampleRate).map((p) => ({ ...p, clip: `${run} · step ${step}` }));
    });
    return renderSvg({
      title: this.tag,
      data: { values },
      facet: {
        row: {
          field: "clip",
          type: "nominal",
          title: null,
          header: { labelAngle: 0, labelAlign: "left" },
          sort: null,
        },
      },
      spec: {
        width: 420,
        height: 60,
        mark: { type: "area", color: "#e8710a" },
        encoding: {
          x: { field: "t", type: "quantitative", title: "seconds" },
          y: { field: "min", type: "quantitative", title: null, scale: { domain: [-1, 1] } },
          y2: { field: "max" },
        },
      },
    });
  }

  async [DISPLAY_SYMBOL](): Promise<MimeBundle> {
    return { "text/plain": this.text, "text/html": this.toHtml(), "image/svg+xml": await this.toSvg() };
  }
}

/** `audio("runs", "speech")`: a player for every logged step of a tag, with the waveforms as a picture. */
export function audio(source: RunsSource, tag: string, options: AudioOptions = {}): AudioView {
  const runs = runsWithTag(
    runsOf(source, "audio"),
    tag,
    (r) => r.audio,
    "audio",
    runFilter(options, "audio"),
  );
  const waveforms = options.waveforms ?? 4;
  if (!Number.isInteger(waveforms) || waveforms < 1)
    throw new RangeError(`audio: waveforms must be a positive integer, got ${waveforms}`);
  const clips = runs.flatMap((run) =>
    [...run.audio.get(tag)!]
      .sort((a, b) => a.step - b.step)
      .flatMap((p) => p.value.slice(0, 1).map((clip) => ({ run: run.name, step: p.step, clip }))),
  );
  return new AudioView(
    runs.map((r) => r.name),
    tag,
    clips,
    waveforms,
  );
}
