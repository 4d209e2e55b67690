// Where an event file's bytes go: a local file (appended with one system call per flush), or an object in S3,
// which cannot be appended to: the object is rewritten whole on each flush, as TensorBoard's and tensorboardX's
// S3 writers do, but a new object is started past `objectBytes` (default 16 MB) so that rewriting stays bounded.
// Uploads run in the background, one at a time per object; settled() waits for the last one.
import { accessSync, closeSync, constants, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { isS3Url, joinLogdir, parseS3Url, S3Store, type S3Options } from "./s3";

export interface ByteTarget {
  /** Where the bytes go (a path or an s3:// URL of the current object). */
  readonly path: string;
  write(bytes: Buffer, length: number): void;
  close(): void;
  /** Resolves when everything written has reached its destination; rejects with the last upload error. */
  settled(): Promise<void>;
}

export class LocalFileTarget implements ByteTarget {
  private fd: number | undefined;

  constructor(
    logdir: string,
    fileName: string,
    readonly path = join(logdir, fileName),
  ) {
    try {
      mkdirSync(logdir, { recursive: true });
      accessSync(logdir, constants.W_OK);
      this.fd = openSync(path, "a");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot write event files to the logdir ${JSON.stringify(logdir)}: ${reason}`);
    }
  }

  write(bytes: Buffer, length: number): void {
    if (this.fd === undefined) return;
    let written = 0;
    while (written < length) written += writeSync(this.fd, bytes, written, length - written);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  settled(): Promise<void> {
    return Promise.resolve();
  }
}

export const DEFAULT_OBJECT_BYTES = 16 << 20;

export class S3ObjectTarget implements ByteTarget {
  private readonly store: S3Store;
  private readonly bucket: string;
  private readonly prefix: string;
  private key: string;
  private chunks: Buffer[] = [];
  private size = 0;
  private dirty = false;
  private uploading: Promise<void> = Promise.resolve();
  private lastError: Error | undefined;

  constructor(
    logdir: string,
    private readonly nextFileName: () => string,
    options: { s3?: S3Options; objectBytes?: number } = {},
    private readonly objectBytes = options.objectBytes ?? DEFAULT_OBJECT_BYTES,
  ) {
    const { bucket, prefix } = parseS3Url(logdir);
    this.bucket = bucket;
    this.prefix = prefix;
    this.store = new S3Store(options.s3);
    this.key = this.keyOf(nextFileName());
  }

  private keyOf(name: string): string {
    return this.prefix ? `${this.prefix}/${name}` : name;
  }

  get path(): string {
    return `s3://${this.bucket}/${this.key}`;
  }

  write(bytes: Buffer, length: number): void {
    // As PyTorch's writer thread does: an upload that failed after its retries is reported at the next write.
    if (this.lastError) throw this.lastError;
    if (this.size > 0 && this.size + length > this.objectBytes) this.rotate();
    this.chunks.push(Buffer.from(bytes.subarray(0, length)));
    this.size += length;
    this.dirty = true;
    this.upload();
  }

  /** Uploads the current object once more, then continues in a new one (a new event file of the same run). */
  private rotate(): void {
    this.upload();
    this.key = this.keyOf(this.nextFileName());
    this.chunks = [];
    this.size = 0;
  }

  private upload(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const [key, body] = [this.key, Buffer.concat(this.chunks)];
    this.chunks = [body];
    this.uploading = this.uploading.then(() =>
      this.store.write(this.bucket, key, body).then(
        () => {
          this.lastError = undefined;
        },
        (error: Error) => {
          this.lastError = error;
          process.emitWarning(`tensorscope: ${error.message}`);
        },
      ),
    );
  }

  close(): void {
    this.upload();
  }

  async settled(): Promise<void> {
    await this.uploading;
    if (this.lastError) throw this.lastError;
  }
}

export function targetFor(
  logdir: string,
  nextFileName: () => string,
  options: { s3?: S3Options; objectBytes?: number },
): ByteTarget {
  return isS3Url(logdir)
    ? new S3ObjectTarget(logdir, nextFileName, options)
    : new LocalFileTarget(logdir, nextFileName());
}

export { joinLogdir };
