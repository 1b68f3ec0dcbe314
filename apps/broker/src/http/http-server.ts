// The broker's HTTP listener: exact paths (/health, /stats, …) and path prefixes (the schema
// registry's /subjects/…, /schemas/…) routed to their handlers; a handler's failure is a 500.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";

export type HttpRoute = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
) => Promise<void> | void;

export class HttpServer {
  private readonly server: http.Server;
  private readonly routes = new Map<string, HttpRoute>();
  /** Longest prefix first, so a more specific mount wins. */
  private readonly prefixRoutes: { prefix: string; handler: HttpRoute }[] = [];

  constructor(private readonly log: Logger) {
    this.server = http.createServer((request, response) => this.handle(request, response));
    this.server.on("clientError", (_error, socket) => socket.destroy());
  }

  /** Serves exactly `path`. */
  route(path: string, handler: HttpRoute): void {
    this.routes.set(path, handler);
  }

  /** Serves `prefix` and every path below it (`prefix/…`) that no exact route serves. */
  routePrefix(prefix: string, handler: HttpRoute): void {
    const normalized = prefix.replace(/\/+$/, "");
    this.prefixRoutes.push({ prefix: normalized, handler });
    this.prefixRoutes.sort((left, right) => right.prefix.length - left.prefix.length);
  }

  private find(path: string): HttpRoute | undefined {
    const exact = this.routes.get(path);
    if (exact) return exact;
    return this.prefixRoutes.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`))?.handler;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    let path: string;
    try {
      path = new URL(request.url ?? "/", "http://broker").pathname;
    } catch {
      // An absolute-form target with an unparseable authority: the client's mistake, not a crash.
      sendJson(response, 400, { error: "malformed request target" });
      return;
    }
    const route = this.find(path);
    if (!route) {
      sendJson(response, 404, { error: "not found", path });
      return;
    }
    Promise.resolve()
      .then(() => route(request, response))
      .catch((error: unknown) => {
        this.log.error({ err: error, path }, "http handler failed");
        if (!response.headersSent) sendJson(response, 500, { error: "internal error" });
        else response.destroy();
      });
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen({ host, port }, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}
