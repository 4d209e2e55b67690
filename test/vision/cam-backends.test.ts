// The same CAMs on every backend: wasm has no Conv2DBackpropFilter kernel, so this also checks that no filter
// gradient is ever asked for (the model's convs have linear activation, the fused-gradient case).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

function mapsOn(backend: string): { backend: string; maps: number[][] } {
  const run = spawnSync(process.execPath, ["--import", "tsx", "test/vision/cam-on-backend.ts"], {
    cwd: ROOT,
    env: { ...process.env, TENSORSCOPE_BACKEND: backend, TENSORSCOPE_QUIET: "1" },
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split("\n").at(-1) as string);
}

test("GradCAM and LayerCAM agree on the native, wasm and cpu backends", () => {
  const native = mapsOn("node");
  assert.equal(native.backend, "tensorflow");
  for (const backend of ["wasm", "cpu"]) {
    const other = mapsOn(backend);
    assert.equal(other.backend, backend);
    native.maps.forEach((map, m) => {
      const scale = Math.max(...map.map(Math.abs));
      map.forEach((v, i) =>
        assert.ok(
          Math.abs(v - other.maps[m][i]) <= 1e-4 * scale,
          `${backend} map ${m}[${i}]: ${other.maps[m][i]} vs ${v}`,
        ),
      );
    });
  }
});
