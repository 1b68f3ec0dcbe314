// Kafka requests as the connections see them: how many arrived per API, how long their handlers
// took, and the error codes their responses carried. Counted on the hot path, so each API has one
// preallocated counter object indexed by api key and nothing is allocated per request.
import { ApiKey, ErrorCode, errorName } from "@streambed/protocol";
import { type HistogramSnapshot, LatencyHistogram } from "./latency-histogram.js";

/** Kafka's name of each api key ("Produce", "Fetch", …): the `api` label. */
const API_NAMES = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key, name]));

export function apiName(apiKey: number): string {
  return API_NAMES.get(apiKey) ?? `Unknown${apiKey}`;
}

interface ApiCounters {
  requests: number;
  /** By error code: every non-zero code the responses carried. */
  errors: Map<number, number>;
  latency: LatencyHistogram;
}

export interface ApiRequestSnapshot {
  api: string;
  requests: number;
  errors: { error: string; count: number }[];
  latency: HistogramSnapshot;
}

interface PartitionErrors {
  errorCode?: unknown;
}

export class RequestMetrics {
  private readonly byApiKey: (ApiCounters | undefined)[] = [];

  /** A request was decoded and handed to its handler. */
  received(apiKey: number): void {
    this.countersOf(apiKey).requests += 1;
  }

  /**
   * Its handler answered after `elapsedMs`. Error codes are taken where they are cheap to find: the
   * response's top-level `errorCode`, and for Produce and Fetch (whose failures are per partition)
   * each partition's, as Kafka's ErrorsPerSec counts them. Per-partition codes of other APIs (the
   * admin and offset APIs) would need a walk per response shape and are not counted.
   */
  answered(apiKey: number, elapsedMs: number, body: unknown): void {
    const counters = this.countersOf(apiKey);
    counters.latency.observeMs(elapsedMs);
    if (typeof body !== "object" || body === null) return;
    const response = body as { errorCode?: unknown; responses?: unknown };
    if (typeof response.errorCode === "number") this.countError(counters, response.errorCode);
    if ((apiKey === ApiKey.Produce || apiKey === ApiKey.Fetch) && Array.isArray(response.responses)) {
      for (const topic of response.responses as { partitionResponses?: unknown; partitions?: unknown }[]) {
        const partitions = apiKey === ApiKey.Produce ? topic.partitionResponses : topic.partitions;
        if (!Array.isArray(partitions)) continue;
        for (const partition of partitions as PartitionErrors[]) {
          if (typeof partition.errorCode === "number") this.countError(counters, partition.errorCode);
        }
      }
    }
  }

  /** Its handler threw: the connection is closed, which clients see as a server error. */
  failed(apiKey: number, elapsedMs: number): void {
    const counters = this.countersOf(apiKey);
    counters.latency.observeMs(elapsedMs);
    this.countError(counters, ErrorCode.UNKNOWN_SERVER_ERROR);
  }

  /** Every API that has seen a request, in api key order. */
  snapshot(): ApiRequestSnapshot[] {
    const snapshots: ApiRequestSnapshot[] = [];
    this.byApiKey.forEach((counters, apiKey) => {
      if (!counters) return;
      snapshots.push({
        api: apiName(apiKey),
        requests: counters.requests,
        errors: [...counters.errors].map(([code, count]) => ({ error: errorName(code), count })),
        latency: counters.latency.snapshot(),
      });
    });
    return snapshots;
  }

  private countError(counters: ApiCounters, errorCode: number): void {
    if (errorCode === ErrorCode.NONE) return;
    counters.errors.set(errorCode, (counters.errors.get(errorCode) ?? 0) + 1);
  }

  private countersOf(apiKey: number): ApiCounters {
    let counters = this.byApiKey[apiKey];
    if (!counters) {
      counters = { requests: 0, errors: new Map(), latency: new LatencyHistogram() };
      this.byApiKey[apiKey] = counters;
    }
    return counters;
  }
}
