// TLS for SSL and SASL_SSL listeners (node:tls with the operator's PEM files), optional client
// certificates on SSL listeners, and the principal a verified client certificate stands for:
// "User:" + its subject DN in RFC 2253 form, as Kafka's default principal builder makes it.
import { readFileSync } from "node:fs";
import type { TLSSocket, TlsOptions } from "node:tls";
import type { BrokerConfig } from "../config.js";
import type { ListenerSpec } from "./listeners.js";

type TlsConfig = Pick<BrokerConfig, "tlsCert" | "tlsKey" | "tlsCa" | "tlsClientAuth">;

/** A value starting with "-----BEGIN" is PEM itself; anything else is a file to read. */
function pem(value: string, flag: string): Buffer {
  if (value.trimStart().startsWith("-----BEGIN")) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (error) {
    throw new Error(`${flag}: cannot read ${value}: ${(error as Error).message}`);
  }
}

/** Server options for one listener; client certificates are asked for on SSL listeners only. */
export function tlsServerOptions(config: TlsConfig, listener: ListenerSpec): TlsOptions {
  const clientAuth = listener.securityProtocol === "SSL" ? config.tlsClientAuth : "none";
  return {
    cert: pem(config.tlsCert!, "--tls-cert"),
    key: pem(config.tlsKey!, "--tls-key"),
    ...(config.tlsCa && { ca: pem(config.tlsCa, "--tls-ca") }),
    minVersion: "TLSv1.2",
    requestCert: clientAuth !== "none",
    // "requested" lets a client without a certificate in; one with a bad certificate is refused
    // after the handshake (see certificateRefusal).
    rejectUnauthorized: clientAuth === "required",
  };
}

/** Why a TLS connection must be closed although its handshake completed, or undefined. */
export function certificateRefusal(socket: TLSSocket): string | undefined {
  const presented = Object.keys(socket.getPeerCertificate() ?? {}).length > 0;
  if (presented && !socket.authorized)
    return `client certificate not trusted: ${String(socket.authorizationError)}`;
  return undefined;
}

/** "User:CN=alice,OU=eng,O=acme" for a verified client certificate; undefined without one. */
export function certificatePrincipal(socket: TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  const certificate = socket.getPeerX509Certificate();
  return certificate ? `User:${rfc2253(certificate.subject)}` : undefined;
}

/**
 * Node gives the subject one attribute per line, most significant first ("C=US\nO=acme\nCN=alice"),
 * values already escaped as RFC 2253 asks; RFC 2253 lists them the other way round, comma-separated.
 */
export function rfc2253(subject: string): string {
  return subject
    .split("\n")
    .filter((line) => line !== "")
    .reverse()
    .join(",");
}
