// Client certificate subjects as Kafka principals (RFC 2253, most specific attribute first).
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { rfc2253 } from "../../src/security/tls.js";
import { runChecked } from "../support/tools.js";

describe("certificate principals", () => {
  it("write a certificate's subject in RFC 2253 order with its special characters escaped", async () => {
    const dir = mkdtempSync(path.join(process.env.STREAMBED_TEST_TMP ?? "/tmp", "tls-"));
    const certificate = path.join(dir, "cert.pem");
    await runChecked("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-keyout",
      path.join(dir, "key.pem"),
      "-out",
      certificate,
      "-subj",
      "/C=US/O=acme, inc/OU=eng/CN=alice",
    ]);
    const subject = new X509Certificate(readFileSync(certificate)).subject;
    expect(rfc2253(subject)).toBe("CN=alice,OU=eng,O=acme\\, inc,C=US");
  });
});
