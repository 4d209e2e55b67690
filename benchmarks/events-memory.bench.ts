// Memory of loadLogdir on a logdir holding 1 GiB of images and 1 M scalars: images are kept as offsets into the
// event files, so peak RSS should follow the scalars (target: under 300 MB). Anchor, in the same run: the same
// scalars alone in a logdir of their own. The logdir is written to a temporary folder and deleted after.
// Images are one 1024 x 1024 noise PNG (~1.1 MB, little to compress) logged at every step.
import { execFileSync } from "node:child_process";
import { cpus, loadavg, tmpdir } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SummaryWriter } from "../src/events/writer";
import { encodePng } from "../src/image/png";

const SCALARS = 1_000_000;
const IMAGE_BYTES_TARGET = 2 ** 30;
const REPEATS = 3;

function noisePng(side: number): Buffer {
  const data = new Uint8ClampedArray(side * side * 4);
  let x = 12345;
  for (let i = 0; i < data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = i % 4 === 3 ? 255 : x >>> 24;
  }
  return encodePng({ width: side, height: side, data });
}

function writeLogdir(dir: string, withImages: boolean): number {
  const writer = new SummaryWriter(join(dir, "run"), { flushSecs: 60 });
  for (let step = 0; step < SCALARS / 4; step++)
    for (let t = 0; t < 4; t++) writer.addScalar(`metric_${t}`, Math.sin(step + t), step, 1.7e9 + step);
  let imageBytes = 0;
  if (withImages) {
    const png = noisePng(1024);
    // The image summary as addImage writes it, with the PNG made once (encoding 1 GiB of PNGs takes minutes).
    const file = (writer as unknown as { file(): { appendPayload(p: Uint8Array): void } }).file();
    const { summaryEventPayload, imageValue } =
      require("../src/events/encode") as typeof import("../src/events/encode");
    for (let step = 0; imageBytes < IMAGE_BYTES_TARGET; step++) {
      file.appendPayload(summaryEventPayload(1.7e9 + step, step, [imageValue("noise", png, 1024, 1024)]));
      imageBytes += png.length;
      if (step % 16 === 0) writer.flush();
    }
  }
  writer.close();
  return imageBytes;
}

interface Load {
  ms: number;
  points: number;
  images: number;
  firstImageBytes: number;
  peakRssMb: number;
}
const load = (dir: string): Load =>
  JSON.parse(
    execFileSync(process.execPath, ["--import", "tsx", join(__dirname, "events-memory-child.ts"), dir], {
      encoding: "utf8",
    }),
  );
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(
  `machine: ${cpus().length} x ${cpus()[0].model}, node ${process.version}, ${new Date().toISOString()}, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
const big = mkdtempSync(join(tmpdir(), "ts-bench-mem-"));
const small = mkdtempSync(join(tmpdir(), "ts-bench-mem-"));
try {
  const imageBytes = writeLogdir(big, true);
  writeLogdir(small, false);
  console.log(`logdir: ${SCALARS} scalars + ${(imageBytes / 2 ** 30).toFixed(2)} GiB of images`);
  const withImages: Load[] = [];
  const scalarsOnly: Load[] = [];
  for (let i = 0; i < REPEATS; i++) {
    withImages.push(load(big));
    scalarsOnly.push(load(small));
    const [a, b] = [withImages[i], scalarsOnly[i]];
    if (a.points !== SCALARS || b.points !== SCALARS) throw new Error("not every scalar was loaded");
    console.log(
      `repeat ${i + 1}: with images ${a.peakRssMb.toFixed(0)} MB peak RSS in ${(a.ms / 1000).toFixed(2)} s (${a.images} images, first read back: ${a.firstImageBytes} bytes); scalars alone ${b.peakRssMb.toFixed(0)} MB in ${(b.ms / 1000).toFixed(2)} s`,
    );
  }
  const [a, b] = [median(withImages.map((l) => l.peakRssMb)), median(scalarsOnly.map((l) => l.peakRssMb))];
  console.log(
    `peak RSS medians: with 1 GiB of images ${a.toFixed(0)} MB (target < 300 MB), scalars alone ${b.toFixed(0)} MB; ratio ${(a / b).toFixed(2)}x`,
  );
} finally {
  rmSync(big, { recursive: true, force: true });
  rmSync(small, { recursive: true, force: true });
}
