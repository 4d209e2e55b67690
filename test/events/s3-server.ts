// A real S3-compatible server for tests and benchmarks: s3rver (npm), started on 127.0.0.1 on a free port with
// its files in a temporary folder, with the credentials it accepts (S3RVER/S3RVER). Chosen because it installs
// with npm (no service for CI to provide), speaks the S3 REST API with SigV4 signatures, ranged GETs and
// ListObjectsV2, and refuses unknown keys and missing buckets as S3 does. MinIO is not packaged for npm or
// Debian; Ceph's radosgw is, but needs a whole Ceph cluster.
import S3rver from "s3rver";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Options } from "../../src/events/s3";

export interface TestS3 {
  options: S3Options;
  endpoint: string;
  close(): Promise<void>;
}

export async function startS3(buckets = ["logs"]): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), "ts-s3rver-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    options: {
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
