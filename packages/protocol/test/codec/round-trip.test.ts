import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as protocol from "../../src/index.js";
import { type MessageSchema, messageCodec, ProtocolDecodeError, Reader, Writer } from "../../src/index.js";
import { messageArbitrary } from "./arbitraries.js";

const schemas = Object.entries(protocol)
  .filter(
    ([name, value]) =>
      name.endsWith("Schema") && typeof value === "object" && value !== null && "fields" in value,
  )
  .map(([, value]) => value as MessageSchema)
  .sort((a, b) => a.name.localeCompare(b.name));

function versionsOf(schema: MessageSchema): number[] {
  const range = schema.validVersions;
  if (!range) return [];
  const versions: number[] = [];
  for (let v = range[0]; v <= range[1]; v++) versions.push(v);
  return versions;
}

function encode(schema: MessageSchema, version: number, value: unknown): Buffer {
  const writer = new Writer();
  messageCodec<Record<string, unknown>>(schema, version).encode(writer, value as Record<string, unknown>);
  return writer.toBuffer();
}

function decode(schema: MessageSchema, version: number, bytes: Buffer): unknown {
  const reader = new Reader(bytes);
  const value = messageCodec(schema, version).decode(reader);
  expect(reader.remaining).toBe(0);
  return value;
}

describe("every message in every version round-trips", () => {
  it("covers all generated definitions", () => {
    expect(schemas.length).toBeGreaterThanOrEqual(180);
    expect(schemas.map((s) => s.name)).toContain("FetchRequest");
  });

  for (const schema of schemas) {
    describe(schema.name, () => {
      for (const version of versionsOf(schema)) {
        it(`v${version}: decode(encode(x)) equals x with absent fields at their defaults`, () => {
          fc.assert(
            fc.property(messageArbitrary(schema, version), ({ value, expected }) => {
              expect(decode(schema, version, encode(schema, version, value))).toEqual(expected);
            }),
            { numRuns: 15 },
          );
        });
      }
    });
  }
});

describe("malformed input", () => {
  it("every truncation of an encoded message is a ProtocolDecodeError", () => {
    const schema = protocol.MetadataResponseSchema;
    for (const version of versionsOf(schema)) {
      fc.assert(
        fc.property(messageArbitrary(schema, version), ({ value }) => {
          const bytes = encode(schema, version, value);
          for (let length = 0; length < bytes.length; length++) {
            expect(() => decode(schema, version, bytes.subarray(0, length))).toThrow(ProtocolDecodeError);
          }
        }),
        { numRuns: 5 },
      );
    }
  });

  it("an array length larger than the frame is rejected before allocating", () => {
    const writer = new Writer();
    writer.writeInt32(2_000_000_000); // topics array length, Metadata v1 (non-flexible)
    expect(() => decode(protocol.MetadataRequestSchema, 1, writer.toBuffer())).toThrow(/short frame/);
  });

  it("a varint longer than five bytes is rejected", () => {
    const bytes = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(() => new Reader(bytes).readUnsignedVarint()).toThrow(ProtocolDecodeError);
  });

  it("a null in a non-nullable string is rejected", () => {
    const writer = new Writer();
    writer.writeInt16(-1); // group id
    expect(() => decode(protocol.FindCoordinatorRequestSchema, 0, writer.toBuffer())).toThrow(/non-nullable/);
  });
});

describe("tagged fields", () => {
  it("unknown tagged fields are skipped, not fatal", () => {
    const schema = protocol.ApiVersionsRequestSchema;
    const extended: MessageSchema = {
      ...schema,
      fields: [
        ...schema.fields,
        {
          name: "future",
          kafkaName: "Future",
          versions: [3, 32767],
          taggedVersions: [3, 32767],
          tag: 7,
          type: { kind: "string" },
        },
      ],
    };
    const value = {
      clientSoftwareName: "kcat",
      clientSoftwareVersion: "1.7.1",
      future: "from a newer client",
    };
    const decoded = decode(schema, 3, encode(extended, 3, value));
    expect(decoded).toEqual({ clientSoftwareName: "kcat", clientSoftwareVersion: "1.7.1" });
  });

  it("known tagged fields at their default are not written, others are", () => {
    const schema = protocol.FetchResponseSchema;
    const partition = { partitionIndex: 0, errorCode: 0, highWatermark: 5n, records: null };
    const withoutLeader = encode(schema, 12, { responses: [{ topic: "t", partitions: [partition] }] });
    const withLeader = encode(schema, 12, {
      responses: [
        { topic: "t", partitions: [{ ...partition, currentLeader: { leaderId: 1, leaderEpoch: 3 } }] },
      ],
    });
    expect(withLeader.length).toBeGreaterThan(withoutLeader.length);
    const decoded = decode(schema, 12, withLeader) as protocol.FetchResponse;
    expect(decoded.responses[0]?.partitions[0]?.currentLeader).toEqual({ leaderId: 1, leaderEpoch: 3 });
  });
});
