// The Kafka listeners: one TCP (or TLS) server per configured listener, accepting connections with
// that listener's security (TLS handshake first, a SASL session where the protocol asks for one),
// and tracking every socket for a clean shutdown.
import net from "node:net";
import tls from "node:tls";
import type { Logger } from "pino";
import type { ApiRegistration } from "../apis/handler.js";
import type { Broker } from "../broker.js";
import type { ListenerSpec } from "../security/listeners.js";
import { SaslSession, type SaslSettings } from "../security/sasl/sasl-session.js";
import { certificatePrincipal, certificateRefusal } from "../security/tls.js";
import { Connection } from "./connection.js";

export interface ListenerSecurity {
  /** Present on SSL and SASL_SSL listeners. */
  tls?: tls.TlsOptions;
  /** Present on SASL_PLAINTEXT and SASL_SSL listeners. */
  sasl?: SaslSettings;
}

export class KafkaServer {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private nextConnectionId = 1;

  constructor(
    private readonly broker: Broker,
    private readonly apis: ReadonlyMap<number, ApiRegistration>,
    private readonly log: Logger,
  ) {}

  /** Opens one listener; resolves with the address it is bound to. */
  listen(listener: ListenerSpec, security: ListenerSecurity): Promise<net.AddressInfo> {
    const log = this.log.child({ listener: listener.name });
    const server = security.tls
      ? tls.createServer(security.tls, (socket) => this.acceptTls(socket, listener, security, log))
      : net.createServer((socket) => this.accept(socket, listener, security, undefined, log));
    // Raw sockets, TLS ones still in their handshake included, so that close() ends them all.
    server.on("connection", (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    server.on("tlsClientError", (error: Error, socket: tls.TLSSocket) =>
      log.info({ client: socket.remoteAddress, reason: error.message }, "TLS handshake failed"),
    );
    server.on("error", (error) => log.error({ err: error }, "listener error"));
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: listener.host, port: listener.port }, () => {
        server.off("error", reject);
        resolve(server.address() as net.AddressInfo);
      });
    });
  }

  private acceptTls(
    socket: tls.TLSSocket,
    listener: ListenerSpec,
    security: ListenerSecurity,
    log: Logger,
  ): void {
    const refusal = certificateRefusal(socket);
    if (refusal) {
      log.info({ client: socket.remoteAddress, reason: refusal }, "TLS client refused");
      socket.destroy();
      return;
    }
    const principal = listener.securityProtocol === "SSL" ? certificatePrincipal(socket) : undefined;
    if (principal) log.info({ client: socket.remoteAddress, principal }, "TLS client authenticated");
    this.accept(socket, listener, security, principal, log);
  }

  private accept(
    socket: net.Socket,
    listener: ListenerSpec,
    security: ListenerSecurity,
    certificatePrincipal: string | undefined,
    log: Logger,
  ): void {
    const id = this.nextConnectionId++;
    const clientHost = socket.remoteAddress ?? "unknown";
    const connectionLog = log.child({ connection: id, client: `${clientHost}:${socket.remotePort}` });
    new Connection(socket, id, this.broker, this.apis, connectionLog, {
      listener: { name: listener.name, securityProtocol: listener.securityProtocol },
      sasl: security.sasl && new SaslSession(security.sasl, clientHost, connectionLog),
      certificatePrincipal,
    });
  }

  /** Stops accepting and closes every client connection. */
  async close(): Promise<void> {
    const closed = this.servers.map(
      (server) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(closed);
  }
}
