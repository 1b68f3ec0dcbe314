// The Kafka TCP listener: accepts connections and tracks them for a clean shutdown.
import net from "node:net";
import type { Logger } from "pino";
import type { ApiRegistration } from "../apis/handler.js";
import type { Broker } from "../broker.js";
import { Connection } from "./connection.js";

export class KafkaServer {
  private readonly server: net.Server;
  private readonly connections = new Map<number, net.Socket>();
  private nextConnectionId = 1;

  constructor(
    private readonly broker: Broker,
    private readonly apis: ReadonlyMap<number, ApiRegistration>,
    private readonly log: Logger,
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.on("error", (error) => this.log.error({ err: error }, "listener error"));
  }

  private accept(socket: net.Socket): void {
    const id = this.nextConnectionId++;
    this.connections.set(id, socket);
    socket.on("close", () => this.connections.delete(id));
    new Connection(socket, id, this.broker, this.apis, this.log);
  }

  listen(host: string, port: number): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen({ host, port }, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  /** Stops accepting and closes every client connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.connections.values()) socket.destroy();
    await closed;
  }
}
