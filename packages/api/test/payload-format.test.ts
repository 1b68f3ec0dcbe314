// formatPayload: how keys, values and header values are shown in the message browser.
import { describe, expect, it } from "vitest";
import { DISPLAY_LIMIT, formatPayload } from "../src/kafka/payload-format.js";

function confluent(schemaId: number, data: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, data]);
}

describe("formatPayload", () => {
  it("keeps null as null (a tombstone or a missing key), and an empty payload as empty text", () => {
    expect(formatPayload(null)).toBeNull();
    expect(formatPayload(Buffer.alloc(0))).toEqual({ encoding: "text", text: "", size: 0, truncated: false });
  });

  it("pretty-prints a JSON object with two spaces", () => {
    const formatted = formatPayload(Buffer.from('{"name":"ada","roles":["admin","dev"],"address":{}}'));

    expect(formatted).toEqual({
      encoding: "json",
      text: '{\n  "name": "ada",\n  "roles": [\n    "admin",\n    "dev"\n  ],\n  "address": {}\n}',
      size: 51,
      truncated: false,
    });
  });

  it("keeps JSON numbers, escapes and key order exactly as written", () => {
    const formatted = formatPayload(
      Buffer.from('[12345678901234567890, 1.50, "a \\"quoted\\" [x]", {"b":1,"a":2}]'),
    );

    expect(formatted?.encoding).toBe("json");
    expect(formatted?.text).toBe(
      '[\n  12345678901234567890,\n  1.50,\n  "a \\"quoted\\" [x]",\n  {\n    "b": 1,\n    "a": 2\n  }\n]',
    );
  });

  it("shows JSON scalars and broken JSON as text", () => {
    expect(formatPayload(Buffer.from("42"))).toMatchObject({ encoding: "text", text: "42" });
    expect(formatPayload(Buffer.from('{"open": '))).toMatchObject({ encoding: "text", text: '{"open": ' });
  });

  it("shows UTF-8 text with tabs and newlines as text", () => {
    const text = "naïve café\tcolumn\r\nnext line 🚀";
    expect(formatPayload(Buffer.from(text))).toEqual({
      encoding: "text",
      text,
      size: Buffer.byteLength(text),
      truncated: false,
    });
  });

  it("shows text with control characters as binary", () => {
    expect(formatPayload(Buffer.from("bell\u0007"))?.encoding).toBe("binary");
    expect(formatPayload(Buffer.from("nul\u0000byte"))?.encoding).toBe("binary");
    expect(formatPayload(Buffer.from("escape\u001b[31m"))?.encoding).toBe("binary");
  });

  it("dumps bytes that are not UTF-8 as hex, 16 a line after an 8-digit offset", () => {
    const bytes = Buffer.from(Array.from({ length: 24 }, (_, index) => (0xec + index) % 256));
    const formatted = formatPayload(bytes);

    expect(formatted).toEqual({
      encoding: "binary",
      text: [
        "00000000  ec ed ee ef f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 fa fb",
        "00000010  fc fd fe ff 00 01 02 03",
      ].join("\n"),
      size: 24,
      truncated: false,
    });
  });

  it("cuts long text at the display limit and says so, reporting the full size", () => {
    const formatted = formatPayload(Buffer.from("x".repeat(DISPLAY_LIMIT + 10)));

    expect(formatted?.text).toHaveLength(DISPLAY_LIMIT);
    expect(formatted?.truncated).toBe(true);
    expect(formatted?.size).toBe(DISPLAY_LIMIT + 10);
  });

  it("does not split a character made of two UTF-16 units when cutting", () => {
    const formatted = formatPayload(Buffer.from(`${"x".repeat(DISPLAY_LIMIT - 1)}🚀🚀`));

    expect(formatted?.truncated).toBe(true);
    expect(formatted?.text).toBe("x".repeat(DISPLAY_LIMIT - 1));
  });

  it("cuts a long hex dump at whole lines within the display limit", () => {
    const formatted = formatPayload(Buffer.alloc(64 * 1024, 0xff));
    const lines = formatted?.text.split("\n") ?? [];

    expect(formatted?.truncated).toBe(true);
    expect(formatted?.text.length).toBeLessThanOrEqual(DISPLAY_LIMIT);
    // 58 characters a line with its newline: 1129 whole lines of 16 bytes fit in 64 KiB.
    expect(lines).toHaveLength(1129);
    expect(lines.at(-1)).toBe(`00004680 ${" ff".repeat(16)}`);
    expect(lines.every((line) => /^[0-9a-f]{8} ( ff){16}$/.test(line))).toBe(true);
    expect(formatted?.size).toBe(64 * 1024);
  });

  it("recognises Confluent's wire format: schema id reported, the rest formatted", () => {
    const json = formatPayload(confluent(42, Buffer.from('{"id":1}')));
    const avro = formatPayload(confluent(7, Buffer.from([0x02, 0x06, 0x66, 0x6f, 0x6f])));

    expect(json).toEqual({
      encoding: "json",
      text: '{\n  "id": 1\n}',
      size: 13,
      truncated: false,
      schemaId: 42,
    });
    expect(avro).toMatchObject({
      encoding: "binary",
      text: "00000000  02 06 66 6f 6f",
      size: 10,
      schemaId: 7,
    });
  });

  it("does not take a zero schema id (e.g. a big-endian integer key) for Confluent framing", () => {
    const formatted = formatPayload(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x2a]));

    expect(formatted).not.toHaveProperty("schemaId");
    expect(formatted?.text).toBe("00000000  00 00 00 00 00 00 00 2a");
  });
});
