// The broker's HTTP listener: /health today; /metrics and the schema registry mount here later.
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

  constructor(private readonly log: Logger) {
    this.server = http.createServer((request, response) => this.handle(request, response));
    this.server.on("clientError", (_error, socket) => socket.destroy());
  }

  route(path: string, handler: HttpRoute): void {
    this.routes.set(path, handler);
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const path = new URL(request.url ?? "/", "http://broker").pathname;
    const route = this.routes.get(path);
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
