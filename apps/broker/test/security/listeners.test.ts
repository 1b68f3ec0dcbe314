// Listener configuration in Kafka's syntax: protocols, names mapped to protocols, advertised
// addresses, the errors an operator sees at start-up, and the address each listener advertises.
import { describe, expect, it } from "vitest";
import { BrokerConfigSchema } from "../../src/config.js";
import { addressOnListener, resolveListeners } from "../../src/security/listeners.js";

function config(values: Record<string, string>) {
  return BrokerConfigSchema.parse(values);
}

describe("listeners", () => {
  it("default to one PLAINTEXT listener on --listen, advertised as --advertised-listen", () => {
    expect(
      resolveListeners(config({ listen: "0.0.0.0:9092", advertisedListen: "kafka.example:19092" })),
    ).toEqual([
      {
        name: "PLAINTEXT",
        securityProtocol: "PLAINTEXT",
        host: "0.0.0.0",
        port: 9092,
        advertisedHost: "kafka.example",
        advertisedPort: 19092,
        advertisedExplicitly: true,
      },
    ]);
  });

  it("parse several listeners, named ones through the protocol map, with advertised addresses", () => {
    const listeners = resolveListeners(
      config({
        listeners: "INTERNAL://:9092,EXTERNAL://[::1]:9093,SASL_PLAINTEXT://127.0.0.1:9094",
        advertisedListeners: "EXTERNAL://public.example:443",
        listenerSecurityProtocolMap: "INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL",
        tlsCert: "cert.pem",
        tlsKey: "key.pem",
      }),
    );
    expect(
      listeners.map((l) => [l.name, l.securityProtocol, l.host, l.port, l.advertisedHost, l.advertisedPort]),
    ).toEqual([
      ["INTERNAL", "PLAINTEXT", "0.0.0.0", 9092, "0.0.0.0", 9092],
      ["EXTERNAL", "SASL_SSL", "::1", 9093, "public.example", 443],
      ["SASL_PLAINTEXT", "SASL_PLAINTEXT", "127.0.0.1", 9094, "127.0.0.1", 9094],
    ]);
  });

  it.each([
    [{ listeners: "FOO://:9092" }, "listener FOO is not a security protocol"],
    [
      { listeners: "PLAINTEXT://:9092,SASL_PLAINTEXT://:9092" },
      "port 9092 is used by more than one listener",
    ],
    [{ listeners: "PLAINTEXT://:9092,PLAINTEXT://:9093" }, "names listener PLAINTEXT twice"],
    [{ listeners: "PLAINTEXT:9092" }, 'entry "PLAINTEXT:9092" is not NAME://HOST:PORT'],
    [{ listeners: "PLAINTEXT://:99999" }, "port out of range"],
    [{ listeners: "SSL://:9093" }, "need --tls-cert and --tls-key"],
    [{ listeners: "A://:9093", listenerSecurityProtocolMap: "A:TLS" }, 'entry "A:TLS" is not NAME:PROTOCOL'],
    [
      { listeners: "PLAINTEXT://:9093", advertisedListeners: "OTHER://x:1" },
      "names OTHER, which is not in --listeners",
    ],
    [{ advertisedListeners: "PLAINTEXT://x:1" }, "need --listeners"],
    [{ listeners: "SASL_PLAINTEXT://:9093", saslMechanisms: "PLAIN,GSSAPI" }, "GSSAPI is not one of"],
    [{ listeners: "SASL_PLAINTEXT://:9093", saslMechanisms: " " }, "at least one mechanism"],
    [{ listeners: "PLAINTEXT://:9093", tlsClientAuth: "required" }, "needs --tls-ca"],
  ])("refuse %j", (values, message) => {
    expect(() => resolveListeners(config(values))).toThrow(message);
  });

  it("tell a client each broker's address on the listener it connected through", () => {
    const own = {
      brokerId: 1,
      listeners: resolveListeners(
        config({
          listeners: "PLAINTEXT://h1:9092,SASL_PLAINTEXT://h1:9093",
          advertisedListeners: "SASL_PLAINTEXT://public1:19093",
        }),
      ),
    };
    const sasl = { name: "SASL_PLAINTEXT", securityProtocol: "SASL_PLAINTEXT" } as const;
    const plaintext = { name: "PLAINTEXT", securityProtocol: "PLAINTEXT" } as const;
    const self = { nodeId: 1, host: "h1", port: 9092, rack: null };
    const other = { nodeId: 2, host: "h2", port: 9092, rack: "b" };
    expect(addressOnListener(self, sasl, own)).toEqual({
      nodeId: 1,
      host: "public1",
      port: 19093,
      rack: null,
    });
    expect(addressOnListener(self, plaintext, own)).toEqual(self);
    expect(addressOnListener(other, plaintext, own)).toEqual(other);
    // another broker's address on a second listener: its registered host, the same port offset
    expect(addressOnListener(other, sasl, own)).toEqual({ nodeId: 2, host: "h2", port: 19093, rack: "b" });
  });
});
