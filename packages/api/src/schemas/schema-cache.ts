// Schemas by global id, fetched from the registry with their references resolved and parsed once:
// an id always names the same schema, so a parsed schema is kept for as long as there is room.
// A failure is not kept, so a schema registered after a miss is found on the next read.
import { type ParsedSchema, type ResolvedReference, type SchemaType, schemaFormat } from "@streambed/schemas";
import type { RegisteredSchema, SchemaRegistryClient } from "./registry-client.js";

export interface CachedSchema {
  id: number;
  schemaType: SchemaType;
  parsed: ParsedSchema;
}

export interface SubjectVersionRef {
  subject: string;
  version: number;
}

/** How many ids a cluster keeps; the oldest fetched goes first. */
const CAPACITY = 1000;
/** References nest (a Protobuf import importing another); deeper than this is a cycle or a mistake. */
const MAX_REFERENCE_DEPTH = 16;

export class SchemaCache {
  private readonly schemas = new Map<number, Promise<CachedSchema>>();
  private readonly subjects = new Map<number, Promise<SubjectVersionRef[]>>();

  constructor(private readonly client: SchemaRegistryClient) {}

  /** The parsed schema with `id`; rejects with the registry's or the parser's error. */
  schema(id: number): Promise<CachedSchema> {
    return remember(this.schemas, id, () => this.load(id));
  }

  /**
   * The subject versions that name schema `id`, for linking a decoded payload to its subject; kept
   * once known (an id's subjects rarely change), asked again after a failure.
   */
  subjectsOf(id: number): Promise<SubjectVersionRef[]> {
    return remember(this.subjects, id, () => this.client.subjectVersionsOfSchema(id));
  }

  private async load(id: number): Promise<CachedSchema> {
    const registered = await this.client.schemaById(id);
    const references = await resolveReferences(this.client, registered);
    const parsed = schemaFormat(registered.schemaType).parse(registered.schema, references);
    return { id, schemaType: registered.schemaType, parsed };
  }
}

function remember<T>(cache: Map<number, Promise<T>>, id: number, load: () => Promise<T>): Promise<T> {
  const cached = cache.get(id);
  if (cached) return cached;
  const loading = load();
  cache.set(id, loading);
  loading.catch(() => cache.delete(id));
  while (cache.size > CAPACITY) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return loading;
}

/** The schemas `registered` refers to, each with its own references, depth first. */
export async function resolveReferences(
  client: SchemaRegistryClient,
  registered: Pick<RegisteredSchema, "references">,
  depth = 0,
): Promise<ResolvedReference[]> {
  if (registered.references.length === 0) return [];
  if (depth >= MAX_REFERENCE_DEPTH)
    throw new Error(`schema references nest deeper than ${MAX_REFERENCE_DEPTH} levels`);
  return Promise.all(
    registered.references.map(async (reference) => {
      const target = await client.version(reference.subject, reference.version, { deleted: true });
      return {
        ...reference,
        schemaType: target.schemaType,
        schema: target.schema,
        references: await resolveReferences(client, target, depth + 1),
      };
    }),
  );
}
