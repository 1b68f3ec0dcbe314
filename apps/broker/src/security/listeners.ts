// The broker's Kafka listeners from --listeners, --advertised-listeners and
// --listener-security-protocol-map, in Kafka's syntax, validated at start-up; and what a client on
// one listener is told about every broker's address.
import type { ListenerIdentity, SecurityProtocol } from "../apis/handler.js";
import type { BrokerConfig } from "../config.js";
import { isSaslMechanism, type SaslMechanismName } from "./sasl/sasl-mechanism.js";

const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];

export interface ListenerSpec extends ListenerIdentity {
  readonly host: string;
  readonly port: number;
  readonly advertisedHost: string;
  readonly advertisedPort: number;
  /** Whether the advertised address was given (and so is not replaced by the bound port). */
  readonly advertisedExplicitly: boolean;
}

export interface NodeAddress {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export class ListenerConfigError extends Error {
  constructor(message: string) {
    super(`invalid listener configuration: ${message}`);
    this.name = "ListenerConfigError";
  }
}

type SecurityConfig = Pick<
  BrokerConfig,
  | "listen"
  | "advertisedListen"
  | "listeners"
  | "advertisedListeners"
  | "listenerSecurityProtocolMap"
  | "tlsCert"
  | "tlsKey"
  | "tlsCa"
  | "tlsClientAuth"
  | "saslMechanisms"
>;

export function usesTls(protocol: SecurityProtocol): boolean {
  return protocol === "SSL" || protocol === "SASL_SSL";
}

export function usesSasl(protocol: SecurityProtocol): boolean {
  return protocol === "SASL_PLAINTEXT" || protocol === "SASL_SSL";
}

/** The listeners to open; throws ListenerConfigError naming the first problem. */
export function resolveListeners(config: SecurityConfig): ListenerSpec[] {
  if (!config.listeners) {
    if (config.advertisedListeners || config.listenerSecurityProtocolMap) {
      throw new ListenerConfigError(
        "--advertised-listeners and --listener-security-protocol-map need --listeners",
      );
    }
    const advertised = config.advertisedListen ?? config.listen;
    return [
      {
        name: "PLAINTEXT",
        securityProtocol: "PLAINTEXT",
        host: config.listen.host,
        port: config.listen.port,
        advertisedHost: advertised.host,
        advertisedPort: advertised.port,
        advertisedExplicitly: config.advertisedListen !== undefined,
      },
    ];
  }
  const protocolMap = parseProtocolMap(config.listenerSecurityProtocolMap);
  const listeners = parseEndpoints(config.listeners, "--listeners");
  const advertised = new Map(
    parseEndpoints(config.advertisedListeners ?? "", "--advertised-listeners").map((entry) => [
      entry.name,
      entry,
    ]),
  );
  const ports = new Set<number>();
  const specs = listeners.map((listener): ListenerSpec => {
    const securityProtocol = protocolMap.get(listener.name);
    if (!securityProtocol) {
      throw new ListenerConfigError(
        `listener ${listener.name} is not a security protocol (${SECURITY_PROTOCOLS.join(", ")}) and --listener-security-protocol-map does not name it`,
      );
    }
    if (listener.port !== 0 && ports.has(listener.port)) {
      throw new ListenerConfigError(`port ${listener.port} is used by more than one listener`);
    }
    ports.add(listener.port);
    const announced = advertised.get(listener.name);
    return {
      name: listener.name,
      securityProtocol,
      host: listener.host,
      port: listener.port,
      advertisedHost: announced?.host ?? listener.host,
      advertisedPort: announced?.port ?? listener.port,
      advertisedExplicitly: announced !== undefined,
    };
  });
  for (const name of advertised.keys()) {
    if (!specs.some((spec) => spec.name === name)) {
      throw new ListenerConfigError(`--advertised-listeners names ${name}, which is not in --listeners`);
    }
  }
  validateSecurity(specs, config);
  return specs;
}

/** The SASL mechanisms from --sasl-mechanisms, each one this broker implements. */
export function enabledSaslMechanisms(value: string): SaslMechanismName[] {
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  for (const name of names) {
    if (!isSaslMechanism(name)) {
      throw new ListenerConfigError(
        `--sasl-mechanisms: ${name} is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512`,
      );
    }
  }
  return names as SaslMechanismName[];
}

function validateSecurity(specs: ListenerSpec[], config: SecurityConfig): void {
  if (specs.some((spec) => usesTls(spec.securityProtocol)) && (!config.tlsCert || !config.tlsKey)) {
    throw new ListenerConfigError("SSL and SASL_SSL listeners need --tls-cert and --tls-key");
  }
  if (config.tlsClientAuth !== "none" && !config.tlsCa) {
    throw new ListenerConfigError(
      `--tls-client-auth ${config.tlsClientAuth} needs --tls-ca to verify client certificates`,
    );
  }
  if (
    specs.some((spec) => usesSasl(spec.securityProtocol)) &&
    enabledSaslMechanisms(config.saslMechanisms).length === 0
  ) {
    throw new ListenerConfigError("SASL listeners need at least one mechanism in --sasl-mechanisms");
  }
}

function parseProtocolMap(value: string | undefined): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>(SECURITY_PROTOCOLS.map((protocol) => [protocol, protocol]));
  for (const entry of (value ?? "").split(",").filter((part) => part.trim() !== "")) {
    const match = /^\s*([A-Za-z0-9_-]+):([A-Z_]+)\s*$/.exec(entry);
    const protocol = match?.[2] as SecurityProtocol | undefined;
    if (!match || !protocol || !SECURITY_PROTOCOLS.includes(protocol)) {
      throw new ListenerConfigError(
        `--listener-security-protocol-map entry "${entry}" is not NAME:PROTOCOL with PROTOCOL one of ${SECURITY_PROTOCOLS.join(", ")}`,
      );
    }
    map.set(match[1]!.toUpperCase(), protocol);
  }
  return map;
}

function parseEndpoints(value: string, flag: string): { name: string; host: string; port: number }[] {
  const names = new Set<string>();
  return value
    .split(",")
    .filter((part) => part.trim() !== "")
    .map((entry) => {
      // NAME://HOST:PORT, HOST may be [IPv6] or empty (every interface, as in Kafka)
      const match = /^\s*([A-Za-z0-9_-]+):\/\/(\[[0-9a-fA-F:.]+\]|[^:/\s[\]]*):(\d{1,5})\s*$/.exec(entry);
      if (!match) throw new ListenerConfigError(`${flag} entry "${entry}" is not NAME://HOST:PORT`);
      const name = match[1]!.toUpperCase();
      const port = Number(match[3]);
      if (port > 65535) throw new ListenerConfigError(`${flag} entry "${entry}": port out of range`);
      if (names.has(name)) throw new ListenerConfigError(`${flag} names listener ${name} twice`);
      names.add(name);
      const host = match[2]!.replace(/^\[|\]$/g, "");
      return { name, host: host === "" ? "0.0.0.0" : host, port };
    });
}

/**
 * A broker's address as a client on `listener` must be told it. This broker knows its own address
 * on every listener. The brokers table holds each other broker's address on its first listener
 * only, so for another listener the port is shifted by the same offset this broker's listeners
 * have from its first one (all brokers share one listener layout; see the README).
 */
export function addressOnListener(
  node: NodeAddress,
  listener: ListenerIdentity,
  own: { brokerId: number; listeners: readonly ListenerSpec[] },
): NodeAddress {
  const mine = own.listeners.find((spec) => spec.name === listener.name);
  const first = own.listeners[0];
  if (!mine || !first) return node;
  if (node.nodeId === own.brokerId) return { ...node, host: mine.advertisedHost, port: mine.advertisedPort };
  if (mine === first) return node;
  return { ...node, port: node.port + (mine.advertisedPort - first.advertisedPort) };
}
