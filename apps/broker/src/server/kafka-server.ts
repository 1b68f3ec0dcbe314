// The Kafka listeners: one TCP (or TLS) server per configured listener, accepting connections with
// that listener's security (TLS handshake first, a SASL session where the protocol asks for one),
// tracking every socket for a clean shutdown and every connection for the metrics endpoint.
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

/** One listener's connections, for the metrics endpoint. */
export interface ListenerConnectionStats {
  listener: string;
  securityProtocol: string;
  /** Connections open now (TLS ones once their handshake completed). */
  open: number;
  accepted: number;
  /** Open connections whose client authenticated (SASL, or a verified client certificate). */
  authenticated: number;
  /** Connections whose SASL authentication failed (each counted once, when it closes). */
  authenticationFailures: number;
}

interface ListenerConnections {
  readonly securityProtocol: string;
  readonly open: Set<Connection>;
  accepted: number;
  authenticationFailures: number;
}

export class KafkaServer {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly connections = new Map<string, ListenerConnections>();
  private nextConnectionId = 1;

  constructor(
    private readonly broker: Broker,
    private readonly apis: ReadonlyMap<number, ApiRegistration>,
    private readonly log: Logger,
  ) {}

  /** Opens one listener; resolves with the address it is bound to. */
  listen(listener: ListenerSpec, security: ListenerSecurity): Promise<net.AddressInfo> {
    const log = this.log.child({ listener: listener.name });
    this.connections.set(listener.name, {
      securityProtocol: listener.securityProtocol,
      open: new Set(),
      accepted: 0,
      authenticationFailures: 0,
    });
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
    const connection = new Connection(socket, id, this.broker, this.apis, connectionLog, {
      listener: { name: listener.name, securityProtocol: listener.securityProtocol },
      sasl: security.sasl && new SaslSession(security.sasl, clientHost, connectionLog),
      certificatePrincipal,
    });
    const counted = this.connections.get(listener.name);
    if (!counted) return;
    counted.accepted += 1;
    counted.open.add(connection);
    socket.once("close", () => {
      counted.open.delete(connection);
      if (connection.authenticationFailed) counted.authenticationFailures += 1;
    });
  }

  /** Per listener: connections open and accepted, authenticated sessions, failed authentications. */
  connectionStats(): ListenerConnectionStats[] {
    return [...this.connections].map(([name, counted]) => {
      let authenticated = 0;
      for (const connection of counted.open) if (connection.authenticated) authenticated += 1;
      return {
        listener: name,
        securityProtocol: counted.securityProtocol,
        open: counted.open.size,
        accepted: counted.accepted,
        authenticated,
        authenticationFailures: counted.authenticationFailures,
      };
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
