// All the SQL of the schema registry: schemas by global id and fingerprint, subject versions, and
// the compatibility and mode settings (subject "" is the global row). Changes to a subject run in
// one transaction holding that subject's advisory lock, so brokers sharing the database serialize them.
import { Prisma, type PrismaClient } from "@streambed/db";
import type { SchemaReference, SchemaType } from "@streambed/schemas";

/** The subject of the global config and mode rows. */
export const GLOBAL_SUBJECT = "";

export interface StoredSchema {
  id: number;
  schemaType: SchemaType;
  /** The canonical (or normalized) text. */
  schema: string;
  references: SchemaReference[];
}

export interface NewSchema {
  schemaType: SchemaType;
  schema: string;
  references: readonly SchemaReference[];
  /** Identifies type, text and references together: equal fingerprints, same schema, same id. */
  fingerprint: string;
}

export interface StoredVersion {
  subject: string;
  version: number;
  schemaId: number;
  deleted: boolean;
}

export interface StoredConfig {
  compatibilityLevel: string | null;
  normalize: boolean | null;
}

type Queryable = Pick<PrismaClient, "$queryRaw" | "$executeRaw">;

interface SchemaRow {
  id: number;
  schema_type: string;
  schema: string;
  references: string;
}

interface VersionRow {
  subject: string;
  version: number;
  schema_id: number;
  deleted: boolean;
}

function schemaOfRow(row: SchemaRow): StoredSchema {
  return {
    id: row.id,
    schemaType: row.schema_type as SchemaType,
    schema: row.schema,
    references: JSON.parse(row.references) as SchemaReference[],
  };
}

function versionOfRow(row: VersionRow): StoredVersion {
  return { subject: row.subject, version: row.version, schemaId: row.schema_id, deleted: row.deleted };
}

/** The references as stored: exactly the three fields, in order, so equal lists give equal JSON. */
export function referencesJson(references: readonly SchemaReference[]): string {
  return JSON.stringify(references.map(({ name, subject, version }) => ({ name, subject, version })));
}

/** A transaction asked for something only the pool can do (a nested transaction). */
export class NestedTransactionError extends Error {
  override readonly name = "NestedTransactionError";
}

export interface RegistryStoreOptions {
  /**
   * Most registry transactions this process runs at once. Each holds a pool connection, possibly
   * while it waits for another broker's lock, and the pool is the broker's metadata pool, which
   * leases and commits need too.
   */
  maxConcurrentTransactions?: number;
  /** How long a transaction may wait for a pool connection, then run (Prisma's maxWait / timeout). */
  transactionWaitMs?: number;
  transactionTimeoutMs?: number;
}

/** Runs tasks one subject at a time, and at most `limit` at once: waiting happens here, not on a connection. */
class TransactionQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly bySubject = new Map<string, Promise<unknown>>();

  constructor(private readonly limit: number) {}

  run<T>(subject: string, task: () => Promise<T>): Promise<T> {
    const previous = this.bySubject.get(subject) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(() => this.withSlot(task));
    const tail = result.catch(() => undefined);
    this.bySubject.set(subject, tail);
    void tail.then(() => {
      if (this.bySubject.get(subject) === tail) this.bySubject.delete(subject);
    });
    return result;
  }

  private async withSlot<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}

export class RegistryStore {
  private readonly queue: TransactionQueue;
  private readonly transactionOptions: { maxWait: number; timeout: number };

  /** `prisma` stays the caller's: the store never disconnects it. */
  constructor(
    private readonly prisma: PrismaClient,
    options: RegistryStoreOptions = {},
    private readonly db: Queryable = prisma,
    private readonly inTransaction = false,
  ) {
    this.queue = new TransactionQueue(options.maxConcurrentTransactions ?? 2);
    this.transactionOptions = {
      maxWait: options.transactionWaitMs ?? 10_000,
      timeout: options.transactionTimeoutMs ?? 30_000,
    };
  }

  /**
   * Runs `work` in one transaction holding the advisory lock of `subject`: registrations and deletes
   * of one subject, from any broker, happen one after the other and see each other's results.
   */
  async withSubjectLock<T>(subject: string, work: (store: RegistryStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) throw new NestedTransactionError("already inside a registry transaction");
    return this.queue.run(subject, () =>
      this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`streambed.registry.subject:${subject}`}, 0))`;
        return work(new RegistryStore(this.prisma, {}, tx, true));
      }, this.transactionOptions),
    );
  }

  // --- schemas --------------------------------------------------------------------------------

  async schema(id: number): Promise<StoredSchema | undefined> {
    const [row] = await this.db.$queryRaw<SchemaRow[]>`
      SELECT id, schema_type, schema, "references"::text AS "references"
        FROM registry_schemas WHERE id = ${id}`;
    return row ? schemaOfRow(row) : undefined;
  }

  /** The ids of the schemas with these fingerprints (those that exist). */
  async schemaIdsByFingerprint(fingerprints: readonly string[]): Promise<Map<string, number>> {
    if (fingerprints.length === 0) return new Map();
    const rows = await this.db.$queryRaw<{ id: number; fingerprint: string }[]>`
      SELECT id, fingerprint FROM registry_schemas WHERE fingerprint IN (${Prisma.join(fingerprints)})`;
    return new Map(rows.map((row) => [row.fingerprint, row.id]));
  }

  async maxSchemaId(): Promise<number> {
    const [row] = await this.db.$queryRaw<
      { max: number | null }[]
    >`SELECT max(id) AS max FROM registry_schemas`;
    return row?.max ?? 0;
  }

  /**
   * The id of the schema with `schema.fingerprint`, inserting it when there is none. Two brokers
   * inserting the same schema at once get the same id: the unique fingerprint makes the second
   * insert wait for the first and then find its row.
   */
  async insertSchema(schema: NewSchema): Promise<number> {
    const [existing] = await this.db.$queryRaw<{ id: number }[]>`
      SELECT id FROM registry_schemas WHERE fingerprint = ${schema.fingerprint}`;
    if (existing) return existing.id;
    const [inserted] = await this.db.$queryRaw<{ id: number }[]>`
      INSERT INTO registry_schemas (schema_type, schema, "references", fingerprint)
      VALUES (${schema.schemaType}, ${schema.schema}, ${referencesJson(schema.references)}::jsonb, ${schema.fingerprint})
      ON CONFLICT (fingerprint) DO NOTHING
      RETURNING id`;
    if (inserted) return inserted.id;
    const [raced] = await this.db.$queryRaw<{ id: number }[]>`
      SELECT id FROM registry_schemas WHERE fingerprint = ${schema.fingerprint}`;
    if (!raced) throw new Error(`schema with fingerprint ${schema.fingerprint} neither inserted nor found`);
    return raced.id;
  }

  /**
   * IMPORT mode: inserts the schema under the given id (or finds it there already). Returns the id
   * another schema holds when `id` or the fingerprint is taken by something else, so the caller can
   * refuse; then moves the id sequence past `id` so later registrations do not collide with it.
   */
  async importSchema(
    schema: NewSchema,
    id: number,
  ): Promise<
    { imported: true } | { imported: false; conflict: "id-taken" | "fingerprint-taken"; existingId: number }
  > {
    await this.db.$executeRaw`
      INSERT INTO registry_schemas (id, schema_type, schema, "references", fingerprint)
      VALUES (${id}, ${schema.schemaType}, ${schema.schema}, ${referencesJson(schema.references)}::jsonb, ${schema.fingerprint})
      ON CONFLICT DO NOTHING`;
    const [byId] = await this.db.$queryRaw<{ fingerprint: string }[]>`
      SELECT fingerprint FROM registry_schemas WHERE id = ${id}`;
    if (byId && byId.fingerprint !== schema.fingerprint)
      return { imported: false, conflict: "id-taken", existingId: id };
    const [byFingerprint] = await this.db.$queryRaw<{ id: number }[]>`
      SELECT id FROM registry_schemas WHERE fingerprint = ${schema.fingerprint}`;
    if (byFingerprint && byFingerprint.id !== id)
      return { imported: false, conflict: "fingerprint-taken", existingId: byFingerprint.id };
    await this.db.$queryRaw`
      SELECT setval(pg_get_serial_sequence('registry_schemas', 'id'),
                    GREATEST((SELECT max(id) FROM registry_schemas),
                             coalesce(pg_sequence_last_value(pg_get_serial_sequence('registry_schemas', 'id')::regclass), 1)))`;
    return { imported: true };
  }

  /**
   * Ids of the schemas whose references name `subject` version `version`; with `liveOnly`, only
   * those still registered in a version that is not deleted.
   */
  async referencingSchemaIds(subject: string, version: number, liveOnly: boolean): Promise<number[]> {
    const reference = JSON.stringify([{ subject, version }]);
    const rows = await this.db.$queryRaw<{ id: number }[]>`
      SELECT s.id FROM registry_schemas s
       WHERE s."references" @> ${reference}::jsonb
         AND EXISTS (SELECT 1 FROM registry_subject_versions v
                      WHERE v.schema_id = s.id AND (v.deleted = false OR ${!liveOnly}))
       ORDER BY s.id`;
    return rows.map((row) => row.id);
  }

  // --- subject versions -----------------------------------------------------------------------

  /** Subjects with a version that is not deleted (or any version, with `includeDeleted`), sorted. */
  async subjects(includeDeleted: boolean, prefix = ""): Promise<string[]> {
    const pattern = `${prefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    const rows = await this.db.$queryRaw<{ subject: string }[]>`
      SELECT DISTINCT subject FROM registry_subject_versions
       WHERE (deleted = false OR ${includeDeleted}) AND subject LIKE ${pattern}
       ORDER BY subject`;
    return rows.map((row) => row.subject);
  }

  /** Every version of `subject`, deleted ones included, oldest first. */
  async versions(subject: string): Promise<StoredVersion[]> {
    const rows = await this.db.$queryRaw<VersionRow[]>`
      SELECT subject, version, schema_id, deleted FROM registry_subject_versions
       WHERE subject = ${subject} ORDER BY version`;
    return rows.map(versionOfRow);
  }

  /** Every subject version registered as schema `id`, deleted ones included. */
  async versionsOfSchema(id: number): Promise<StoredVersion[]> {
    const rows = await this.db.$queryRaw<VersionRow[]>`
      SELECT subject, version, schema_id, deleted FROM registry_subject_versions
       WHERE schema_id = ${id} ORDER BY subject, version`;
    return rows.map(versionOfRow);
  }

  /** Whether any version exists (deleted or not), in `subject` or, when undefined, anywhere. */
  async hasVersions(subject: string | undefined): Promise<boolean> {
    const [row] =
      subject === undefined
        ? await this.db.$queryRaw<{ found: boolean }[]>`
            SELECT EXISTS (SELECT 1 FROM registry_subject_versions) AS found`
        : await this.db.$queryRaw<{ found: boolean }[]>`
            SELECT EXISTS (SELECT 1 FROM registry_subject_versions WHERE subject = ${subject}) AS found`;
    return row?.found ?? false;
  }

  async insertVersion(subject: string, version: number, schemaId: number): Promise<void> {
    await this.db.$executeRaw`
      INSERT INTO registry_subject_versions (subject, version, schema_id, deleted)
      VALUES (${subject}, ${version}, ${schemaId}, false)`;
  }

  async markDeleted(subject: string, versions: readonly number[]): Promise<void> {
    if (versions.length === 0) return;
    await this.db.$executeRaw`
      UPDATE registry_subject_versions SET deleted = true
       WHERE subject = ${subject} AND version IN (${Prisma.join(versions)})`;
  }

  /** Removes the version rows; the schemas keep their ids. */
  async deleteVersions(subject: string, versions: readonly number[]): Promise<void> {
    if (versions.length === 0) return;
    await this.db.$executeRaw`
      DELETE FROM registry_subject_versions
       WHERE subject = ${subject} AND version IN (${Prisma.join(versions)})`;
  }

  // --- config and mode ------------------------------------------------------------------------

  async config(subject: string): Promise<StoredConfig | undefined> {
    const [row] = await this.db.$queryRaw<
      { compatibility_level: string | null; normalize: boolean | null }[]
    >`
      SELECT compatibility_level, normalize FROM registry_configs WHERE subject = ${subject}`;
    return row ? { compatibilityLevel: row.compatibility_level, normalize: row.normalize } : undefined;
  }

  /** Sets the level and `normalize`; either left undefined keeps what the row held. */
  async setConfig(
    subject: string,
    compatibilityLevel: string | undefined,
    normalize: boolean | undefined,
  ): Promise<void> {
    const level = compatibilityLevel ?? null;
    const normalizeValue = normalize ?? null;
    await this.db.$executeRaw`
      INSERT INTO registry_configs AS c (subject, compatibility_level, normalize, updated_at)
      VALUES (${subject}, ${level}, ${normalizeValue}, now())
      ON CONFLICT (subject) DO UPDATE SET
        compatibility_level = coalesce(EXCLUDED.compatibility_level, c.compatibility_level),
        normalize = coalesce(EXCLUDED.normalize, c.normalize),
        updated_at = now()`;
  }

  /** Removes the row; returns what it held. */
  async deleteConfig(subject: string): Promise<StoredConfig | undefined> {
    const [row] = await this.db.$queryRaw<
      { compatibility_level: string | null; normalize: boolean | null }[]
    >`
      DELETE FROM registry_configs WHERE subject = ${subject} RETURNING compatibility_level, normalize`;
    return row ? { compatibilityLevel: row.compatibility_level, normalize: row.normalize } : undefined;
  }

  async mode(subject: string): Promise<string | undefined> {
    const [row] = await this.db.$queryRaw<{ mode: string }[]>`
      SELECT mode FROM registry_modes WHERE subject = ${subject}`;
    return row?.mode;
  }

  async setMode(subject: string, mode: string): Promise<void> {
    await this.db.$executeRaw`
      INSERT INTO registry_modes (subject, mode, updated_at) VALUES (${subject}, ${mode}, now())
      ON CONFLICT (subject) DO UPDATE SET mode = EXCLUDED.mode, updated_at = now()`;
  }

  /** Removes the row; returns the mode it held. */
  async deleteMode(subject: string): Promise<string | undefined> {
    const [row] = await this.db.$queryRaw<{ mode: string }[]>`
      DELETE FROM registry_modes WHERE subject = ${subject} RETURNING mode`;
    return row?.mode;
  }
}
