// A throwaway CA and a server certificate for 127.0.0.1 signed by it (and, for mutual TLS, client
// certificates), generated with openssl, for tests of SSL and SASL_SSL listeners whose clients
// trust the CA through its PEM file.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { runChecked } from "./tools.js";

export interface TestCertificates {
  /** The CA's certificate: what clients pass as `ssl.ca.location` or `ssl: { ca }`. */
  readonly caPath: string;
  /** The server's certificate and key: the broker's `--tls-cert` and `--tls-key`. */
  readonly serverCertificatePath: string;
  readonly serverKeyPath: string;
}

async function openssl(...args: string[]): Promise<void> {
  await runChecked("openssl", args);
}

/**
 * Writes `<name>.pem` and `<name>.key`: a certificate for `subject` signed by the CA in `dir`
 * (ca.pem, ca.key), with the extensions in `extensionsFile` when given.
 */
async function signedCertificate(
  dir: string,
  name: string,
  subject: string,
  extensionsFile?: string,
): Promise<void> {
  const file = (entry: string) => path.join(dir, entry);
  await openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    file(`${name}.key`),
    "-out",
    file(`${name}.csr`),
    "-subj",
    subject,
  );
  await openssl(
    "x509",
    "-req",
    "-in",
    file(`${name}.csr`),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-days",
    "1",
    "-out",
    file(`${name}.pem`),
    ...(extensionsFile ? ["-extfile", extensionsFile] : []),
  );
}

/** Writes ca.pem, server.pem and server.key (valid one day, SANs 127.0.0.1 and localhost) into `dir`. */
export async function createTestCertificates(dir: string): Promise<TestCertificates> {
  const file = (name: string) => path.join(dir, name);
  await openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.pem"),
    "-subj",
    "/CN=streambed-test-ca",
  );
  // Clients connect to 127.0.0.1: without the IP SAN, hostname verification fails.
  writeFileSync(file("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await signedCertificate(dir, "server", "/CN=localhost", file("server.ext"));
  return {
    caPath: file("ca.pem"),
    serverCertificatePath: file("server.pem"),
    serverKeyPath: file("server.key"),
  };
}

/** A client certificate for mutual TLS, signed by the CA createTestCertificates wrote into `dir`. */
export async function createClientCertificate(
  dir: string,
  subject: string,
): Promise<{ certificatePath: string; keyPath: string }> {
  await signedCertificate(dir, "client", subject);
  return { certificatePath: path.join(dir, "client.pem"), keyPath: path.join(dir, "client.key") };
}
