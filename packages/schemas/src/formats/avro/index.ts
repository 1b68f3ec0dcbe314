// The Avro format of the registry: a schema parsed with its references into our model and an avsc
// type, and the SchemaFormat that gives its texts, resolution errors and decoding.
import type { Type as AvscType } from "avsc";
import type { ResolvedReference, SchemaFormat } from "../../types.js";
import { InvalidSchemaError } from "../../types.js";
import { avscSchema, avscType, BIGINT_LONG } from "./avsc.js";
import { decodeAvro } from "./decode.js";
import type { AvroNamedType, AvroParsedSchema } from "./model.js";
import { SchemaParser } from "./parse.js";
import { ResolutionChecker } from "./resolution.js";
import { canonicalText, normalizedText } from "./text.js";

export type {
  AvroArray,
  AvroEnum,
  AvroField,
  AvroFixed,
  AvroMap,
  AvroName,
  AvroNamedType,
  AvroParsedSchema,
  AvroPrimitive,
  AvroPrimitiveName,
  AvroProperties,
  AvroRecord,
  AvroType,
  AvroUnion,
} from "./model.js";

function parseAvro(schema: string, references: readonly ResolvedReference[] = []): AvroParsedSchema {
  const parser = new SchemaParser();
  const registry: Record<string, AvscType> = { long: BIGINT_LONG };
  const defined = new Set<AvroNamedType>();
  const parsedReferences = new Set<string>();
  // Depth first, each reference once (by name, as Confluent does): a reference's own
  // references define the types it uses.
  const parseReferences = (list: readonly ResolvedReference[]) => {
    for (const reference of list) {
      parseReferences(reference.references);
      if (parsedReferences.has(reference.name)) continue;
      parsedReferences.add(reference.name);
      const label = `reference "${reference.name}" (subject "${reference.subject}" version ${reference.version})`;
      if (reference.schemaType !== "AVRO") {
        throw new InvalidSchemaError(
          `${label} is a ${reference.schemaType} schema; an Avro schema can only reference Avro schemas`,
        );
      }
      try {
        const root = parser.parseText(reference.schema);
        avscType(avscSchema(root, defined), registry, label);
      } catch (error) {
        if (error instanceof InvalidSchemaError && !error.message.startsWith(label)) {
          throw new InvalidSchemaError(`${label}: ${error.message}`);
        }
        throw error;
      }
    }
  };
  parseReferences(references);
  const referencedTypes: ReadonlySet<AvroNamedType> = new Set(parser.named.values());
  const root = parser.parseText(schema);
  return {
    schemaType: "AVRO",
    schema,
    references,
    root,
    referencedTypes,
    avscType: avscType(avscSchema(root, defined), registry, "the schema"),
  };
}

export const avroFormat: SchemaFormat<AvroParsedSchema> = {
  schemaType: "AVRO",
  parse: parseAvro,
  canonical: (parsed) => canonicalText(parsed.root, new Set(parsed.referencedTypes), { space: undefined }),
  normalize: (parsed) => normalizedText(parsed.root, new Set(parsed.referencedTypes)),
  readErrors: (reader, writer) =>
    new ResolutionChecker()
      .check(reader.root, writer.root)
      .map((issue) => `/${issue.path.join("/")}: ${issue.message} (${issue.rule})`),
  decode: decodeAvro,
};
