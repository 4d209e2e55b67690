// s3:// logdirs against a real S3-compatible server (s3rver, see s3-server.ts): the writer's files read back
// as a local folder's are, incremental reloads, PyTorch's files uploaded there and PyTorch's own writer writing
// there (test/events/torch_writer.py: needs torch and boto3 in .venv), and every failure named.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { loadLogdir, type Logdir } from "../../src/events/logdir";
import { loadLogdirAsync, RemoteLogdir } from "../../src/events/remote-logdir";
import { SummaryWriter } from "../../src/events/writer";
import { S3Store } from "../../src/events/s3";
import { GraphDefProto } from "../../src/events/schema";
import { startS3, type TestS3 } from "./s3-server";

let s3: TestS3;
before(async () => {
  s3 = await startS3();
});
after(async () => {
  await s3.close();
});

async function logEverything(writer: SummaryWriter): Promise<void> {
  for (let step = 0; step < 200; step++) writer.addScalar("loss", 1 / (step + 1), step, 1_700_000_000 + step);
  writer.addScalars("grp", { a: 1, b: 2 }, 3, 1_700_000_000);
  writer.addHistogram("w", [1, 2, 3, 4], 0, 1_700_000_000);
  writer.addImage("img", { shape: [3, 2, 2], data: new Array(12).fill(0.5) }, 0, { wallTime: 1_700_000_000 });
  writer.addAudio("sound", [0, 0.5, -0.5], 0, { sampleRate: 100, wallTime: 1_700_000_000 });
  writer.addText("note", "hello", 0, 1_700_000_000);
  writer.addHparams({ lr: 0.1 }, { "hp/acc": 0.5 }, { runName: "hp" });
  writer.addEmbedding(
    [
      [1, 2],
      [3, 4],
    ],
    { metadata: ["a", "b"], tag: "points" },
  );
}

/** What a comparison of two logdirs looks at (file names and wall times of hparams differ). */
function contents(logdir: Logdir) {
  return [...logdir.runs.values()]
    .map((run) => ({
      name: run.name,
      rows: logdir.toRows().filter((r) => r.run === run.name && !r.tag.startsWith("hp/")),
      histograms: [...run.histograms],
      images: [...run.images].map(([tag, points]) => [tag, points.map((p) => p.value.map((i) => i.encoded))]),
      audio: [...run.audio].map(([tag, points]) => [tag, points.map((p) => p.value.map((c) => c.encoded))]),
      texts: [...run.texts],
      hparams: run.hparams.filter((h) => h.kind !== "session_start_info").length,
      embeddings: run.embeddings.map((e) => [e.tensorName, e.vectors(), e.metadata()]),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

test("the writer writes an s3:// logdir that loadLogdirAsync reads as loadLogdir reads the same local one", async () => {
  const local = mkdtempSync(join(tmpdir(), "ts-s3-"));
  try {
    const remote = new SummaryWriter("s3://logs/same/run", { s3: s3.options });
    const onDisk = new SummaryWriter(join(local, "run"));
    await logEverything(remote);
    await logEverything(onDisk);
    await remote.closeAsync();
    onDisk.close();
    const fromS3 = await loadLogdirAsync("s3://logs/same", { s3: s3.options });
    assert.ok(fromS3 instanceof RemoteLogdir);
    assert.deepEqual([...fromS3.runs.keys()].sort(), ["run", "run/grp_a", "run/grp_b", "run/hp"]);
    assert.deepEqual(contents(fromS3), contents(loadLogdir(local)));
    assert.equal(fromS3.run("run").scalars.get("loss")!.length, 200);
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
});

test("reloadAsync fetches only the bytes appended since the last read", async () => {
  const writer = new SummaryWriter("s3://logs/growing", { s3: s3.options });
  for (let step = 0; step < 100; step++) writer.addScalar("x", step, step);
  await writer.flushAsync();
  const logdir = (await loadLogdirAsync("s3://logs/growing", { s3: s3.options })) as RemoteLogdir;
  const before = logdir.bytesFetched;
  assert.equal(logdir.run(".").scalars.get("x")!.length, 100);
  for (let step = 100; step < 150; step++) writer.addScalar("x", step, step);
  await writer.closeAsync();
  const [object] = await new S3Store(s3.options).list("logs", "growing");
  await logdir.reloadAsync();
  assert.equal(logdir.run(".").scalars.get("x")!.length, 150);
  assert.equal(logdir.bytesFetched, object.size, "the second reload fetched the new bytes only");
  assert.ok(logdir.bytesFetched - before < before, "fewer bytes than the first read");
  await logdir.reloadAsync();
  assert.equal(logdir.bytesFetched, object.size, "nothing new, nothing fetched");
});

test("a logdir PyTorch wrote, uploaded to S3, reads as it does from disk", async () => {
  const fixture = join(__dirname, "../fixtures/events/pytorch");
  const store = new S3Store(s3.options);
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) =>
      statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)],
    );
  for (const file of files(fixture))
    await store.write("logs", `torch/${relative(fixture, file)}`, readFileSync(file));
  const fromS3 = await loadLogdirAsync("s3://logs/torch", { s3: s3.options });
  assert.deepEqual(contents(fromS3), contents(loadLogdir(fixture)));
  assert.equal(fromS3.run(".").graphs.length, loadLogdir(fixture).run(".").graphs.length);

  // Every other kind, embeddings included (the projector's files listed in projector_config.pbtxt).
  const kinds = join(__dirname, "../fixtures/events/kinds/pytorch");
  for (const file of files(kinds))
    await store.write("logs", `kinds/${relative(kinds, file)}`, readFileSync(file));
  const [remote, local] = [
    (await loadLogdirAsync("s3://logs/kinds", { s3: s3.options })).run("."),
    loadLogdir(kinds).run("."),
  ];
  for (const field of ["audio", "meshes", "tensors", "customScalars", "histograms"] as const)
    assert.deepEqual(remote[field], local[field], field);
  const embedding = (run: typeof remote) => {
    const [e] = run.embeddings;
    return { name: e.tensorName, vectors: e.vectors(), metadata: e.metadata(), sprite: e.spriteImage() };
  };
  assert.deepEqual(embedding(remote), embedding(local));
});

const PYTHON = join(__dirname, "..", "..", ".venv", "bin", "python");

/** Runs PyTorch's SummaryWriter (torch_writer.py) on a logdir; async, as s3rver answers from this process. */
async function torchWrites(logdir: string): Promise<void> {
  await promisify(execFile)(PYTHON, [join(__dirname, "torch_writer.py"), logdir], {
    // TensorBoard's gfile takes the endpoint from S3_ENDPOINT; boto3 the credentials from AWS_*.
    env: {
      ...process.env,
      S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_REGION: "us-east-1",
    },
    timeout: 240_000,
  });
}

test("a logdir PyTorch's own SummaryWriter wrote to S3 (TensorBoard's gfile, boto3) reads as the same from disk", async () => {
  const local = mkdtempSync(join(tmpdir(), "ts-torch-"));
  try {
    await torchWrites("s3://logs/torch-direct");
    await torchWrites(local);
    const store = new S3Store(s3.options);
    const keys = (await store.list("logs", "torch-direct")).map((o) => o.key);
    assert.ok(
      keys.some((k) => /^torch-direct\/events\.out\.tfevents\./.test(k)),
      `PyTorch wrote its event file to the bucket: ${keys.join(", ")}`,
    );
    assert.ok(keys.includes("torch-direct/"), "and its folder marker (gfile's makedirs), which is not a run");
    const fromS3 = await loadLogdirAsync("s3://logs/torch-direct", { s3: s3.options });
    const fromDisk = loadLogdir(local);
    assert.deepEqual((fromS3 as RemoteLogdir).failures, []);
    assert.deepEqual([...fromS3.runs.keys()].sort(), [".", "grp_a", "grp_b"]);
    assert.deepEqual(contents(fromS3), contents(fromDisk));
    const [remote, disk] = [fromS3.run("."), fromDisk.run(".")];
    assert.equal(remote.scalars.get("loss")!.length, 300);
    assert.deepEqual(remote.prCurves, disk.prCurves);
    assert.equal(remote.audio.get("sound")![0].value[0].sampleRate, 8000);
    // PyTorch's traced graph: the same nodes and edges (two traces may order a node's attributes differently).
    const nodes = (graphs: Buffer[]) =>
      graphs.map((g) =>
        (
          GraphDefProto.toObject(GraphDefProto.decode(g)) as {
            node: { name: string; op: string; input?: string[] }[];
          }
        ).node
          .map((n) => `${n.name} ${n.op} ${(n.input ?? []).join(",")}`)
          .sort(),
      );
    assert.equal(remote.graphs.length, 1);
    assert.deepEqual(nodes(remote.graphs), nodes(disk.graphs));
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
});

test("runs are fetched several at a time, listed in order, the same as one at a time; bad concurrency refused", async () => {
  for (let r = 0; r < 12; r++) {
    const writer = new SummaryWriter(`s3://logs/many/run${String(r).padStart(2, "0")}`, { s3: s3.options });
    // Runs of different sizes, so concurrent fetches finish out of order.
    for (let step = 0; step < 50 + 400 * (r % 3); step++)
      writer.addScalar("x", r * 1000 + step, step, 1e9 + step);
    await writer.closeAsync();
  }
  // Reads in flight at once, counted on the store every remote logdir reads through.
  const read = S3Store.prototype.read;
  let [inFlight, most] = [0, 0];
  S3Store.prototype.read = async function (this: S3Store, ...args: Parameters<typeof read>) {
    most = Math.max(most, ++inFlight);
    try {
      return await read.apply(this, args);
    } finally {
      inFlight--;
    }
  };
  let together: Logdir;
  try {
    together = await loadLogdirAsync("s3://logs/many", { s3: s3.options, concurrency: 5 });
  } finally {
    S3Store.prototype.read = read;
  }
  assert.equal(most, 5, "five runs' objects fetched at once, never more");
  const oneByOne = await loadLogdirAsync("s3://logs/many", { s3: s3.options, concurrency: 1 });
  const names = Array.from({ length: 12 }, (_, r) => `run${String(r).padStart(2, "0")}`);
  assert.deepEqual([...together.runs.keys()], names);
  assert.deepEqual(together.toRows(), oneByOne.toRows());
  for (const bad of [0, 1.5, 65, Number.NaN])
    await assert.rejects(
      loadLogdirAsync("s3://logs/many", { s3: s3.options, concurrency: bad }),
      /concurrency must be a whole number in \[1, 64\]/,
    );
});

test("credentials and endpoint come from the usual AWS environment variables", async () => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: s3.endpoint,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_REGION: "us-east-1",
  });
  try {
    const writer = new SummaryWriter("s3://logs/env");
    writer.addScalar("x", 1, 0);
    await writer.closeAsync();
    const logdir = await loadLogdirAsync("s3://logs/env");
    assert.deepEqual([...logdir.run(".").scalars.get("x")!.values], [1]);
  } finally {
    process.env = saved;
  }
});

test("a missing bucket or refused credentials are clear errors naming the bucket", async () => {
  await assert.rejects(
    loadLogdirAsync("s3://nope/x", { s3: s3.options }),
    /listing s3:\/\/nope\/x failed: NoSuchBucket.*the bucket does not exist/,
  );
  const wrongKey = { ...s3.options, credentials: { accessKeyId: "WHO", secretAccessKey: "S3RVER" } };
  await assert.rejects(
    loadLogdirAsync("s3://logs/x", { s3: wrongKey }),
    /s3:\/\/logs\/x failed: InvalidAccessKeyId/,
  );
  const writer = new SummaryWriter("s3://nope/run", { s3: s3.options });
  writer.addScalar("x", 1, 0);
  await assert.rejects(
    writer.closeAsync(),
    /writing s3:\/\/nope\/run\/events\.out\.tfevents\.\S+ failed: NoSuchBucket/,
  );
  assert.throws(
    () => (loadLogdir as (d: string) => Logdir)("s3://logs/x"),
    /use await loadLogdirAsync\("s3:\/\/logs\/x"\)/,
  );
});

test("network errors mid-read are retried; an object that keeps failing is named, and the rest is kept", async () => {
  const writer = new SummaryWriter("s3://logs/flaky/a", { s3: s3.options });
  const other = new SummaryWriter("s3://logs/flaky/b", { s3: s3.options });
  for (let step = 0; step < 10; step++) [writer, other].forEach((w) => w.addScalar("x", step, step));
  await Promise.all([writer.closeAsync(), other.closeAsync()]);
  const real = new S3Client({ ...s3.options, forcePathStyle: true });
  const failures = new Map<string, number>();
  const flaky = {
    send: (async (command: { input: { Key?: string } }) => {
      const key = command.input.Key ?? "";
      if (command instanceof GetObjectCommand) {
        const seen = (failures.get(key) ?? 0) + 1;
        failures.set(key, seen);
        // Run a: the connection drops twice, then works. Run b: it always drops.
        if (key.startsWith("flaky/b/") || seen <= 2)
          throw Object.assign(new Error("socket hang up"), { name: "Error", code: "ECONNRESET" });
      }
      return real.send(command as never);
    }) as S3Client["send"],
  };
  const logdir = (await loadLogdirAsync("s3://logs/flaky", {
    s3: { client: flaky, attempts: 3 },
  })) as RemoteLogdir;
  assert.equal(logdir.run("a").scalars.get("x")!.length, 10, "read after two retries");
  assert.equal(logdir.failures.length, 1);
  assert.match(logdir.failures[0].object, /^s3:\/\/logs\/flaky\/b\/events\.out\.tfevents\./);
  assert.match(logdir.failures[0].error, /reading s3:\/\/logs\/flaky\/b\/\S+ failed: .*socket hang up/);
  assert.equal(logdir.run("b").scalars.size, 0, "nothing half-read");
  assert.equal([...failures].find(([key]) => key.startsWith("flaky/b/"))![1], 3, "three attempts");
});
