// The operator CLI's one Kafka connection: TCP or TLS to the first bootstrap broker that answers,
// ApiVersions, a SASL login when the security protocol asks for one, then requests paired with
// responses by correlation id. Encoding stays in @streambed/protocol; this module moves frames.
import { readFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import {
  ApiKey,
  type ApiKeyNumber,
  apiVersionRange,
  decodeResponse,
  ErrorCode,
  encodeRequest,
  errorName,
  type RequestOf,
  type ResponseOf,
} from "@streambed/protocol";
import { AdminConnectionError, UsageError } from "./cli-errors.js";
import { SASL_MECHANISMS, type SaslCredentials, type SaslMechanismName, saslLogin } from "./sasl-login.js";

export const CLI_CLIENT_ID = "streambed-cli";
const CLIENT_SOFTWARE_VERSION = "0.1.0";
/** ApiVersions v3 is the first flexible version; a broker that lacks it answers in v0 (KIP-511). */
const API_VERSIONS_VERSION = 3;
const CONNECT_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** A response larger than this is a broken stream (or not Kafka), not an answer worth buffering. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export const SECURITY_PROTOCOLS = ["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export const DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

export interface ConnectionSettings {
  /** Tried in order until one connects. */
  bootstrap: string[];
  securityProtocol: SecurityProtocol;
  /** Present exactly when the security protocol is SASL_PLAINTEXT or SASL_SSL. */
  sasl?: SaslCredentials;
  /** PEM CA bundle the broker's certificate must chain to (default: Node's CAs and NODE_EXTRA_CA_CERTS). */
  ca?: Buffer;
}

/** The connection flags as typed, before files and environment are read. */
export interface ConnectionFlags {
  bootstrap?: string;
  securityProtocol?: string;
  saslMechanism?: string;
  username?: string;
  passwordFile?: string;
  caFile?: string;
}

/**
 * Settings from flags and environment (flags win): STREAMBED_BOOTSTRAP, and the admin password from
 * STREAMBED_ADMIN_PASSWORD or --password-file — never from a flag's value, which `ps` would show.
 */
export function resolveConnectionSettings(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
): ConnectionSettings {
  const bootstrap = (flags.bootstrap ?? env.STREAMBED_BOOTSTRAP ?? DEFAULT_BOOTSTRAP)
    .split(",")
    .map((address) => address.trim())
    .filter((address) => address !== "");
  if (bootstrap.length === 0) throw new UsageError("--bootstrap names no broker");
  for (const address of bootstrap) parseBrokerAddress(address);
  const securityProtocol = (flags.securityProtocol ?? "PLAINTEXT").toUpperCase();
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(securityProtocol))
    throw new UsageError(`--security-protocol must be one of ${SECURITY_PROTOCOLS.join(", ")}`);
  const protocol = securityProtocol as SecurityProtocol;
  const usesSasl = protocol === "SASL_PLAINTEXT" || protocol === "SASL_SSL";
  const usesTls = protocol === "SSL" || protocol === "SASL_SSL";
  if (!usesSasl && (flags.username !== undefined || flags.saslMechanism !== undefined))
    throw new UsageError(
      `--username and --sasl-mechanism need --security-protocol SASL_PLAINTEXT or SASL_SSL`,
    );
  if (!usesTls && flags.caFile !== undefined)
    throw new UsageError("--ca-file needs --security-protocol SSL or SASL_SSL");
  const settings: ConnectionSettings = { bootstrap, securityProtocol: protocol };
  if (flags.caFile !== undefined) settings.ca = readFlagFile("--ca-file", flags.caFile);
  if (usesSasl) settings.sasl = saslCredentials(flags, env);
  return settings;
}

function saslCredentials(flags: ConnectionFlags, env: NodeJS.ProcessEnv): SaslCredentials {
  const mechanism = (flags.saslMechanism ?? "SCRAM-SHA-512").toUpperCase();
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism))
    throw new UsageError(`--sasl-mechanism must be one of ${SASL_MECHANISMS.join(", ")}`);
  if (flags.username === undefined || flags.username === "") throw new UsageError("SASL needs --username");
  let password: string;
  if (flags.passwordFile !== undefined) {
    // The file's first line, so that `echo secret > file` works as expected.
    password = readFlagFile("--password-file", flags.passwordFile).toString("utf8").split(/\r?\n/)[0] ?? "";
  } else if (env.STREAMBED_ADMIN_PASSWORD) {
    password = env.STREAMBED_ADMIN_PASSWORD;
  } else {
    throw new UsageError("SASL needs a password: set STREAMBED_ADMIN_PASSWORD or give --password-file");
  }
  if (password === "") throw new UsageError("the admin password is empty");
  return { mechanism: mechanism as SaslMechanismName, username: flags.username, password };
}

function readFlagFile(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

export interface BrokerAddress {
  host: string;
  port: number;
}

/** `host:port`, `[ipv6]:port`, or a bare host (port 9092, Kafka's default). */
export function parseBrokerAddress(address: string): BrokerAddress {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
  const singleColon = address.includes(":") && address.indexOf(":") === address.lastIndexOf(":");
  const [host, port] = bracketed
    ? [bracketed[1], bracketed[2]]
    : singleColon
      ? address.split(":")
      : [address, undefined];
  const portNumber = port === undefined || port === "" ? 9092 : Number(port);
  if (!host || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65_535)
    throw new UsageError(`"${address}" is not a broker address (host:port)`);
  return { host, port: portNumber };
}

interface PendingRequest {
  resolve: (frame: Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class AdminConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, PendingRequest>();
  private nextCorrelationId = 1;
  private closedBecause: AdminConnectionError | null = null;
  private brokerVersions = new Map<number, [number, number]>();

  private constructor(
    readonly address: string,
    private readonly socket: net.Socket,
  ) {
    socket.on("data", (data: Buffer) => this.receive(data));
    socket.on("error", (error) => this.fail(new AdminConnectionError(`${address}: ${error.message}`)));
    socket.on("close", () =>
      this.fail(
        new AdminConnectionError(
          `${address} closed the connection (does its listener need another --security-protocol?)`,
        ),
      ),
    );
  }

  /** Connects to the first bootstrap broker that answers, agrees versions and logs in. */
  static async connect(settings: ConnectionSettings): Promise<AdminConnection> {
    const failures: string[] = [];
    for (const address of settings.bootstrap) {
      let socket: net.Socket;
      try {
        socket = await openSocket(address, settings);
      } catch (error) {
        failures.push((error as Error).message);
        continue;
      }
      const connection = new AdminConnection(address, socket);
      try {
        await connection.negotiateVersions();
        if (settings.sasl) await saslLogin(connection, settings.sasl);
      } catch (error) {
        connection.close();
        throw error;
      }
      return connection;
    }
    throw new AdminConnectionError(`cannot connect to any bootstrap broker: ${failures.join("; ")}`);
  }

  /** The highest version of `apiKey` both we and the broker speak, not below `minimum`. */
  version(apiKey: ApiKeyNumber, minimum = 0): number {
    const ours = apiVersionRange(apiKey);
    const theirs = this.brokerVersions.get(apiKey);
    const low = Math.max(ours?.[0] ?? 0, theirs?.[0] ?? 0, minimum);
    const high = Math.min(ours?.[1] ?? -1, theirs?.[1] ?? -1);
    if (!ours || !theirs || high < low) {
      const offered = theirs ? `v${theirs[0]}-v${theirs[1]}` : "no version";
      throw new AdminConnectionError(
        `${this.address} serves ${apiName(apiKey)} ${offered}; this CLI needs v${low} or newer`,
      );
    }
    return high;
  }

  async request<K extends ApiKeyNumber>(
    apiKey: K,
    version: number,
    body: Partial<RequestOf<K>>,
  ): Promise<ResponseOf<K>> {
    const frame = await this.exchange(apiKey, version, body);
    try {
      return decodeResponse(apiKey, version, frame).body;
    } catch (error) {
      const failure = new AdminConnectionError(
        `cannot decode ${this.address}'s ${apiName(apiKey)} v${version} response: ${(error as Error).message}`,
      );
      this.fail(failure);
      throw failure;
    }
  }

  close(): void {
    this.fail(new AdminConnectionError(`${this.address}: connection closed by the client`));
  }

  private async negotiateVersions(): Promise<void> {
    const frame = await this.exchange(ApiKey.ApiVersions, API_VERSIONS_VERSION, {
      clientSoftwareName: CLI_CLIENT_ID,
      clientSoftwareVersion: CLIENT_SOFTWARE_VERSION,
    });
    let response: ResponseOf<typeof ApiKey.ApiVersions>;
    try {
      response = decodeResponse(ApiKey.ApiVersions, API_VERSIONS_VERSION, frame).body;
    } catch {
      try {
        response = decodeResponse(ApiKey.ApiVersions, 0, frame).body;
      } catch (error) {
        throw new AdminConnectionError(
          `${this.address} does not answer ApiVersions like a Kafka broker: ${(error as Error).message}`,
        );
      }
    }
    if (response.errorCode !== ErrorCode.NONE && response.errorCode !== ErrorCode.UNSUPPORTED_VERSION)
      throw new AdminConnectionError(
        `${this.address} answered ApiVersions with ${errorName(response.errorCode)}`,
      );
    this.brokerVersions = new Map(
      response.apiKeys.map((api) => [api.apiKey, [api.minVersion, api.maxVersion] as [number, number]]),
    );
  }

  private exchange<K extends ApiKeyNumber>(
    apiKey: K,
    version: number,
    body: Partial<RequestOf<K>>,
  ): Promise<Buffer> {
    if (this.closedBecause) return Promise.reject(this.closedBecause);
    const correlationId = this.nextCorrelationId++;
    const frame = encodeRequest(apiKey, version, correlationId, CLI_CLIENT_ID, body);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          new AdminConnectionError(
            `${this.address} did not answer ${apiName(apiKey)} within ${REQUEST_TIMEOUT_MS} ms`,
          ),
        );
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(correlationId, { resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  private receive(data: Buffer): void {
    this.buffered = this.buffered.length === 0 ? data : Buffer.concat([this.buffered, data]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (size < 4 || size > MAX_RESPONSE_BYTES) {
        this.fail(new AdminConnectionError(`${this.address} sent a response frame of ${size} bytes`));
        return;
      }
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      // Every response header starts with the correlation id, whatever its version.
      const correlationId = frame.readInt32BE(0);
      const waiter = this.pending.get(correlationId);
      if (!waiter) continue;
      this.pending.delete(correlationId);
      clearTimeout(waiter.timer);
      waiter.resolve(frame);
    }
  }

  private fail(error: AdminConnectionError): void {
    if (this.closedBecause) return;
    this.closedBecause = error;
    this.socket.destroy();
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.pending.clear();
  }
}

function openSocket(address: string, settings: ConnectionSettings): Promise<net.Socket> {
  const { host, port } = parseBrokerAddress(address);
  const usesTls = settings.securityProtocol === "SSL" || settings.securityProtocol === "SASL_SSL";
  return new Promise<net.Socket>((resolve, reject) => {
    const socket = usesTls
      ? tls.connect({
          host,
          port,
          ...(net.isIP(host) === 0 && { servername: host }),
          ...(settings.ca && { ca: settings.ca }),
        })
      : net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new AdminConnectionError(`${address}: no connection within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    socket.once(usesTls ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new AdminConnectionError(`${address}: ${error.message}`));
    });
  });
}

function apiName(apiKey: number): string {
  return Object.entries(ApiKey).find(([, key]) => key === apiKey)?.[0] ?? `API ${apiKey}`;
}
