// The catch-up limits each live broker has in force, read from its own HTTP listener (`GET /stats`,
// `catchUpLimiter.limits`): the byte rate and concurrency that keep a backfill's object-storage reads
// from starving tailing consumers. The broker list and addresses come from `GET /cluster/topics`.
import { fetchClusterTraffic } from "../clusters/broker-http.js";

/** How operators set the limits: the broker's flags and environment variables. */
export const CATCH_UP_SETTINGS = {
  bytesPerSecond: { flag: "--catch-up-bytes-per-second", env: "STREAMBED_CATCH_UP_BYTES_PER_SECOND" },
  concurrency: { flag: "--catch-up-read-concurrency", env: "STREAMBED_CATCH_UP_READ_CONCURRENCY" },
} as const;

export interface BrokerCatchUpLimits {
  brokerId: number;
  /** Bytes per second of catch-up reads; 0 is unlimited, null when the broker did not say. */
  bytesPerSecond: number | null;
  /** Concurrent catch-up reads; 0 is unlimited, null when the broker did not say. */
  maxConcurrentReads: number | null;
  /** A byte-rate limit is in force: concurrency alone does not bound the bandwidth a backfill takes. */
  configured: boolean;
  /** Why the limits are unknown, when they are. */
  problem: string | null;
}

export interface CatchUpLimitsReport {
  brokers: BrokerCatchUpLimits[];
  /** Why no broker could be asked at all (no endpoint registered, or it did not answer). */
  problem: string | null;
}

function limitValue(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null;
}

async function brokerLimits(
  brokerId: number,
  url: URL | null,
  timeoutMs: number,
): Promise<BrokerCatchUpLimits> {
  const unknown = (problem: string) => ({
    brokerId,
    bytesPerSecond: null,
    maxConcurrentReads: null,
    configured: false,
    problem,
  });
  if (!url) return unknown("the broker did not report its HTTP address");
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return unknown(`${url.host}/stats answered HTTP ${response.status}`);
    const body = (await response.json()) as { catchUpLimiter?: { limits?: Record<string, unknown> } };
    const limits = body.catchUpLimiter?.limits;
    if (!limits) return unknown("the broker's /stats has no catch-up limits (a broker version before them)");
    const bytesPerSecond = limitValue(limits.bytesPerSecond);
    return {
      brokerId,
      bytesPerSecond,
      maxConcurrentReads: limitValue(limits.maxConcurrentReads),
      configured: bytesPerSecond !== null && bytesPerSecond > 0,
      problem: null,
    };
  } catch (error) {
    return unknown(`${url.host} did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Every live broker's limits, in broker id order. */
export async function fetchCatchUpLimits(
  httpEndpoint: string | null,
  timeoutMs = 3000,
): Promise<CatchUpLimitsReport> {
  if (!httpEndpoint) {
    return {
      brokers: [],
      problem: "the cluster has no HTTP endpoint registered, so its brokers' limits cannot be read",
    };
  }
  const traffic = await fetchClusterTraffic(httpEndpoint, timeoutMs);
  if (!traffic) return { brokers: [], problem: `the brokers' HTTP endpoint ${httpEndpoint} did not answer` };
  // Each broker reports only itself; its address has no scheme, so it takes the registered endpoint's.
  const scheme = new URL(httpEndpoint).protocol;
  const live = traffic.brokers.filter((broker) => broker.live).sort((a, b) => a.id - b.id);
  const brokers = await Promise.all(
    live.map((broker) =>
      brokerLimits(
        broker.id,
        broker.httpAddress ? new URL("/stats", `${scheme}//${broker.httpAddress}`) : null,
        timeoutMs,
      ),
    ),
  );
  return { brokers, problem: brokers.length === 0 ? "no live broker is registered" : null };
}

function byteRate(bytesPerSecond: number): string {
  const units = ["B/s", "KiB/s", "MiB/s", "GiB/s"];
  let value = bytesPerSecond;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** "10 MiB/s, 8 concurrent reads", "no byte-rate limit, 8 concurrent reads" or why it is unknown. */
export function describeCatchUpLimits(broker: BrokerCatchUpLimits): string {
  if (broker.problem !== null) return `unknown: ${broker.problem}`;
  const rate =
    broker.bytesPerSecond === null || broker.bytesPerSecond === 0
      ? "no byte-rate limit"
      : byteRate(broker.bytesPerSecond);
  const reads =
    broker.maxConcurrentReads === null
      ? "concurrency unknown"
      : broker.maxConcurrentReads === 0
        ? "unlimited concurrent reads"
        : `${broker.maxConcurrentReads} concurrent reads`;
  return `${rate}, ${reads}`;
}
