// Schema validation on produce (Confluent Server's `confluent.value.schema.validation` and
// `confluent.key.schema.validation` topic configs): every non-null key or value of a batch must be
// in the Confluent wire format and name a schema id registered under the subject the topic's
// subject name strategy gives. Only topics that ask for it pay for decoding (and decompressing).

import type { PrismaClient } from "@streambed/db";
import {
  CompressionType,
  compressionOf,
  type DecodedRecord,
  decodeRecordBatch,
} from "@streambed/protocol/records";
import { readSchemaFrame } from "@streambed/schemas/wire-format";
import { topicConfigBoolean, topicConfigString } from "../topics/topic-configs.js";
import type { TopicState } from "../topics/topic-registry.js";

/** How long "schema id N is registered under these subjects" is trusted before it is read again. */
const SUBJECTS_TTL_MS = 30_000;
const MAX_CACHED_IDS = 50_000;

export interface SchemaIdLookup {
  /** Subjects with a live (not deleted) version of schema `id`; empty when there is none. */
  subjectsOf(id: number): Promise<string[]>;
  /** The schema's record name (Avro full name, Protobuf package + first message, JSON Schema title). */
  recordNameOf(id: number): Promise<string | undefined>;
}

export interface SchemaValidationStats {
  /** Batches of topics that validate, checked. */
  batchesChecked: number;
  /** Of those, compressed ones that had to be decompressed to be checked. */
  batchesDecompressed: number;
  batchesRefused: number;
}

/** Reads the registry's tables in PostgreSQL. */
export function postgresSchemaIdLookup(client: PrismaClient): SchemaIdLookup {
  return {
    async subjectsOf(id) {
      const rows = await client.$queryRaw<{ subject: string }[]>`
        SELECT DISTINCT subject FROM registry_subject_versions WHERE schema_id = ${id} AND NOT deleted`;
      return rows.map((row) => row.subject);
    },
    async recordNameOf(id) {
      const [row] = await client.$queryRaw<{ schema_type: string; schema: string }[]>`
        SELECT schema_type, schema FROM registry_schemas WHERE id = ${id}`;
      return row ? recordName(row.schema_type, row.schema) : undefined;
    },
  };
}

/** The name RecordNameStrategy uses for a schema, read from its text without a full parse. */
export function recordName(schemaType: string, schema: string): string | undefined {
  if (schemaType === "PROTOBUF") {
    const text = schema.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "");
    const packageName = /(?:^|[;\s])package\s+([\w.]+)\s*;/.exec(text)?.[1];
    // The first top-level message: Confluent's serializers default to it (message index [0]).
    const message = /(?:^|[;}\s])message\s+(\w+)\s*\{/.exec(text)?.[1];
    if (!message) return undefined;
    return packageName ? `${packageName}.${message}` : message;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(schema);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const object = parsed as Record<string, unknown>;
  if (schemaType === "JSON") return typeof object.title === "string" ? object.title : undefined;
  if (typeof object.name !== "string") return undefined;
  if (object.name.includes(".") || typeof object.namespace !== "string" || object.namespace === "") {
    return object.name;
  }
  return `${object.namespace}.${object.name}`;
}

export class ProduceSchemaValidator {
  private readonly subjects = new Map<number, { subjects: string[]; expiresAt: number }>();
  private readonly names = new Map<number, string | undefined>();
  private readonly counters: SchemaValidationStats = {
    batchesChecked: 0,
    batchesDecompressed: 0,
    batchesRefused: 0,
  };

  constructor(
    private readonly lookup: SchemaIdLookup,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the topic validates keys or values at all (no decoding otherwise). */
  static applies(topic: Pick<TopicState, "configs">): boolean {
    return (
      topicConfigBoolean(topic, "confluent.value.schema.validation") ||
      topicConfigBoolean(topic, "confluent.key.schema.validation")
    );
  }

  stats(): SchemaValidationStats {
    return { ...this.counters };
  }

  /**
   * Why the batch may not be appended to the topic, or undefined when every record passes. A batch
   * that does not even decode is left to the produce path's own checks, which name the defect.
   */
  async check(topic: Pick<TopicState, "name" | "configs">, batch: Buffer): Promise<string | undefined> {
    const checks = (["key", "value"] as const).filter((part) =>
      topicConfigBoolean(topic, `confluent.${part}.schema.validation`),
    );
    if (checks.length === 0) return undefined;
    let records: DecodedRecord[];
    try {
      const decoded = await decodeRecordBatch(batch, 0);
      if (compressionOf(decoded.attributes) !== CompressionType.None) this.counters.batchesDecompressed += 1;
      records = decoded.records;
    } catch {
      return undefined;
    }
    this.counters.batchesChecked += 1;
    for (const [index, record] of records.entries()) {
      for (const part of checks) {
        const bytes = part === "key" ? record.key : record.value;
        if (bytes === null) continue; // tombstones and keyless records carry no schema
        const problem = await this.checkPart(topic, part, bytes);
        if (problem) {
          this.counters.batchesRefused += 1;
          return `Record ${index} of the batch: its ${part} ${problem} (topic ${topic.name} has confluent.${part}.schema.validation=true)`;
        }
      }
    }
    return undefined;
  }

  private async checkPart(
    topic: Pick<TopicState, "name" | "configs">,
    part: "key" | "value",
    bytes: Buffer,
  ): Promise<string | undefined> {
    const frame = readSchemaFrame(bytes);
    if (!frame) return "is not in the schema registry's wire format (magic byte 0, then a 4-byte schema id)";
    const strategy = topicConfigString(topic, `confluent.${part}.subject.name.strategy`);
    let subject: string;
    if (strategy.endsWith(".TopicNameStrategy")) {
      subject = `${topic.name}-${part}`;
    } else {
      const name = await this.recordNameOf(frame.schemaId);
      if (name === undefined) {
        return `names schema id ${frame.schemaId}, which is not registered or has no record name for ${strategy.split(".").at(-1)}`;
      }
      subject = strategy.endsWith(".RecordNameStrategy") ? name : `${topic.name}-${name}`;
    }
    if ((await this.subjectsOf(frame.schemaId)).includes(subject)) return undefined;
    return `names schema id ${frame.schemaId}, which is not registered under subject ${subject}`;
  }

  private async subjectsOf(id: number): Promise<string[]> {
    const cached = this.subjects.get(id);
    if (cached && cached.expiresAt > this.now()) return cached.subjects;
    const subjects = await this.lookup.subjectsOf(id);
    // Only hits are kept: a schema registered a moment ago (perhaps on another broker) must pass
    // at once, and a refused batch is rare enough to pay for its query.
    if (subjects.length > 0) {
      if (this.subjects.size >= MAX_CACHED_IDS) this.subjects.clear();
      this.subjects.set(id, { subjects, expiresAt: this.now() + SUBJECTS_TTL_MS });
    } else {
      this.subjects.delete(id);
    }
    return subjects;
  }

  private async recordNameOf(id: number): Promise<string | undefined> {
    if (this.names.has(id)) return this.names.get(id);
    const name = await this.lookup.recordNameOf(id);
    // Schema texts never change under an id; only found names are kept (the id may be registered later).
    if (name !== undefined) {
      if (this.names.size >= MAX_CACHED_IDS) this.names.clear();
      this.names.set(id, name);
    }
    return name;
  }
}
