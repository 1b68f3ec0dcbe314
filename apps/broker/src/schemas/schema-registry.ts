// The schema registry's behaviour, Confluent's rules: registering (same schema, same global id;
// compatibility against the subject's level), lookups, references, soft and permanent deletes,
// and compatibility and mode settings. HTTP lives in registry-routes.ts, SQL in registry-store.ts.
import { createHash } from "node:crypto";
import {
  type CompatibilityLevel,
  compatibilityErrors,
  InvalidSchemaError,
  isCompatibilityLevel,
  type ParsedSchema,
  protobufSerialized,
  type ResolvedReference,
  type SchemaFormat,
  type SchemaReference,
  type SchemaType,
  schemaFormat,
} from "@streambed/schemas";
import {
  incompatibleSchema,
  invalidCompatibilityLevel,
  invalidMode,
  invalidSchema,
  invalidSubject,
  operationNotPermitted,
  referenceExists,
  schemaNotFound,
  subjectCompatibilityNotConfigured,
  subjectModeNotConfigured,
  subjectNotFound,
  subjectNotSoftDeleted,
  subjectSoftDeleted,
  versionNotFound,
  versionNotSoftDeleted,
  versionSoftDeleted,
} from "./registry-errors.js";
import {
  GLOBAL_SUBJECT,
  type NewSchema,
  type RegistryStore,
  referencesJson,
  type StoredSchema,
  type StoredVersion,
} from "./registry-store.js";

export type RegistryMode = "READWRITE" | "READONLY" | "READONLY_OVERRIDE" | "IMPORT";
export const REGISTRY_MODES: readonly RegistryMode[] = [
  "READWRITE",
  "READONLY",
  "READONLY_OVERRIDE",
  "IMPORT",
];
export const DEFAULT_COMPATIBILITY_LEVEL: CompatibilityLevel = "BACKWARD";
export const DEFAULT_MODE: RegistryMode = "READWRITE";

/** A version number, or the subject's latest version ("latest" or -1 in URLs). */
export type VersionSelector = number | "latest";

export interface SchemaRequest {
  schema: string;
  schemaType: SchemaType;
  references: readonly SchemaReference[];
}

export interface RegisterRequest extends SchemaRequest {
  /** IMPORT mode only: the id to register the schema under. */
  id?: number;
  /** The version to register as: IMPORT mode any free one, otherwise only the next one. */
  version?: number;
}

export interface SchemaView {
  id: number;
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
}

export interface SubjectVersionView extends SchemaView {
  subject: string;
  version: number;
  deleted: boolean;
}

export interface ConfigView {
  compatibilityLevel: CompatibilityLevel;
  normalize?: boolean;
}

/** How deep references may nest: deeper is surely a mistake, and recursion must end. */
const MAX_REFERENCE_DEPTH = 32;
const SUBJECT_MAX_LENGTH = 2048;

interface PreparedSchema {
  format: SchemaFormat;
  parsed: ParsedSchema;
  stored: NewSchema;
}

export interface SchemaRegistryOptions {
  /** How many parsed schemas to keep by id (ids never change what they name). */
  parsedSchemaCacheSize?: number;
}

export class SchemaRegistry {
  private readonly parsedById = new Map<number, ParsedSchema>();
  private readonly parsedSchemaCacheSize: number;

  constructor(
    private readonly store: RegistryStore,
    options: SchemaRegistryOptions = {},
  ) {
    this.parsedSchemaCacheSize = options.parsedSchemaCacheSize ?? 10_000;
  }

  // --- reading --------------------------------------------------------------------------------

  subjects(options: { deleted?: boolean; prefix?: string } = {}): Promise<string[]> {
    return this.store.subjects(options.deleted ?? false, options.prefix ?? "");
  }

  async versions(subject: string, options: { deleted?: boolean } = {}): Promise<number[]> {
    const visible = await this.visibleVersions(subject, options.deleted ?? false);
    return visible.map((version) => version.version);
  }

  async version(
    subject: string,
    selector: VersionSelector,
    options: { deleted?: boolean } = {},
  ): Promise<SubjectVersionView> {
    const visible = await this.visibleVersions(subject, options.deleted ?? false);
    const row = selector === "latest" ? visible.at(-1) : visible.find((entry) => entry.version === selector);
    if (!row) throw versionNotFound(subject, selector);
    return this.view(row);
  }

  /** Ids of the schemas registered (in a version not deleted) that reference this version. */
  async referencedBy(subject: string, selector: VersionSelector): Promise<number[]> {
    const { version } = await this.version(subject, selector, { deleted: selector !== "latest" });
    return this.store.referencingSchemaIds(subject, version, true);
  }

  /** The version of `request`'s schema in `subject` (Confluent's POST /subjects/{subject}). */
  async lookup(
    subject: string,
    request: SchemaRequest,
    options: { normalize?: boolean; deleted?: boolean } = {},
  ): Promise<SubjectVersionView> {
    const deleted = options.deleted ?? false;
    const visible = await this.visibleVersions(subject, deleted);
    const config = await this.effectiveConfig(subject);
    const prepared = await this.prepare(request, (options.normalize ?? false) || config.normalize, {
      liveReferencesOnly: false,
    });
    const id = (await this.store.schemaIdsByFingerprint([prepared.stored.fingerprint])).get(
      prepared.stored.fingerprint,
    );
    const match = visible.filter((entry) => entry.schemaId === id).at(-1);
    if (id === undefined || !match)
      throw schemaNotFound(`the schema is not registered in subject ${JSON.stringify(subject)}`);
    return this.view(match);
  }

  /** A schema by its global id; one whose every version was deleted permanently is not found. */
  async schemaById(id: number): Promise<SchemaView> {
    const [stored, versions] = await Promise.all([this.store.schema(id), this.store.versionsOfSchema(id)]);
    if (!stored || versions.length === 0) throw schemaNotFound(`no schema with id ${id}`);
    return viewOfSchema(stored);
  }

  /** The subject versions registered as schema `id`. */
  async versionsOfSchema(id: number, options: { deleted?: boolean } = {}): Promise<StoredVersion[]> {
    const versions = await this.store.versionsOfSchema(id);
    if (versions.length === 0) throw schemaNotFound(`no schema with id ${id}`);
    return versions.filter((version) => options.deleted || !version.deleted);
  }

  /**
   * `view` with its schema in `format` (Confluent's `?format=`): `serialized` gives a PROTOBUF
   * schema as a base64 FileDescriptorProto. Other types, and formats not known, keep the stored
   * text, as Confluent does.
   */
  async formatted<View extends SchemaView>(view: View, format: string | null | undefined): Promise<View> {
    if (format !== "serialized" || view.schemaType !== "PROTOBUF") return view;
    const parsed = await this.parsedSchema(view.id, this.store);
    return { ...view, schema: protobufSerialized(parsed) };
  }

  maxSchemaId(): Promise<number> {
    return this.store.maxSchemaId();
  }

  // --- registering ----------------------------------------------------------------------------

  /**
   * Registers `request` in `subject`: the same schema already there (not deleted) keeps its id and
   * version; anywhere else it gets the next version under the schema's one global id, once it
   * passes the subject's compatibility level against the versions not deleted.
   */
  async register(
    subject: string,
    request: RegisterRequest,
    options: { normalize?: boolean } = {},
  ): Promise<{ id: number; version: number }> {
    validateSubject(subject);
    const config = await this.effectiveConfig(subject);
    const prepared = await this.prepare(request, (options.normalize ?? false) || config.normalize, {
      liveReferencesOnly: true,
    });
    const { fingerprint } = prepared.stored;
    const requestedId = request.id !== undefined && request.id > 0 ? request.id : undefined;
    const requestedVersion =
      request.version !== undefined && request.version > 0 ? request.version : undefined;
    const registered = async (store: RegistryStore) => {
      if (requestedVersion !== undefined) return undefined;
      const existingId = (await store.schemaIdsByFingerprint([fingerprint])).get(fingerprint);
      if (existingId === undefined || (requestedId !== undefined && requestedId !== existingId))
        return undefined;
      const live = (await store.versions(subject)).filter(
        (entry) => !entry.deleted && entry.schemaId === existingId,
      );
      const match = live.at(-1);
      return match ? { id: existingId, version: match.version } : undefined;
    };
    // Registering what is there already writes nothing, so it is answered even in READONLY mode.
    const existing = await registered(this.store);
    if (existing) return existing;

    return this.store.withSubjectLock(subject, async (store) => {
      const mode = await this.effectiveMode(subject, store);
      if (mode === "READONLY" || mode === "READONLY_OVERRIDE")
        throw operationNotPermitted(`Subject ${JSON.stringify(subject)} is in ${mode} mode`);
      if (requestedId !== undefined && mode !== "IMPORT")
        throw operationNotPermitted(
          `Subject ${JSON.stringify(subject)} is not in IMPORT mode: a schema id may only be given when importing`,
        );
      if (requestedId === undefined && mode !== "READWRITE")
        throw operationNotPermitted(
          `Subject ${JSON.stringify(subject)} is in ${mode} mode: give the schema id to import`,
        );
      // Another broker may have registered it while this one waited for the lock.
      const raced = await registered(store);
      if (raced) return raced;

      const versions = await store.versions(subject);
      const nextVersion = (versions.at(-1)?.version ?? 0) + 1;
      let version = nextVersion;
      if (requestedVersion !== undefined) {
        if (mode !== "IMPORT" && requestedVersion !== nextVersion)
          throw invalidSchema(
            `version ${requestedVersion} is not one more than the latest version of subject ${JSON.stringify(subject)} (${nextVersion - 1})`,
          );
        const taken = versions.find((entry) => entry.version === requestedVersion);
        if (taken) {
          const takenId = (await store.schemaIdsByFingerprint([fingerprint])).get(fingerprint);
          if (taken.schemaId === takenId && !taken.deleted) return { id: takenId, version: taken.version };
          throw operationNotPermitted(
            `Version ${requestedVersion} of subject ${JSON.stringify(subject)} exists already with another schema`,
          );
        }
        version = requestedVersion;
      }

      if (mode !== "IMPORT") {
        const config = await this.effectiveConfig(subject, store);
        const previous = versions.filter((entry) => !entry.deleted);
        const reasons = await this.compatibilityReasons(prepared, config.compatibilityLevel, previous, store);
        if (reasons.length > 0) throw incompatibleSchema(subject, reasons);
      }

      let id: number;
      if (requestedId !== undefined) {
        const outcome = await store.importSchema(prepared.stored, requestedId);
        if (!outcome.imported) {
          throw operationNotPermitted(
            outcome.conflict === "id-taken"
              ? `Overwriting schema id ${requestedId} with another schema is not permitted`
              : `The schema is registered already with id ${outcome.existingId}, not ${requestedId}`,
          );
        }
        id = requestedId;
      } else {
        id = await store.insertSchema(prepared.stored);
      }
      // As Confluent does: soft-deleted earlier versions of the same schema give way to the new one.
      const superseded = versions.filter((entry) => entry.deleted && entry.schemaId === id);
      await store.deleteVersions(
        subject,
        superseded.map((entry) => entry.version),
      );
      await store.insertVersion(subject, version, id);
      this.remember(id, prepared.parsed);
      return { id, version };
    });
  }

  /**
   * Why `request` may not follow the versions of `subject`: all of them by the subject's level
   * (`selector` undefined), or the one version selected. Empty when it may.
   */
  async compatibility(
    subject: string,
    selector: VersionSelector | undefined,
    request: SchemaRequest,
    options: { normalize?: boolean } = {},
  ): Promise<string[]> {
    const config = await this.effectiveConfig(subject);
    const prepared = await this.prepare(request, (options.normalize ?? false) || config.normalize, {
      liveReferencesOnly: false,
    });
    const live = (await this.store.versions(subject)).filter((entry) => !entry.deleted);
    let previous: StoredVersion[];
    if (selector === undefined) {
      previous = live;
    } else if (selector === "latest") {
      // Nothing registered yet: anything may come first.
      previous = live.slice(-1);
    } else {
      const selected = live.find((entry) => entry.version === selector);
      if (!selected) {
        if (live.length === 0) throw subjectNotFound(subject);
        throw versionNotFound(subject, selector);
      }
      previous = [selected];
    }
    return this.compatibilityReasons(prepared, config.compatibilityLevel, previous, this.store);
  }

  // --- deleting -------------------------------------------------------------------------------

  /**
   * Soft delete: the versions not deleted yet are hidden (still readable with ?deleted=true, their
   * ids still resolve) and the subject's config and mode go. Permanent: the soft-deleted versions
   * are removed. Returns the versions deleted.
   */
  deleteSubject(subject: string, options: { permanent?: boolean } = {}): Promise<number[]> {
    const permanent = options.permanent ?? false;
    return this.store.withSubjectLock(subject, async (store) => {
      await this.refuseInReadOnlyMode(subject, store);
      const versions = await store.versions(subject);
      if (versions.length === 0) throw subjectNotFound(subject);
      const live = versions.filter((entry) => !entry.deleted);
      if (!permanent) {
        if (live.length === 0) throw subjectSoftDeleted(subject);
        for (const entry of live) await this.refuseIfReferenced(store, entry, true);
        await store.markDeleted(
          subject,
          live.map((entry) => entry.version),
        );
        await store.deleteConfig(subject);
        await store.deleteMode(subject);
        return live.map((entry) => entry.version);
      }
      if (live.length > 0) throw subjectNotSoftDeleted(subject);
      for (const entry of versions) await this.refuseIfReferenced(store, entry, false);
      await store.deleteVersions(
        subject,
        versions.map((entry) => entry.version),
      );
      return versions.map((entry) => entry.version);
    });
  }

  /** Soft or (after a soft one) permanent delete of one version; returns its number. */
  deleteVersion(
    subject: string,
    selector: VersionSelector,
    options: { permanent?: boolean } = {},
  ): Promise<number> {
    const permanent = options.permanent ?? false;
    return this.store.withSubjectLock(subject, async (store) => {
      await this.refuseInReadOnlyMode(subject, store);
      const versions = await store.versions(subject);
      if (versions.length === 0) throw subjectNotFound(subject);
      const live = versions.filter((entry) => !entry.deleted);
      const target =
        selector === "latest"
          ? (permanent ? versions : live).at(-1)
          : versions.find((entry) => entry.version === selector);
      if (!target) throw versionNotFound(subject, selector);
      if (!permanent) {
        if (target.deleted) throw versionSoftDeleted(subject, target.version);
        await this.refuseIfReferenced(store, target, true);
        await store.markDeleted(subject, [target.version]);
        if (live.length === 1) {
          // The subject's last version: like a subject delete, its settings go with it.
          await store.deleteConfig(subject);
          await store.deleteMode(subject);
        }
      } else {
        if (!target.deleted) throw versionNotSoftDeleted(subject, target.version);
        await this.refuseIfReferenced(store, target, false);
        await store.deleteVersions(subject, [target.version]);
      }
      return target.version;
    });
  }

  // --- config and mode ------------------------------------------------------------------------

  /** The global config (subject undefined), or the subject's; 40408 when it has none of its own. */
  async config(
    subject: string | undefined,
    options: { defaultToGlobal?: boolean } = {},
  ): Promise<ConfigView> {
    if (subject !== undefined) {
      const own = await this.store.config(subject);
      if (own?.compatibilityLevel || own?.normalize != null) {
        const global = own.compatibilityLevel ? undefined : await this.store.config(GLOBAL_SUBJECT);
        return configView(own.compatibilityLevel ?? global?.compatibilityLevel, own.normalize);
      }
      if (!options.defaultToGlobal) throw subjectCompatibilityNotConfigured(subject);
    }
    const global = await this.store.config(GLOBAL_SUBJECT);
    return configView(global?.compatibilityLevel, global?.normalize);
  }

  async setConfig(
    subject: string | undefined,
    update: { compatibility?: unknown; normalize?: boolean },
  ): Promise<{ compatibility?: CompatibilityLevel; normalize?: boolean }> {
    if (subject !== undefined) validateSubject(subject);
    const level = update.compatibility;
    if (level !== undefined && !isCompatibilityLevel(level)) throw invalidCompatibilityLevel(level);
    if (level === undefined && update.normalize === undefined) throw invalidCompatibilityLevel(undefined);
    await this.store.setConfig(subject ?? GLOBAL_SUBJECT, level, update.normalize);
    return {
      ...(level !== undefined && { compatibility: level }),
      ...(update.normalize !== undefined && { normalize: update.normalize }),
    };
  }

  /** Removes the subject's config (40408 when it has none), or resets the global one; returns what was set. */
  async deleteConfig(subject: string | undefined): Promise<ConfigView> {
    const removed = await this.store.deleteConfig(subject ?? GLOBAL_SUBJECT);
    if (subject !== undefined && !removed) throw subjectCompatibilityNotConfigured(subject);
    return configView(removed?.compatibilityLevel, removed?.normalize);
  }

  async mode(
    subject: string | undefined,
    options: { defaultToGlobal?: boolean } = {},
  ): Promise<RegistryMode> {
    if (subject !== undefined) {
      const own = await this.store.mode(subject);
      if (own) return own as RegistryMode;
      if (!options.defaultToGlobal) throw subjectModeNotConfigured(subject);
    }
    return ((await this.store.mode(GLOBAL_SUBJECT)) as RegistryMode | undefined) ?? DEFAULT_MODE;
  }

  /** IMPORT only where nothing was ever registered (soft-deleted versions count), unless `force`. */
  async setMode(
    subject: string | undefined,
    mode: unknown,
    options: { force?: boolean } = {},
  ): Promise<RegistryMode> {
    if (subject !== undefined) validateSubject(subject);
    if (typeof mode !== "string" || !(REGISTRY_MODES as readonly string[]).includes(mode))
      throw invalidMode(mode);
    if (mode === "IMPORT" && !options.force && (await this.store.hasVersions(subject))) {
      throw operationNotPermitted(
        `Cannot switch ${subject === undefined ? "the registry" : `subject ${JSON.stringify(subject)}`} to IMPORT mode: it has registered schemas (use force=true to do it anyway)`,
      );
    }
    await this.store.setMode(subject ?? GLOBAL_SUBJECT, mode);
    return mode as RegistryMode;
  }

  async deleteMode(subject: string | undefined): Promise<RegistryMode> {
    const removed = await this.store.deleteMode(subject ?? GLOBAL_SUBJECT);
    if (subject !== undefined && !removed) throw subjectModeNotConfigured(subject);
    return (removed as RegistryMode | undefined) ?? DEFAULT_MODE;
  }

  // --- internals ------------------------------------------------------------------------------

  private async visibleVersions(subject: string, includeDeleted: boolean): Promise<StoredVersion[]> {
    const versions = await this.store.versions(subject);
    const visible = includeDeleted ? versions : versions.filter((entry) => !entry.deleted);
    if (visible.length === 0) throw subjectNotFound(subject);
    return visible;
  }

  private async view(row: StoredVersion): Promise<SubjectVersionView> {
    const stored = await this.store.schema(row.schemaId);
    if (!stored)
      throw new Error(`subject ${row.subject} version ${row.version} names missing schema ${row.schemaId}`);
    return { ...viewOfSchema(stored), subject: row.subject, version: row.version, deleted: row.deleted };
  }

  /** Subject config, else global, else BACKWARD; normalize likewise, else off. */
  private async effectiveConfig(
    subject: string,
    store: RegistryStore = this.store,
  ): Promise<{ compatibilityLevel: CompatibilityLevel; normalize: boolean }> {
    const [own, global] = await Promise.all([store.config(subject), store.config(GLOBAL_SUBJECT)]);
    const level = own?.compatibilityLevel ?? global?.compatibilityLevel;
    return {
      compatibilityLevel: isCompatibilityLevel(level) ? level : DEFAULT_COMPATIBILITY_LEVEL,
      normalize: own?.normalize ?? global?.normalize ?? false,
    };
  }

  /** A global READONLY_OVERRIDE wins over every subject's mode; else the subject's, else the global one. */
  private async effectiveMode(subject: string, store: RegistryStore = this.store): Promise<RegistryMode> {
    const [own, global] = await Promise.all([store.mode(subject), store.mode(GLOBAL_SUBJECT)]);
    if (global === "READONLY_OVERRIDE") return global;
    return ((own ?? global) as RegistryMode | undefined) ?? DEFAULT_MODE;
  }

  private async refuseInReadOnlyMode(subject: string, store: RegistryStore): Promise<void> {
    const mode = await this.effectiveMode(subject, store);
    if (mode === "READONLY" || mode === "READONLY_OVERRIDE")
      throw operationNotPermitted(`Subject ${JSON.stringify(subject)} is in ${mode} mode`);
  }

  /**
   * A soft delete is refused while a schema registered in a live version references the version;
   * a permanent one while any version (soft-deleted too) of such a schema remains, since that one
   * could no longer be resolved.
   */
  private async refuseIfReferenced(
    store: RegistryStore,
    entry: StoredVersion,
    liveOnly: boolean,
  ): Promise<void> {
    const ids = await store.referencingSchemaIds(entry.subject, entry.version, liveOnly);
    if (ids.length > 0) throw referenceExists(entry.subject, entry.version, ids);
  }

  /** Resolves references, parses, and computes the text and fingerprint that decide "the same schema". */
  private async prepare(
    request: SchemaRequest,
    normalize: boolean,
    options: { liveReferencesOnly: boolean },
  ): Promise<PreparedSchema> {
    const format = schemaFormat(request.schemaType);
    const { references, resolved } = await this.resolveReferences(
      request.references,
      options.liveReferencesOnly,
      0,
    );
    let parsed: ParsedSchema;
    try {
      parsed = format.parse(request.schema, resolved);
    } catch (error) {
      if (error instanceof InvalidSchemaError) throw invalidSchema(error.message);
      throw error;
    }
    const text = normalize ? format.normalize(parsed) : format.canonical(parsed);
    return {
      format,
      parsed,
      stored: {
        schemaType: request.schemaType,
        schema: text,
        references,
        fingerprint: fingerprintOf(request.schemaType, text, references),
      },
    };
  }

  /**
   * Each reference must name an existing version ("latest"/-1: the latest one, recorded as its
   * number); resolved depth first with the referenced schemas' own references.
   */
  private async resolveReferences(
    references: readonly SchemaReference[],
    liveOnly: boolean,
    depth: number,
    store: RegistryStore = this.store,
  ): Promise<{ references: SchemaReference[]; resolved: ResolvedReference[] }> {
    if (depth > MAX_REFERENCE_DEPTH)
      throw invalidSchema(`references nest deeper than ${MAX_REFERENCE_DEPTH} levels`);
    const exact: SchemaReference[] = [];
    const resolved: ResolvedReference[] = [];
    for (const reference of references) {
      const versions = (await store.versions(reference.subject)).filter(
        (entry) => !liveOnly || !entry.deleted,
      );
      const entry =
        reference.version === -1
          ? versions.filter((candidate) => !candidate.deleted).at(-1)
          : versions.find((candidate) => candidate.version === reference.version);
      const stored = entry && (await store.schema(entry.schemaId));
      if (!entry || !stored) {
        throw invalidSchema(
          `reference ${JSON.stringify(reference.name)} names version ${reference.version === -1 ? "latest" : reference.version} of subject ${JSON.stringify(reference.subject)}, which does not exist`,
        );
      }
      const nested = await this.resolveReferences(stored.references, false, depth + 1, store);
      exact.push({ name: reference.name, subject: reference.subject, version: entry.version });
      resolved.push({
        name: reference.name,
        subject: reference.subject,
        version: entry.version,
        schemaType: stored.schemaType,
        schema: stored.schema,
        references: nested.resolved,
      });
    }
    return { references: exact, resolved };
  }

  /** The parsed schema of a stored id, from the cache when it was parsed before. */
  private async parsedSchema(id: number, store: RegistryStore): Promise<ParsedSchema> {
    const cached = this.parsedById.get(id);
    if (cached) {
      // Refresh its place: the least recently used entry is evicted first.
      this.parsedById.delete(id);
      this.parsedById.set(id, cached);
      return cached;
    }
    const stored = await store.schema(id);
    if (!stored) throw new Error(`schema ${id} is named by a version but missing`);
    const { resolved } = await this.resolveReferences(stored.references, false, 0, store);
    const parsed = schemaFormat(stored.schemaType).parse(stored.schema, resolved);
    this.remember(id, parsed);
    return parsed;
  }

  private remember(id: number, parsed: ParsedSchema): void {
    this.parsedById.delete(id);
    this.parsedById.set(id, parsed);
    while (this.parsedById.size > this.parsedSchemaCacheSize) {
      const oldest = this.parsedById.keys().next();
      if (oldest.done) break;
      this.parsedById.delete(oldest.value);
    }
  }

  private async compatibilityReasons(
    prepared: PreparedSchema,
    level: CompatibilityLevel,
    previous: readonly StoredVersion[],
    store: RegistryStore,
  ): Promise<string[]> {
    if (level === "NONE" || previous.length === 0) return [];
    const against = level.endsWith("_TRANSITIVE") ? previous : previous.slice(-1);
    const parsed: { version: number; parsed: ParsedSchema }[] = [];
    const reasons: string[] = [];
    for (const entry of against) {
      const schema = await this.parsedSchema(entry.schemaId, store);
      if (schema.schemaType !== prepared.parsed.schemaType) {
        reasons.push(
          `version ${entry.version} is a ${schema.schemaType} schema, the new schema is ${prepared.parsed.schemaType}`,
        );
      } else {
        parsed.push({ version: entry.version, parsed: schema });
      }
    }
    return [...reasons, ...compatibilityErrors(prepared.format, level, prepared.parsed, parsed)];
  }
}

function configView(level: string | null | undefined, normalize: boolean | null | undefined): ConfigView {
  return {
    compatibilityLevel: isCompatibilityLevel(level) ? level : DEFAULT_COMPATIBILITY_LEVEL,
    ...(normalize != null && { normalize }),
  };
}

function viewOfSchema(stored: StoredSchema): SchemaView {
  return {
    id: stored.id,
    schemaType: stored.schemaType,
    schema: stored.schema,
    references: stored.references,
  };
}

function fingerprintOf(schemaType: SchemaType, text: string, references: readonly SchemaReference[]): string {
  return createHash("sha256")
    .update(`${schemaType}\n${referencesJson(references)}\n${text}`)
    .digest("hex");
}

/** Subject names as Confluent accepts them: not empty, no control characters, of a sane length. */
export function validateSubject(subject: string): void {
  if (subject.length === 0) throw invalidSubject(subject, "it is empty");
  if (subject.length > SUBJECT_MAX_LENGTH)
    throw invalidSubject(subject.slice(0, 64), `it is longer than ${SUBJECT_MAX_LENGTH} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  if (/[\u0000-\u001f\u007f]/.test(subject)) throw invalidSubject(subject, "it contains control characters");
}
