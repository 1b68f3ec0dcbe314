// The brokers' HTTP endpoint as the console reads it: cluster-wide traffic and stored bytes per
// topic (`GET /cluster/topics`). Optional: a cluster registered without an endpoint, or one that
// does not answer, simply has no traffic figures.

export interface TopicTraffic {
  topic: string;
  bytesIn: number;
  recordsIn: number;
  bytesOut: number;
  storedBytes: number;
}

export interface RegisteredBroker {
  id: number;
  httpAddress: string | null;
  /** Holds a lease: heartbeating and not shut down. */
  live: boolean;
}

export interface ClusterTraffic {
  at: number;
  brokers: RegisteredBroker[];
  totals: { bytesIn: number; bytesOut: number; storedBytes: number; objects?: number; objectBytes?: number };
  topics: TopicTraffic[];
}

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** Reads /cluster/topics; null when there is no endpoint or it does not answer in time. */
export async function fetchClusterTraffic(
  httpEndpoint: string | null,
  timeoutMs = 3000,
): Promise<ClusterTraffic | null> {
  if (!httpEndpoint) return null;
  try {
    const response = await fetch(new URL("/cluster/topics", httpEndpoint), {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return null;
    const body = (await response.json()) as {
      at?: unknown;
      totals?: Record<string, unknown>;
      topics?: Record<string, unknown>[];
      brokers?: Record<string, unknown>[];
    };
    return {
      at: typeof body.at === "number" ? body.at : Date.parse(String(body.at)) || Date.now(),
      brokers: (body.brokers ?? []).map((broker) => ({
        id: num(broker.id),
        httpAddress: typeof broker.httpAddress === "string" ? broker.httpAddress : null,
        live: broker.live === true,
      })),
      totals: {
        bytesIn: num(body.totals?.bytesIn),
        bytesOut: num(body.totals?.bytesOut),
        storedBytes: num(body.totals?.storedBytes),
        objects: num(body.totals?.objects),
        objectBytes: num(body.totals?.objectBytes),
      },
      topics: (body.topics ?? []).map((topic) => ({
        topic: String(topic.topic),
        bytesIn: num(topic.bytesIn),
        recordsIn: num(topic.recordsIn),
        bytesOut: num(topic.bytesOut),
        storedBytes: num(topic.storedBytes),
      })),
    };
  } catch {
    return null;
  }
}

/** The broker's own account of its security boundary (`GET /security`); null when unavailable. */
export async function fetchSecuritySummary(
  httpEndpoint: string | null,
  timeoutMs = 3000,
): Promise<Record<string, unknown> | null> {
  if (!httpEndpoint) return null;
  try {
    const response = await fetch(new URL("/security", httpEndpoint), {
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.ok ? ((await response.json()) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
