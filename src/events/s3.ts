// s3:// logdirs through the official AWS SDK: any S3-compatible endpoint, configured as the AWS tools are
// (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, and
// TensorBoard's S3_ENDPOINT) or by options. Every request is retried with backoff on network errors, throttling
// and 5xx answers; what still fails is an error naming the bucket and object.
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";

export interface S3Options {
  /** e.g. "http://127.0.0.1:9000" for MinIO, Ceph or any S3-compatible server. */
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Bucket in the path instead of the host name (default: true when an endpoint is given). */
  forcePathStyle?: boolean;
  /** Attempts per request (default 4). */
  attempts?: number;
  /** A client of your own (its configuration wins over the options above). */
  client?: Pick<S3Client, "send">;
}

export interface S3Location {
  bucket: string;
  /** Key prefix without a trailing slash ("" for the bucket's root). */
  prefix: string;
}

export const isS3Url = (path: string): boolean => /^s3:\/\//i.test(path);

export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
  if (!match || !match[1]) throw new RangeError(`not an s3:// URL with a bucket: ${JSON.stringify(url)}`);
  return { bucket: match[1], prefix: match[2].replace(/\/+$/, "") };
}

export const s3Url = (bucket: string, key: string): string => `s3://${bucket}/${key}`;

/** Joins a logdir (local path or s3:// URL) and sub-paths with "/" (path.join would fold "s3://" to "s3:/"). */
export function joinLogdir(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ""), ...parts].join("/");
}

function endpointFromEnvironment(): string | undefined {
  const env = process.env;
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? env.S3_ENDPOINT;
  if (!endpoint) return undefined;
  // TensorBoard's S3_ENDPOINT is often a bare host:port.
  return /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`;
}

export type S3Sender = Pick<S3Client, "send">;

export function s3ClientFor(options: S3Options = {}): S3Sender {
  if (options.client) return options.client;
  const endpoint = options.endpoint ?? endpointFromEnvironment();
  const config: S3ClientConfig = {
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
    endpoint,
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    credentials: options.credentials,
    // Our own retry loop (below) also covers errors in the middle of a body; the SDK's would not.
    maxAttempts: 1,
  };
  return new S3Client(config);
}

const PERMANENT = new Set([
  "NoSuchBucket",
  "NoSuchKey",
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidRange",
  "AllAccessDisabled",
]);

/** Errors worth a retry: network failures, throttling, 5xx. Missing buckets or refused access are not. */
function isTransient(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  if (e?.name && PERMANENT.has(e.name)) return false;
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  return true;
}

export function describeS3Error(error: unknown): string {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const hints: Record<string, string> = {
    NoSuchBucket: "the bucket does not exist",
    AccessDenied: "access was refused: check the credentials and the bucket policy",
    InvalidAccessKeyId: "the access key is not known to this endpoint",
    SignatureDoesNotMatch: "the secret key does not match the access key",
  };
  const name = e?.name ?? "Error";
  const status = e?.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : "";
  return `${name}${status}: ${hints[name] ?? e?.message ?? String(error)}`;
}

export class S3Error extends Error {
  constructor(
    readonly url: string,
    readonly operation: string,
    readonly reason: unknown,
  ) {
    super(`${operation} ${url} failed: ${describeS3Error(reason)}`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `request` up to `attempts` times, backing off 100 ms, 200 ms, 400 ms... between transient failures. */
export async function withRetries<T>(
  attempts: number,
  url: string,
  operation: string,
  request: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw new S3Error(url, operation, error);
      await sleep(100 * 2 ** (attempt - 1));
    }
  }
}

export class S3Store {
  readonly client: S3Sender;
  readonly attempts: number;

  constructor(options: S3Options = {}) {
    this.client = s3ClientFor(options);
    this.attempts = options.attempts ?? 4;
  }

  /** Every object under `prefix/` with its size. */
  async list(bucket: string, prefix: string): Promise<{ key: string; size: number }[]> {
    const out: { key: string; size: number }[] = [];
    let token: string | undefined;
    const url = s3Url(bucket, prefix);
    do {
      const page = await withRetries(this.attempts, url, "listing", () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix ? `${prefix}/` : undefined,
            ContinuationToken: token,
          }),
        ),
      );
      for (const object of page.Contents ?? [])
        if (object.Key) out.push({ key: object.Key, size: object.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** Bytes from `start` to the end of the object (the body is read inside the retry, so a cut body is retried). */
  async read(bucket: string, key: string, start = 0): Promise<Buffer> {
    return withRetries(this.attempts, s3Url(bucket, key), "reading", async () => {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: start > 0 ? `bytes=${start}-` : undefined }),
      );
      if (!answer.Body) return Buffer.alloc(0);
      return Buffer.from(await answer.Body.transformToByteArray());
    });
  }

  async write(bucket: string, key: string, body: Buffer): Promise<void> {
    await withRetries(this.attempts, s3Url(bucket, key), "writing", () =>
      this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })),
    );
  }
}
