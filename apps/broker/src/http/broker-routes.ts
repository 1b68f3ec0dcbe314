// The broker's HTTP endpoints: /health for probes, /stats for where reads were served from and
// what storage is doing, /metrics for Prometheus, /cluster/topics for every topic's traffic and size
// across the cluster, /security for this broker's security boundary (no credentials), and — only with
// --s3-fault-injection — the test hook that injects object-store faults into a running broker.
import type http from "node:http";
import type { FaultInjectingObjectStore } from "../storage/objects/fault-injecting-object-store.js";
import { parseFaultRules } from "../storage/objects/fault-injecting-object-store.js";
import { type HttpServer, sendJson } from "./http-server.js";

export interface BrokerRouteSources {
  health(): Record<string, unknown>;
  stats(): Promise<Record<string, unknown>>;
  /** The Prometheus text exposition of this broker's metrics. */
  metrics(): Promise<{ contentType: string; text: string }>;
  clusterTopics(): Promise<unknown>;
  security(): Promise<unknown>;
  faults: FaultInjectingObjectStore | undefined;
}

const MAX_BODY_BYTES = 64 * 1024;

export function registerBrokerRoutes(server: HttpServer, sources: BrokerRouteSources): void {
  server.route("/health", (_request, response) =>
    sendJson(response, 200, { status: "ok", ...sources.health() }),
  );
  server.route("/stats", async (_request, response) => sendJson(response, 200, await sources.stats()));
  server.route("/metrics", async (request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return sendJson(response, 405, { error: "GET only" });
    }
    const { contentType, text } = await sources.metrics();
    response.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
    response.end(request.method === "HEAD" ? undefined : text);
  });
  server.route("/cluster/topics", async (request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return sendJson(response, 405, { error: "GET only" });
    }
    return sendJson(response, 200, await sources.clusterTopics());
  });
  server.route("/security", async (request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return sendJson(response, 405, { error: "GET only" });
    }
    return sendJson(response, 200, await sources.security());
  });
  server.route("/debug/object-store/faults", async (request, response) => {
    const faults = sources.faults;
    if (!faults) return sendJson(response, 404, { error: "start the broker with --s3-fault-injection" });
    if (request.method === "DELETE") {
      faults.clear();
      return sendJson(response, 200, { cleared: true });
    }
    if (request.method !== "POST") return sendJson(response, 405, { error: "POST rules or DELETE" });
    try {
      const rules = parseFaultRules((await readBody(request)).trim());
      for (const rule of rules) faults.inject(rule);
      return sendJson(response, 200, { injected: rules.length });
    } catch (error) {
      return sendJson(response, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  });
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError(`request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
