// What every SummaryWriter method stands on: the logdir, its main event file and the sub-runs' files
// (addScalars, addHparams), opened lazily and reopened after close() as PyTorch does.
import { EventFileWriter } from "./file-writer";
import { summaryEventPayload, type SummaryValueInit } from "./encode";
import { checkStep, defaultLogdir } from "./writer-args";
import { parseS3Url, S3Store, type S3Options } from "./s3";

export interface SummaryWriterOptions {
  /** Seconds between automatic flushes of buffered events (default 2). */
  flushSecs?: number;
  /** Appended to the default logdir name, as PyTorch's `comment`. */
  comment?: string;
  filenameSuffix?: string;
  /**
   * Resuming a run at this step, as PyTorch's purge_step: the new file starts with SessionLog.START at this step,
   * and readers (TensorBoard's and ours) drop the points an earlier session logged at this step or later.
   */
  purgeStep?: number;
  /** Client options for an s3://bucket/prefix logdir (default: the usual AWS environment variables). */
  s3?: S3Options;
}

export class WriterCore {
  readonly logdir: string;
  protected readonly options: SummaryWriterOptions;
  private main: EventFileWriter;
  private readonly subWriters = new Map<string, EventFileWriter>();
  /** Uploads of files beside the event files (the projector's, for an s3:// logdir), in order. */
  private uploads: Promise<void> = Promise.resolve();
  private uploadError: Error | undefined;

  constructor(logdir?: string, options: SummaryWriterOptions = {}) {
    if (logdir !== undefined && typeof logdir !== "string") {
      throw new TypeError(`SummaryWriter: logdir must be a string path, got ${String(logdir)}`);
    }
    if (options.purgeStep !== undefined) checkStep(options.purgeStep, "SummaryWriter purgeStep");
    this.logdir = logdir ?? defaultLogdir(options.comment ?? "");
    this.options = options;
    // Only the first file says START: a file reopened after close() continues the same session.
    this.main = this.openFile(this.logdir, options.purgeStep);
  }

  getLogdir(): string {
    return this.logdir;
  }

  private openFile(dir: string, purgeStep?: number): EventFileWriter {
    return new EventFileWriter(dir, {
      flushSecs: this.options.flushSecs,
      filenameSuffix: this.options.filenameSuffix,
      purgeStep,
      s3: this.options.s3,
    });
  }

  /** The main file; after close() PyTorch starts a new file on the next write, and so do we. */
  protected file(): EventFileWriter {
    if (this.main.closed) this.main = this.openFile(this.logdir);
    return this.main;
  }

  protected subFile(dir: string): EventFileWriter {
    let writer = this.subWriters.get(dir);
    if (!writer || writer.closed) {
      writer = this.openFile(dir);
      this.subWriters.set(dir, writer);
    }
    return writer;
  }

  protected appendSummary(
    file: EventFileWriter,
    step: number,
    wallTime: number,
    values: SummaryValueInit[],
  ): void {
    file.appendPayload(summaryEventPayload(wallTime, step, values));
  }

  /** A writer of files beside the event files of an s3:// logdir: uploads in the background, one at a time. */
  protected uploadFile(): (path: string, bytes: string | Buffer) => void {
    const { bucket, prefix } = parseS3Url(this.logdir);
    const store = new S3Store(this.options.s3);
    return (path, bytes) => {
      const key = prefix ? `${prefix}/${path}` : path;
      const body = Buffer.from(bytes);
      this.uploads = this.uploads.then(() =>
        store.write(bucket, key, body).catch((error: Error) => {
          this.uploadError = error;
          process.emitWarning(`tensorscope: ${error.message}`);
        }),
      );
    };
  }

  private async uploadsSettled(): Promise<void> {
    await this.uploads;
    if (this.uploadError) throw this.uploadError;
  }

  /** Writes everything buffered to disk now. */
  flush(): void {
    this.main.flush();
    for (const writer of this.subWriters.values()) writer.flush();
  }

  /** Flushes and closes every file of this writer (sub-runs included). Closing twice does nothing. */
  close(): void {
    this.main.close();
    for (const writer of this.subWriters.values()) writer.close();
  }

  private files(): EventFileWriter[] {
    return [this.main, ...this.subWriters.values()];
  }

  /** flush(), then waits until the bytes have reached their destination (for s3:// logdirs: uploaded). */
  async flushAsync(): Promise<void> {
    const files = this.files();
    this.flush();
    await Promise.all([...files.map((file) => file.settled()), this.uploadsSettled()]);
  }

  /** close(), then waits for the last uploads of an s3:// logdir; rejects if one failed after retries. */
  async closeAsync(): Promise<void> {
    const files = this.files();
    this.close();
    await Promise.all([...files.map((file) => file.settled()), this.uploadsSettled()]);
  }
}
