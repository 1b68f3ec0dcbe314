// A local S3-compatible endpoint (s3rver) on loopback, keeping its objects under one directory: the
// bucket for development (`npm run deps`) and for tests, so that neither needs a cloud account.
import { mkdir } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import S3rver from "s3rver";
import type { S3ObjectStoreOptions } from "./s3-object-store.js";

export interface EmbeddedS3Options {
  /** Where s3rver keeps buckets and objects; created when missing, reused afterwards. */
  directory: string;
  /** Loopback by default: the endpoint's credentials are public knowledge. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  bucket: string;
}

export interface EmbeddedS3 {
  /** e.g. http://127.0.0.1:9000; needs path-style requests. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** What `new S3ObjectStore(...)` needs to reach this endpoint. */
  storeOptions: S3ObjectStoreOptions;
  stop(): Promise<void>;
}

/**
 * s3rver accepts only its own fixed key pair. That is fine for an endpoint bound to loopback holding
 * development data; it is not a secret and must never guard anything reachable from elsewhere.
 */
const S3RVER_ACCESS_KEY_ID = "S3RVER";
const S3RVER_SECRET_ACCESS_KEY = "S3RVER";
/** s3rver's continuation tokens name us-east-1 and it rejects tokens naming any other region. */
const S3RVER_REGION = "us-east-1";

/** S3's naming rules, which s3rver also enforces (it refuses names shorter than 3 characters). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  if (!BUCKET_NAME.test(options.bucket)) {
    throw new Error(
      `invalid bucket name '${options.bucket}': 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit`,
    );
  }
  const host = options.host ?? "127.0.0.1";
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    directory: options.directory,
    silent: true,
    // Path-style only: with a bare IP address there is no host name to carry the bucket.
    vhostBuckets: false,
    configureBuckets: [{ name: options.bucket }],
  });
  await server.configureBuckets();
  // Our own HTTP server rather than s3rver.run(), which leaves a listen error (a port in use)
  // unhandled and so crashes the process instead of rejecting.
  const httpServer = createServer(server.callback());
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port ?? 0, host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  }).catch((error: unknown) => {
    throw new Error(
      `the embedded S3 endpoint cannot listen on ${host}:${options.port ?? 0}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  });
  const address = httpServer.address() as AddressInfo;
  const endpoint = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    bucket: options.bucket,
    region: S3RVER_REGION,
    accessKeyId: S3RVER_ACCESS_KEY_ID,
    secretAccessKey: S3RVER_SECRET_ACCESS_KEY,
    storeOptions: {
      endpoint,
      region: S3RVER_REGION,
      bucket: options.bucket,
      forcePathStyle: true,
      credentials: { accessKeyId: S3RVER_ACCESS_KEY_ID, secretAccessKey: S3RVER_SECRET_ACCESS_KEY },
    },
    stop: () => {
      stopped ??= (async () => {
        const closed = new Promise<void>((resolve, reject) =>
          httpServer.close((error) => (error ? reject(error) : resolve())),
        );
        // Keep-alive connections of clients not yet closed would otherwise hold the server open.
        httpServer.closeAllConnections();
        await closed;
      })();
      return stopped;
    },
  };
}
