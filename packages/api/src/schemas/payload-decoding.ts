// Decodes the keys and values of browsed messages that are in Confluent's wire format (magic byte 0,
// schema id, for Protobuf the message indexes, then the data) with the schema registered under that
// id: Avro, JSON Schema or Protobuf to JSON. A payload that cannot be decoded keeps its text or hex
// display and says why, so the message browser never fails because of one record.
import { readMessageIndexes, readSchemaFrame, schemaFormat } from "@streambed/schemas";
import {
  type FormattedPayload,
  formatDecoded,
  framedBytesOf,
  withDecodeError,
} from "../kafka/payload-format.js";
import { REGISTRY_ERRORS, SchemaRegistryError, SchemaRegistryUnavailableError } from "./registry-client.js";
import type { CachedSchema, SubjectVersionRef } from "./schema-cache.js";

/** Where schemas come from: the cluster's SchemaCache, or a fixed set in tests. */
export interface SchemaLookup {
  schema(id: number): Promise<CachedSchema>;
  subjectsOf(id: number): Promise<SubjectVersionRef[]>;
}

export interface DecodableMessage {
  key: FormattedPayload | null;
  value: FormattedPayload | null;
}

type Field = "key" | "value";

/** A schema id resolved for one topic field: the schema and its subject, or why there is none. */
export interface SchemaResolution {
  schema?: CachedSchema;
  subject?: SubjectVersionRef;
  failure?: string;
}

/**
 * The messages with their framed keys and values decoded, and the schema ids they carried. With an
 * Error instead of a lookup (the cluster's registry cannot be asked), every framed payload keeps its
 * display and gets that error's message as the reason.
 */
export async function decodeSchemaPayloads<Message extends DecodableMessage>(
  messages: readonly Message[],
  lookup: SchemaLookup | Error,
  topic: string,
): Promise<{ messages: Message[]; schemaIds: Set<number> }> {
  const wanted = new Map<string, { id: number; field: Field }>();
  for (const message of messages)
    for (const field of ["key", "value"] as const) {
      const id = message[field]?.schemaId;
      if (id !== undefined) wanted.set(`${field}:${id}`, { id, field });
    }
  const schemaIds = new Set([...wanted.values()].map((entry) => entry.id));
  if (wanted.size === 0) return { messages: [...messages], schemaIds };
  const resolutions = new Map<string, SchemaResolution>();
  await Promise.all(
    [...wanted].map(async ([key, { id, field }]) => {
      resolutions.set(key, await resolve(lookup, id, field, topic));
    }),
  );
  const decode = (payload: FormattedPayload | null, field: Field): FormattedPayload | null => {
    if (payload?.schemaId === undefined) return payload;
    const resolution = resolutions.get(`${field}:${payload.schemaId}`);
    return resolution ? decodePayload(payload, resolution) : payload;
  };
  return {
    messages: messages.map((message) => ({
      ...message,
      key: decode(message.key, "key"),
      value: decode(message.value, "value"),
    })),
    schemaIds,
  };
}

async function resolve(
  lookup: SchemaLookup | Error,
  id: number,
  field: Field,
  topic: string,
): Promise<SchemaResolution> {
  if (lookup instanceof Error) return { failure: lookup.message };
  let schema: CachedSchema;
  try {
    schema = await lookup.schema(id);
  } catch (error) {
    return { failure: lookupFailure(id, error) };
  }
  // The subject is only for the link: without it the payload still decodes.
  const subjects = await lookup.subjectsOf(id).catch(() => []);
  const preferred = `${topic}-${field}`;
  const subject = subjects.find((entry) => entry.subject === preferred) ?? subjects[0];
  return { schema, ...(subject && { subject }) };
}

function lookupFailure(id: number, error: unknown): string {
  if (error instanceof SchemaRegistryError)
    return error.errorCode === REGISTRY_ERRORS.schemaNotFound
      ? `schema id ${id} is not in the schema registry`
      : `the schema registry refused schema id ${id}: ${error.message}`;
  if (error instanceof SchemaRegistryUnavailableError) return error.message;
  return `schema id ${id} could not be read: ${(error as Error).message}`;
}

/** One payload decoded with its resolved schema, or its display with the reason it is not. */
export function decodePayload(payload: FormattedPayload, resolution: SchemaResolution): FormattedPayload {
  const { schema, subject } = resolution;
  if (!schema) return withDecodeError(payload, resolution.failure ?? "no schema");
  const frame = readSchemaFrame(framedBytesOf(payload));
  if (!frame) return withDecodeError(payload, "the payload's bytes are no longer available to decode");
  const described = {
    id: schema.id,
    type: schema.schemaType,
    subject: subject?.subject ?? null,
    version: subject?.version ?? null,
  };
  const format = schemaFormat(schema.schemaType);
  try {
    if (schema.schemaType !== "PROTOBUF")
      return formatDecoded(payload, format.decode(schema.parsed, frame.body), described);
    const { messageIndexes, payload: data } = readMessageIndexes(frame.body);
    return formatDecoded(payload, format.decode(schema.parsed, data, messageIndexes), described);
  } catch (error) {
    if (schema.schemaType === "PROTOBUF") {
      // Some serializers (@kafkajs/confluent-schema-registry among them) write no message indexes.
      // A Protobuf payload never starts with a zero byte, so the indexes just read were its data.
      try {
        const value = format.decode(schema.parsed, frame.body, [0]);
        return formatDecoded(payload, value, { ...described, note: PROTOBUF_WITHOUT_INDEXES });
      } catch {
        // Not that either: report the failure with the indexes, as the wire format has them.
      }
    }
    return withDecodeError(
      payload,
      `the bytes do not decode with schema id ${schema.id} (${schema.schemaType}): ${(error as Error).message}`,
    );
  }
}

export const PROTOBUF_WITHOUT_INDEXES =
  "the payload has no message indexes (its serializer left them out); decoded as the schema's first message type";
