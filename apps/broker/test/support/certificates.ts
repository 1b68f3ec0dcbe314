// A throwaway CA and a server certificate for 127.0.0.1 signed by it, generated with openssl, for
// tests of SSL and SASL_SSL listeners whose clients trust the CA through its PEM file.
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
  await openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    file("server.key"),
    "-out",
    file("server.csr"),
    "-subj",
    "/CN=localhost",
  );
  await openssl(
    "x509",
    "-req",
    "-in",
    file("server.csr"),
    "-CA",
    file("ca.pem"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-days",
    "1",
    "-out",
    file("server.pem"),
    "-extfile",
    file("server.ext"),
  );
  return {
    caPath: file("ca.pem"),
    serverCertificatePath: file("server.pem"),
    serverKeyPath: file("server.key"),
  };
}
