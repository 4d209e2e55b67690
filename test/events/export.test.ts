// Every point out as rows, CSV, JSON and Arrow; read back by JavaScript and by Python's csv module and pyarrow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC, tableToIPC } from "apache-arrow";
import { loadLogdir } from "../../src/events/logdir";
import { SummaryWriter } from "../../src/events/writer";

const PYTHON = join(__dirname, "../../.venv/bin/python");
const N = 5000; // more than TensorBoard's 1,000-point download

function writeLogdir(dir: string): void {
  for (const run of ["a", 'b,"quoted"']) {
    const writer = new SummaryWriter(join(dir, run));
    for (let step = 0; step < N; step++)
      writer.addScalar("loss", 1 / (step + 1), step, 1_700_000_000 + step / 8);
    writer.addScalar("odd,tag", NaN, 0, 1_700_000_000);
    writer.addScalar("odd,tag", Infinity, 1, 1_700_000_000);
    writer.addScalar("odd,tag", -Infinity, 2, 1_700_000_000);
    writer.close();
  }
}

const key = (r: { run: string; tag: string; step: number; wallTime: number; value: number }): string =>
  JSON.stringify([r.run, r.tag, r.step, r.wallTime, String(r.value)]);

test("toRows, toCsv, toJson and toArrow hold every point and read back to the same rows", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-export-"));
  try {
    writeLogdir(dir);
    const logdir = loadLogdir(dir);
    const rows = logdir.toRows();
    assert.equal(rows.length, 2 * (N + 3));
    const loss = logdir.run("a").scalars.get("loss")!;
    const firstA = rows.filter((r) => r.run === "a" && r.tag === "loss");
    assert.deepEqual(
      firstA.map((r) => [r.step, r.wallTime, r.value]),
      [...loss.steps].map((s, i) => [s, loss.wallTimes[i], loss.values[i]]),
    );
    const expected = rows.map(key).sort();

    const [header, ...lines] = logdir.toCsv().trimEnd().split("\n");
    assert.equal(header, "run,tag,step,wall_time,value");
    assert.equal(lines.length, rows.length);

    const fromJson = (JSON.parse(logdir.toJson()) as Record<string, string | number>[]).map((r) => ({
      run: r.run as string,
      tag: r.tag as string,
      step: r.step as number,
      wallTime: Number(r.wallTime),
      value: Number(r.value),
    }));
    assert.deepEqual(fromJson.map(key).sort(), expected);

    const table = tableFromIPC(tableToIPC(logdir.toArrow()));
    assert.deepEqual(
      table.schema.fields.map((f) => f.name),
      ["run", "tag", "step", "wall_time", "value"],
    );
    const fromArrow = table.toArray().map((r) => ({
      run: r.run,
      tag: r.tag,
      step: r.step,
      wallTime: r.wall_time,
      value: r.value,
    }));
    assert.deepEqual(fromArrow.map(key).sort(), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "Python's csv module and pyarrow read the CSV and the Arrow IPC file to the same rows",
  { skip: !existsSync(PYTHON) && "no .venv" },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-export-"));
    try {
      writeLogdir(dir);
      const logdir = loadLogdir(dir);
      writeFileSync(join(dir, "points.csv"), logdir.toCsv());
      writeFileSync(join(dir, "points.arrow"), tableToIPC(logdir.toArrow(), "file"));
      const script = `import csv,json,sys,pyarrow as pa
rows=[[r["run"],r["tag"],int(r["step"]),float(r["wall_time"]),str(float(r["value"]))] for r in csv.DictReader(open(sys.argv[1],newline=""))]
t=pa.ipc.open_file(sys.argv[2]).read_all()
arrow=[[r["run"],r["tag"],int(r["step"]),r["wall_time"],str(r["value"])] for r in t.to_pylist()]
print(json.dumps({"csv":rows,"arrow":arrow,"types":[str(f.type) for f in t.schema]}))`;
      const out = JSON.parse(
        execFileSync(PYTHON, ["-c", script, join(dir, "points.csv"), join(dir, "points.arrow")], {
          encoding: "utf8",
          maxBuffer: 1 << 26,
        }),
      ) as { csv: [string, string, number, number, string][]; arrow: typeof out.csv; types: string[] };
      const pythonFloat = (x: number): string =>
        Number.isNaN(x) ? "nan" : x === Infinity ? "inf" : x === -Infinity ? "-inf" : String(x);
      const expected = logdir
        .toRows()
        .map((r) => JSON.stringify([r.run, r.tag, r.step, r.wallTime, pythonFloat(r.value)]))
        .sort();
      const asPython = (rows: typeof out.csv) =>
        rows
          .map(([run, tag, step, wall, value]) =>
            JSON.stringify([run, tag, step, wall, value.replace(/\.0$/, "")]),
          )
          .sort();
      const normalise = (rows: string[]) => rows.map((r) => r.replace(/"(-?\d+)\.0"/g, '"$1"'));
      assert.deepEqual(asPython(out.csv), normalise(expected));
      assert.deepEqual(asPython(out.arrow), normalise(expected));
      assert.deepEqual(out.types, [
        "dictionary<values=string, indices=int32, ordered=0>",
        "dictionary<values=string, indices=int32, ordered=0>",
        "double",
        "double",
        "double",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
