// The ObjectStore over an S3-compatible endpoint (AWS S3, MinIO, s3rver...) with the AWS SDK v3: one
// attempt per request (retrying is RetryingObjectStore's job, so the counters here are exact), multipart
// uploads for large objects, SDK errors translated into ObjectStoreErrors that say whether to retry.
import { addAbortSignal, type Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { LatencyHistogram } from "../../metrics/latency-histogram.js";
import {
  abortedError,
  type ByteRange,
  emptyOperationStats,
  OBJECT_OPERATIONS,
  type ObjectInfo,
  ObjectNotFoundError,
  type ObjectOperation,
  type ObjectStore,
  ObjectStoreError,
  type OperationStats,
  type RequestInterceptor,
  type RequestOptions,
} from "./object-store.js";

const MiB = 1024 * 1024;
/** S3's smallest part (except the last) and its largest part count. */
const MIN_PART_BYTES = 5 * MiB;
const MAX_PARTS = 10_000;
/** S3's limit for one ListObjectsV2 page and one DeleteObjects request. */
const MAX_KEYS_PER_REQUEST = 1000;

export interface S3ObjectStoreOptions {
  bucket: string;
  region: string;
  /** e.g. http://127.0.0.1:9000 for a local endpoint; AWS's regional endpoint when omitted. */
  endpoint?: string;
  /** Bucket in the path rather than the host name: what most S3-compatible servers need. */
  forcePathStyle?: boolean;
  /** Static credentials; when omitted, the SDK's standard provider chain (env, profile, instance role). */
  credentials?: S3ClientConfig["credentials"];
  /** Objects larger than this are written as multipart uploads. Default 16 MiB. */
  multipartThresholdBytes?: number;
  /** Part size of multipart uploads; at least 5 MiB (S3's minimum). Default 8 MiB. */
  partBytes?: number;
  /** Parts of one upload sent at once. Default 4. */
  partConcurrency?: number;
  /** Keys asked for per list page (at most 1000). Default 1000. */
  listPageSize?: number;
  /** Keys per DeleteObjects request (at most 1000). Default 1000. */
  deleteBatchSize?: number;
}

interface ServiceErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** Service error codes that mean "slow down": always worth another attempt after a pause. */
const THROTTLING_CODES = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "BandwidthLimitExceeded",
]);
/** Errors of the service's own making that a later attempt may not meet. */
const TRANSIENT_CODES = new Set([
  "InternalError",
  "ServiceUnavailable",
  "RequestTimeout",
  "RequestTimeoutException",
]);
const NETWORK_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

function isNotFound(error: unknown): boolean {
  const name = (error as ServiceErrorShape | undefined)?.name;
  // HEAD answers 404 without a body, which the SDK names "NotFound"; NoSuchBucket is a 404 too, not ours.
  return name === "NoSuchKey" || name === "NotFound";
}

/** Translates whatever the SDK threw for one request into an ObjectStoreError. */
export function toObjectStoreError(
  error: unknown,
  operation: ObjectOperation,
  key: string,
  signal?: AbortSignal,
): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  if (signal?.aborted) return abortedError(signal, operation, key);
  if (isNotFound(error)) return new ObjectNotFoundError(operation, key, error);
  const shape = (error ?? {}) as ServiceErrorShape;
  const message = shape.message ?? String(error);
  const status = shape.$metadata?.httpStatusCode;
  const networkCode = shape.code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (shape.name === "TimeoutError") {
    return new ObjectStoreError(`${operation} ${key}: timed out: ${message}`, {
      operation,
      key,
      code: "Timeout",
      retryable: true,
      cause: error,
    });
  }
  if (
    (networkCode !== undefined && NETWORK_ERROR_CODES.has(networkCode)) ||
    /socket hang up/i.test(message)
  ) {
    return new ObjectStoreError(`${operation} ${key}: network error: ${message}`, {
      operation,
      key,
      code: "NetworkError",
      retryable: true,
      cause: error,
    });
  }
  if (shape.name === "AbortError") {
    return new ObjectStoreError(`${operation} ${key}: aborted`, {
      operation,
      key,
      code: "Aborted",
      retryable: false,
      cause: error,
    });
  }
  const code =
    shape.name && shape.name !== "Error" && shape.name !== "Unknown" ? shape.name : `Http${status}`;
  const retryable =
    THROTTLING_CODES.has(code) ||
    TRANSIENT_CODES.has(code) ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    Boolean(shape.$retryable);
  return new ObjectStoreError(
    `${operation} ${key}: ${code}${status === undefined ? "" : ` (HTTP ${status})`}: ${message}`,
    { operation, key, code, retryable, status, cause: error },
  );
}

export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly multipartThresholdBytes: number;
  private readonly partBytes: number;
  private readonly partConcurrency: number;
  private readonly listPageSize: number;
  private readonly deleteBatchSize: number;
  private readonly counters = emptyOperationStats();
  private readonly latencies = Object.fromEntries(
    OBJECT_OPERATIONS.map((operation) => [operation, new LatencyHistogram()]),
  ) as Record<ObjectOperation, LatencyHistogram>;
  private readonly interceptors: RequestInterceptor[] = [];

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.multipartThresholdBytes = options.multipartThresholdBytes ?? 16 * MiB;
    this.partBytes = options.partBytes ?? 8 * MiB;
    this.partConcurrency = options.partConcurrency ?? 4;
    this.listPageSize = options.listPageSize ?? MAX_KEYS_PER_REQUEST;
    this.deleteBatchSize = options.deleteBatchSize ?? MAX_KEYS_PER_REQUEST;
    if (this.partBytes < MIN_PART_BYTES) {
      throw new RangeError(`partBytes must be at least ${MIN_PART_BYTES} (S3's minimum part size)`);
    }
    if (!Number.isInteger(this.partConcurrency) || this.partConcurrency < 1) {
      throw new RangeError("partConcurrency must be a positive integer");
    }
    for (const [name, value] of [
      ["listPageSize", this.listPageSize],
      ["deleteBatchSize", this.deleteBatchSize],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > MAX_KEYS_PER_REQUEST) {
        throw new RangeError(`${name} must be an integer from 1 to ${MAX_KEYS_PER_REQUEST}`);
      }
    }
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      maxAttempts: 1,
      // Checksums only where the API demands them: S3-compatible servers (s3rver among them) reject or
      // mangle the SDK's default CRC32 trailers on uploads.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  /**
   * The bucket's default encryption, for the security summary: e.g. "aws:kms", "AES256", "none",
   * or "unknown (…)" when the endpoint cannot say (s3rver does not implement it).
   */
  async bucketEncryption(): Promise<string> {
    try {
      const response = await this.client.send(new GetBucketEncryptionCommand({ Bucket: this.bucket }));
      const algorithms = (response.ServerSideEncryptionConfiguration?.Rules ?? []).flatMap((rule) =>
        rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm
          ? [rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm]
          : [],
      );
      return algorithms.length > 0 ? algorithms.join(", ") : "none";
    } catch (error) {
      const name = (error as { name?: string }).name ?? "";
      if (name === "ServerSideEncryptionConfigurationNotFoundError") return "none";
      return `unknown (${name || (error as Error).message})`;
    }
  }

  async put(key: string, body: Buffer | readonly Buffer[], options: RequestOptions = {}) {
    const chunks: readonly Buffer[] = Buffer.isBuffer(body) ? [body] : body;
    const size = chunks.reduce((total, chunk) => total + chunk.length, 0);
    if (size > this.multipartThresholdBytes) {
      await this.putMultipart(key, chunks, size, options.signal);
      return { size };
    }
    const payload = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
    await this.send(
      "put",
      [key],
      options.signal,
      (signal) =>
        this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: payload, ContentLength: size }),
          { abortSignal: signal },
        ),
      () => size,
    );
    return { size };
  }

  async get(key: string, range?: ByteRange, options: RequestOptions = {}): Promise<Buffer> {
    if (range !== undefined) {
      if (!Number.isSafeInteger(range.position) || range.position < 0) {
        throw new RangeError(`invalid range position ${range.position}`);
      }
      if (!Number.isSafeInteger(range.size) || range.size < 0) {
        throw new RangeError(`invalid range size ${range.size}`);
      }
      // An empty range is no request: HTTP cannot express it.
      if (range.size === 0) return Buffer.alloc(0);
    }
    const { body, contentRange } = await this.send(
      "get",
      [key],
      options.signal,
      async (signal) => {
        const response = await this.client.send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Range: range && `bytes=${range.position}-${range.position + range.size - 1}`,
          }),
          { abortSignal: signal },
        );
        return {
          body: await readBody(response.Body as Readable | undefined, signal),
          contentRange: response.ContentRange,
        };
      },
      (result) => result.body.length,
    );
    return range === undefined ? body : exactRange(key, body, contentRange, range);
  }

  async head(key: string, options: RequestOptions = {}): Promise<ObjectInfo | undefined> {
    return this.send(
      "head",
      [key],
      options.signal,
      async (signal) => {
        try {
          const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), {
            abortSignal: signal,
          });
          return {
            key,
            size: response.ContentLength ?? 0,
            lastModified: response.LastModified ?? new Date(0),
          };
        } catch (error) {
          // A missing object is an answer here, not a failed request.
          if (isNotFound(error) && !signal?.aborted) return undefined;
          throw error;
        }
      },
      () => 0,
    );
  }

  async list(prefix: string, options: RequestOptions = {}): Promise<ObjectInfo[]> {
    const objects: ObjectInfo[] = [];
    let marker: string | undefined;
    do {
      // ListObjects (v1) pages by marker, the last key seen: every S3-compatible server supports it, while
      // s3rver fails on Node >= 17 to mint ListObjectsV2 continuation tokens (its cipher is DES).
      const page = await this.send(
        "list",
        [prefix],
        options.signal,
        (signal) =>
          this.client.send(
            new ListObjectsCommand({
              Bucket: this.bucket,
              Prefix: prefix === "" ? undefined : prefix,
              Marker: marker,
              MaxKeys: this.listPageSize,
            }),
            { abortSignal: signal },
          ),
        () => 0,
      );
      const contents = page.Contents ?? [];
      for (const entry of contents) {
        if (entry.Key === undefined) continue;
        objects.push({
          key: entry.Key,
          size: entry.Size ?? 0,
          lastModified: entry.LastModified ?? new Date(0),
        });
      }
      // Without a delimiter S3 leaves NextMarker out; the last key is the marker then.
      const lastKey = contents.at(-1)?.Key;
      marker = page.IsTruncated ? (page.NextMarker ?? lastKey) : undefined;
    } while (marker !== undefined);
    return objects;
  }

  async delete(keys: readonly string[], options: RequestOptions = {}): Promise<void> {
    for (let start = 0; start < keys.length; start += this.deleteBatchSize) {
      const batch = keys.slice(start, start + this.deleteBatchSize);
      const response = await this.send(
        "delete",
        batch,
        options.signal,
        (signal) =>
          this.client.send(
            new DeleteObjectsCommand({
              Bucket: this.bucket,
              Delete: { Objects: batch.map((key) => ({ Key: key })), Quiet: true },
            }),
            { abortSignal: signal },
          ),
        () => 0,
      );
      // DeleteObjects answers 200 and lists per-key failures in its body.
      const failure = response.Errors?.find((error) => error.Code !== "NoSuchKey");
      if (failure !== undefined) {
        const code = failure.Code ?? "InternalError";
        this.counters.delete.errors += 1;
        throw new ObjectStoreError(
          `delete ${failure.Key}: ${code}: ${failure.Message ?? "not deleted"} (${response.Errors?.length} of ${batch.length} keys failed)`,
          {
            operation: "delete",
            key: failure.Key ?? "",
            code,
            retryable: THROTTLING_CODES.has(code) || TRANSIENT_CODES.has(code),
          },
        );
      }
    }
  }

  stats(): Record<ObjectOperation, OperationStats> {
    const stats = structuredClone(this.counters);
    for (const operation of OBJECT_OPERATIONS)
      stats[operation].latency = this.latencies[operation].snapshot();
    return stats;
  }

  addRequestInterceptor(interceptor: RequestInterceptor): () => void {
    this.interceptors.push(interceptor);
    return () => {
      const index = this.interceptors.indexOf(interceptor);
      if (index >= 0) this.interceptors.splice(index, 1);
    };
  }

  /** Creates the bucket unless it exists (for embedded and development endpoints). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      const status = (error as ServiceErrorShape).$metadata?.httpStatusCode;
      if (status !== 404) throw toObjectStoreError(error, "head", this.bucket);
    }
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      const name = (error as ServiceErrorShape).name;
      // Another process created it in between.
      if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") {
        throw toObjectStoreError(error, "put", this.bucket);
      }
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /**
   * Sends one request: runs the interceptors, then `request`, and counts it. Every SDK call goes
   * through here, so the counters see each attempt, page and part.
   */
  private async send<T>(
    operation: ObjectOperation,
    keys: readonly string[],
    signal: AbortSignal | undefined,
    request: (signal: AbortSignal | undefined) => Promise<T>,
    bytes: (result: T) => number,
  ): Promise<T> {
    const key = keys[0] ?? "";
    for (const interceptor of this.interceptors) {
      await interceptor({ operation, keys, signal });
    }
    if (signal?.aborted) throw abortedError(signal, operation, key);
    const counters = this.counters[operation];
    counters.requests += 1;
    const started = performance.now();
    try {
      const result = await request(signal);
      counters.bytes += bytes(result);
      return result;
    } catch (error) {
      counters.errors += 1;
      throw toObjectStoreError(error, operation, key, signal);
    } finally {
      const latency = performance.now() - started;
      counters.latencyMsTotal += latency;
      counters.latencyMsMax = Math.max(counters.latencyMsMax, latency);
      this.latencies[operation].observeMs(latency);
    }
  }

  private async putMultipart(
    key: string,
    chunks: readonly Buffer[],
    size: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const created = await this.send(
      "createMultipart",
      [key],
      signal,
      (requestSignal) =>
        this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }), {
          abortSignal: requestSignal,
        }),
      () => 0,
    );
    const uploadId = created.UploadId;
    if (uploadId === undefined) {
      throw new ObjectStoreError(`createMultipart ${key}: the response carried no upload id`, {
        operation: "createMultipart",
        key,
        code: "InvalidResponse",
        retryable: true,
      });
    }
    try {
      const parts = await this.uploadParts(key, uploadId, chunks, size, signal);
      await this.send(
        "completeMultipart",
        [key],
        signal,
        (requestSignal) =>
          this.client.send(
            new CompleteMultipartUploadCommand({
              Bucket: this.bucket,
              Key: key,
              UploadId: uploadId,
              MultipartUpload: { Parts: parts.map((eTag, index) => ({ ETag: eTag, PartNumber: index + 1 })) },
            }),
            { abortSignal: requestSignal },
          ),
        () => 0,
      );
    } catch (error) {
      // Without the caller's signal: the upload's parts must not linger (and be billed) because the
      // caller gave up. A failed abort leaves them to the bucket's lifecycle rule; the first error stands.
      await this.send(
        "abortMultipart",
        [key],
        undefined,
        () =>
          this.client.send(
            new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
          ),
        () => 0,
      ).catch(() => undefined);
      throw error;
    }
  }

  /** Uploads the parts with bounded concurrency; the first failure stops the rest. Returns their ETags. */
  private async uploadParts(
    key: string,
    uploadId: string,
    chunks: readonly Buffer[],
    size: number,
    signal: AbortSignal | undefined,
  ): Promise<string[]> {
    const partBytes = Math.max(this.partBytes, Math.ceil(size / MAX_PARTS));
    const partCount = Math.ceil(size / partBytes);
    const eTags = new Array<string>(partCount);
    const stop = new AbortController();
    const partSignal = signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]);
    let firstError: unknown;
    let next = 0;
    const worker = async () => {
      while (next < partCount && firstError === undefined) {
        const index = next++;
        const body = sliceChunks(chunks, index * partBytes, Math.min(size, (index + 1) * partBytes));
        try {
          const response = await this.send(
            "uploadPart",
            [key],
            partSignal,
            (requestSignal) =>
              this.client.send(
                new UploadPartCommand({
                  Bucket: this.bucket,
                  Key: key,
                  UploadId: uploadId,
                  PartNumber: index + 1,
                  Body: body,
                  ContentLength: body.length,
                }),
                { abortSignal: requestSignal },
              ),
            () => body.length,
          );
          if (response.ETag === undefined) {
            throw new ObjectStoreError(`uploadPart ${key}: part ${index + 1} answered without an ETag`, {
              operation: "uploadPart",
              key,
              code: "InvalidResponse",
              retryable: true,
            });
          }
          eTags[index] = response.ETag;
        } catch (error) {
          // Parts cut short by `stop` fail too; the error to report is the one that caused it.
          if (firstError === undefined) {
            firstError = error;
            stop.abort(error);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.partConcurrency, partCount) }, worker));
    if (firstError !== undefined) throw firstError;
    return eTags;
  }
}

/**
 * Exactly `range` out of a ranged GET's body. HTTP lets a server ignore Range (200 and the whole object)
 * or answer a wider range than asked (s3rver does for "bytes=0-0"); fewer bytes than asked means the
 * object ends inside the range, which a caller holding an index into the object must hear about.
 */
function exactRange(key: string, body: Buffer, contentRange: string | undefined, range: ByteRange): Buffer {
  const match = contentRange === undefined ? null : /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(contentRange);
  const start = contentRange === undefined ? 0 : match ? Number(match[1]) : Number.NaN;
  const offset = range.position - start;
  if (offset >= 0 && body.length - offset >= range.size) {
    return body.subarray(offset, offset + range.size);
  }
  throw new ObjectStoreError(
    `get ${key}: asked for ${range.size} bytes at ${range.position}, got ${Math.max(0, body.length - offset)} (${contentRange ?? "whole object"})`,
    { operation: "get", key, code: "InvalidRange", retryable: false },
  );
}

/** Bytes [start, end) of the concatenation of `chunks`, without copying when one chunk holds them. */
function sliceChunks(chunks: readonly Buffer[], start: number, end: number): Buffer {
  const pieces: Buffer[] = [];
  let chunkStart = 0;
  for (const chunk of chunks) {
    const chunkEnd = chunkStart + chunk.length;
    if (chunkEnd > start && chunkStart < end) {
      pieces.push(chunk.subarray(Math.max(0, start - chunkStart), Math.min(chunk.length, end - chunkStart)));
    }
    if (chunkEnd >= end) break;
    chunkStart = chunkEnd;
  }
  return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces, end - start);
}

/** Reads a response body into one Buffer; `signal` also cuts the body short, not just the headers. */
async function readBody(body: Readable | undefined, signal: AbortSignal | undefined): Promise<Buffer> {
  if (body === undefined) return Buffer.alloc(0);
  const stream = signal === undefined ? body : addAbortSignal(signal, body);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}
