// The broker's object store as configured: the operator's bucket (endpoint, region, credentials
// from the standard AWS chain) or, without one, an embedded S3-compatible endpoint under the data
// directory; wrapped in the retry policy, with the opt-in fault injector underneath for tests.

import path from "node:path";
import type { Logger } from "pino";
import type { BrokerConfig } from "../../config.js";
import { startEmbeddedS3 } from "./embedded-s3.js";
import { FaultInjectingObjectStore, parseFaultRules } from "./fault-injecting-object-store.js";
import type { ObjectStore } from "./object-store.js";
import { RetryingObjectStore } from "./retrying-object-store.js";
import { S3ObjectStore, type S3ObjectStoreOptions } from "./s3-object-store.js";

export interface OpenedObjectStorage {
  store: ObjectStore;
  /** Present with --s3-fault-injection: tests add and clear faults through it. */
  faults: FaultInjectingObjectStore | undefined;
  /** Where the data lives, for logs and /stats (never credentials). */
  location: { endpoint: string; bucket: string; region: string; embedded: boolean };
  /** The bucket's default encryption as S3 reports it. */
  bucketEncryption(): Promise<string>;
  stop(): Promise<void>;
}

export const EMBEDDED_BUCKET = "streambed";

export async function openObjectStorage(config: BrokerConfig, logger: Logger): Promise<OpenedObjectStorage> {
  let options: S3ObjectStoreOptions;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let embedded = false;
  if (config.bucket) {
    options = {
      bucket: config.bucket,
      region: config.s3Region,
      ...(config.s3Endpoint && { endpoint: config.s3Endpoint }),
      forcePathStyle: config.s3PathStyle ?? config.s3Endpoint !== undefined,
    };
  } else {
    if (config.s3Endpoint) throw new Error("--s3-endpoint needs --bucket");
    const s3 = await startEmbeddedS3({ directory: path.join(config.dataDir, "s3"), bucket: EMBEDDED_BUCKET });
    options = s3.storeOptions;
    stopEmbedded = () => s3.stop();
    embedded = true;
    logger.info({ endpoint: s3.endpoint, bucket: s3.bucket }, "started the embedded S3-compatible endpoint");
  }
  const s3 = new S3ObjectStore(options);
  let faults: FaultInjectingObjectStore | undefined;
  if (config.s3FaultInjection !== undefined) {
    faults = new FaultInjectingObjectStore(s3, {
      onFault: (fault) =>
        logger.warn(
          { operation: fault.operation, key: fault.key, fault: fault.rule.fault },
          "injected object-store fault",
        ),
    });
    if (config.s3FaultInjection !== "enabled") {
      for (const rule of parseFaultRules(config.s3FaultInjection)) faults.inject(rule);
    }
    logger.warn("object-store fault injection is enabled: for tests only");
  }
  const store = new RetryingObjectStore(faults ?? s3, {
    onRetry: (event) =>
      logger.debug(
        {
          operation: event.operation,
          key: event.key,
          attempt: event.attempt,
          delayMs: event.delayMs,
          code: event.error.code,
        },
        "retrying an object-store request",
      ),
  });
  return {
    store,
    faults,
    location: {
      endpoint: options.endpoint ?? `https://s3.${options.region}.amazonaws.com`,
      bucket: options.bucket,
      region: options.region,
      embedded,
    },
    bucketEncryption: () => s3.bucketEncryption(),
    async stop() {
      await stopEmbedded?.();
    },
  };
}
