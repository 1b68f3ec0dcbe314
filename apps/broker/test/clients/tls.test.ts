// TLS listeners with a CA generated here by openssl: kcat and confluent-kafka over SASL_SSL
// trusting it through ssl.ca.location, and mutual TLS on an SSL listener that requires a client
// certificate: accepted (principal "User:<subject DN>") with one, refused without.
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess, freePort } from "../support/broker-process.js";
import { createClientCertificate, createTestCertificates } from "../support/certificates.js";
import { kcat, runCommand, runPython, uniqueName } from "../support/tools.js";

const PASSWORD = "tls-bootstrap-pw";
let dir: string;
let broker: BrokerProcess;
let saslSslPort: number;
let sslPort: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(process.env.STREAMBED_TEST_TMP ?? "/tmp", "tls-"));
  await createTestCertificates(dir);
  await createClientCertificate(dir, "/O=streambed/OU=eng/CN=client");
  saslSslPort = await freePort();
  sslPort = await freePort();
  broker = await BrokerProcess.start({
    port: saslSslPort,
    extraArgs: [
      "--listeners",
      `SASL_SSL://127.0.0.1:${saslSslPort},SSL://127.0.0.1:${sslPort}`,
      "--tls-cert",
      path.join(dir, "server.pem"),
      "--tls-key",
      path.join(dir, "server.key"),
      "--tls-ca",
      path.join(dir, "ca.pem"),
      "--tls-client-auth",
      "required",
      "--authorizer",
      "none",
    ],
    env: { STREAMBED_BOOTSTRAP_USER: `admin:${PASSWORD}` },
  });
});

afterAll(async () => {
  await broker?.stop();
});

const saslSsl = (mechanism: string) => [
  "-X",
  "security.protocol=SASL_SSL",
  "-X",
  `ssl.ca.location=${path.join(dir, "ca.pem")}`,
  "-X",
  `sasl.mechanisms=${mechanism}`,
  "-X",
  "sasl.username=admin",
  "-X",
  `sasl.password=${PASSWORD}`,
];

describe("SASL_SSL", () => {
  it("carries kcat's SCRAM-SHA-512 produce and consume", async () => {
    const topic = uniqueName("kcat-sasl-ssl");
    const bootstrap = `127.0.0.1:${saslSslPort}`;
    await kcat(bootstrap, [...saslSsl("SCRAM-SHA-512"), "-P", "-t", topic], {
      input: "secret one\nsecret two\n",
    });
    const consumed = await kcat(bootstrap, [
      ...saslSsl("SCRAM-SHA-512"),
      "-C",
      "-t",
      topic,
      "-o",
      "beginning",
      "-e",
      "-q",
    ]);
    expect(consumed.trim().split("\n")).toEqual(["secret one", "secret two"]);
  });

  it("carries confluent-kafka's PLAIN produce and consume", async () => {
    const result = await runPython("confluent_sasl.py", {
      bootstrap: `127.0.0.1:${saslSslPort}`,
      topic: uniqueName("py-sasl-ssl"),
      security: {
        "security.protocol": "SASL_SSL",
        "ssl.ca.location": path.join(dir, "ca.pem"),
        "sasl.mechanisms": "PLAIN",
        "sasl.username": "admin",
        "sasl.password": PASSWORD,
      },
      count: 3,
    });
    expect(result).toEqual({ delivered: 3, values: ["record-0", "record-1", "record-2"] });
  });
});

describe("SSL with required client certificates", () => {
  it("accepts a client certificate signed by the CA and names its subject as the principal", async () => {
    const args = [
      "-X",
      "security.protocol=SSL",
      "-X",
      `ssl.ca.location=${path.join(dir, "ca.pem")}`,
      "-X",
      `ssl.certificate.location=${path.join(dir, "client.pem")}`,
      "-X",
      `ssl.key.location=${path.join(dir, "client.key")}`,
    ];
    const listed = await kcat(`127.0.0.1:${sslPort}`, [...args, "-L"]);
    expect(listed).toContain(`broker 1 at 127.0.0.1:${sslPort}`);
    expect(broker.logs()).toContain('"principal":"User:CN=client,OU=eng,O=streambed"');
  });

  it("refuses a client without a certificate", async () => {
    const args = ["-X", "security.protocol=SSL", "-X", `ssl.ca.location=${path.join(dir, "ca.pem")}`];
    const result = await runCommand("kcat", ["-b", `127.0.0.1:${sslPort}`, ...args, "-L", "-m", "5"], {
      timeoutMs: 30_000,
    });
    expect(result.code).not.toBe(0);
    expect(broker.logs()).toContain("TLS handshake failed");
  });
});
