// @streambed/schemas: the registry's schema formats (Avro, JSON Schema, Protobuf) — parsing,
// canonical and normalized texts, compatibility levels — and Confluent's wire format.
import { avroFormat } from "./formats/avro.js";
import { jsonSchemaFormat } from "./formats/json-schema.js";
import { protobufFormat } from "./formats/protobuf.js";
import type { SchemaFormat, SchemaType } from "./types.js";

export * from "./compatibility.js";
export { protobufSerialized } from "./formats/protobuf-descriptor-writer.js";
export * from "./types.js";
export * from "./wire-format.js";
export { avroFormat, jsonSchemaFormat, protobufFormat };

const FORMATS: Record<SchemaType, SchemaFormat> = {
  AVRO: avroFormat as SchemaFormat,
  JSON: jsonSchemaFormat as SchemaFormat,
  PROTOBUF: protobufFormat as SchemaFormat,
};

/** The format of a schema type (the registry's `schemaType`; absent means AVRO). */
export function schemaFormat(schemaType: SchemaType): SchemaFormat {
  return FORMATS[schemaType];
}
