// What the broker can say about its own security boundary, for the console's summary and the
// readiness scorecard: each listener and its protection, whether authentication and ACLs are
// enforced, the TLS certificate's expiry, the bucket's encryption, and where data lives (bucket,
// region, database host). Never credentials.

import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { BrokerConfig } from "../config.js";
import { type ListenerSpec, usesSasl, usesTls } from "./listeners.js";

export interface SecuritySummary {
  listeners: {
    name: string;
    securityProtocol: string;
    address: string;
    advertised: string;
    encrypted: boolean;
    authenticates: boolean;
    clientCertificates: string;
  }[];
  authentication: { required: boolean; saslMechanisms: string[] };
  authorization: { enforced: boolean; superUsers: string[]; allowEveryoneIfNoAclFound: boolean };
  tlsCertificate: { subject: string; validTo: string; daysLeft: number } | null;
  storage: { bucket: string; region: string; endpoint: string; embedded: boolean; encryption: string };
  database: { host: string; database: string };
}

/** The certificate in --tls-cert (a path or the PEM itself); null without one or when unreadable. */
function certificate(config: BrokerConfig): SecuritySummary["tlsCertificate"] {
  if (!config.tlsCert) return null;
  try {
    const pem = config.tlsCert.includes("-----BEGIN") ? config.tlsCert : readFileSync(config.tlsCert, "utf8");
    const parsed = new X509Certificate(pem);
    const validTo = new Date(parsed.validTo);
    return {
      subject: parsed.subject.replaceAll("\n", ", "),
      validTo: validTo.toISOString(),
      daysLeft: Math.floor((validTo.getTime() - Date.now()) / 86_400_000),
    };
  } catch {
    return null;
  }
}

/** Host and database name of a PostgreSQL URL, without user or password. */
export function databaseLocation(url: string): SecuritySummary["database"] {
  try {
    const parsed = new URL(url);
    return {
      host: parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname,
      database: parsed.pathname.slice(1),
    };
  } catch {
    return { host: "unknown", database: "unknown" };
  }
}

export function securitySummary(input: {
  config: BrokerConfig;
  listeners: readonly ListenerSpec[];
  authorizerEnabled: boolean;
  storage: Omit<SecuritySummary["storage"], "encryption">;
  bucketEncryption: string;
  databaseUrl: string;
}): SecuritySummary {
  const { config } = input;
  const listeners = input.listeners.map((listener) => ({
    name: listener.name,
    securityProtocol: listener.securityProtocol,
    address: `${listener.host}:${listener.port}`,
    advertised: `${listener.advertisedHost}:${listener.advertisedPort}`,
    encrypted: usesTls(listener.securityProtocol),
    authenticates:
      usesSasl(listener.securityProtocol) ||
      (listener.securityProtocol === "SSL" && config.tlsClientAuth === "required"),
    clientCertificates: listener.securityProtocol === "SSL" ? config.tlsClientAuth : "none",
  }));
  return {
    listeners,
    authentication: {
      required: listeners.length > 0 && listeners.every((listener) => listener.authenticates),
      saslMechanisms: listeners.some((listener) =>
        usesSasl(listener.securityProtocol as ListenerSpec["securityProtocol"]),
      )
        ? config.saslMechanisms.split(",").map((mechanism) => mechanism.trim())
        : [],
    },
    authorization: {
      enforced: input.authorizerEnabled,
      superUsers: (config.superUsers ?? "")
        .split(";")
        .map((user) => user.trim())
        .filter(Boolean),
      allowEveryoneIfNoAclFound: config.allowEveryoneIfNoAclFound,
    },
    tlsCertificate: certificate(config),
    storage: { ...input.storage, encryption: input.bucketEncryption },
    database: databaseLocation(input.databaseUrl),
  };
}
