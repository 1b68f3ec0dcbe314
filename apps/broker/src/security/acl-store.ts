// ACL bindings in PostgreSQL (table acls), shared by every broker. Each change bumps acl_version
// of the one security_version row in the same transaction; brokers poll that row and reload the
// bindings only when it moved.
import { Prisma, type PrismaClient } from "@streambed/db";
import {
  type AclBinding,
  type AclBindingFilter,
  type AclOperation,
  AclOperationCode,
  filterMatches,
  type PatternType,
  type PermissionType,
  type ResourceType,
} from "./acl.js";

type Transaction = Prisma.TransactionClient;

export interface AclSnapshot {
  /** acl_version when the bindings were read (they may already be newer, never older). */
  readonly version: bigint;
  readonly bindings: readonly AclBinding[];
}

const RESOURCE_TYPES = new Set<string>(["TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID"]);
const PATTERN_TYPES = new Set<string>(["LITERAL", "PREFIXED"]);
const PERMISSION_TYPES = new Set<string>(["ALLOW", "DENY"]);

interface AclRow {
  id: bigint;
  resourceType: string;
  resourceName: string;
  patternType: string;
  principal: string;
  host: string;
  operation: string;
  permissionType: string;
}

/** A stored row as a binding; undefined for a row written with values Kafka's model has no place for. */
function bindingOfRow(row: AclRow): AclBinding | undefined {
  const operation = row.operation as AclOperation;
  if (
    !RESOURCE_TYPES.has(row.resourceType) ||
    !PATTERN_TYPES.has(row.patternType) ||
    !PERMISSION_TYPES.has(row.permissionType) ||
    !(operation in AclOperationCode) ||
    operation === ("ANY" as string) ||
    operation === ("UNKNOWN" as string)
  )
    return undefined;
  return {
    resourceType: row.resourceType as ResourceType,
    resourceName: row.resourceName,
    patternType: row.patternType as PatternType,
    principal: row.principal,
    host: row.host,
    operation,
    permissionType: row.permissionType as PermissionType,
  };
}

export class AclStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** acl_version: cheap enough to poll every second from every broker. */
  async version(): Promise<bigint> {
    const [row] = await this.prisma.$queryRaw<{ version: bigint }[]>`
      SELECT acl_version AS version FROM security_version WHERE id = 1`;
    return row?.version ?? 0n;
  }

  /** Every binding, with the version read before them (so a change racing the read is reloaded next poll). */
  async load(): Promise<AclSnapshot> {
    const version = await this.version();
    const rows = await this.prisma.aclBinding.findMany({ orderBy: { id: "asc" } });
    const bindings: AclBinding[] = [];
    for (const row of rows) {
      const binding = bindingOfRow(row);
      if (binding) bindings.push(binding);
    }
    return { version, bindings };
  }

  /** Bindings selected by a DescribeAcls filter, read from PostgreSQL (so a change through any broker shows at once). */
  async describe(filter: AclBindingFilter): Promise<AclBinding[]> {
    const { bindings } = await this.load();
    return bindings.filter((binding) => filterMatches(filter, binding));
  }

  /** Adds bindings; one that exists already is left as it is (Kafka answers success for it too). */
  async create(bindings: readonly AclBinding[]): Promise<void> {
    if (bindings.length === 0) return;
    await this.prisma.$transaction(async (tx) => {
      await lockVersion(tx);
      await tx.aclBinding.createMany({
        data: bindings.map((binding) => ({ ...binding })),
        skipDuplicates: true,
      });
      await bumpVersion(tx);
    });
  }

  /**
   * Deletes every binding any filter selects, all in one transaction; returns what each filter
   * selected (a binding two filters select is listed under both, as Kafka does).
   */
  async delete(filters: readonly AclBindingFilter[]): Promise<AclBinding[][]> {
    if (filters.length === 0) return [];
    return this.prisma.$transaction(async (tx) => {
      await lockVersion(tx);
      const rows = await tx.aclBinding.findMany({ orderBy: { id: "asc" } });
      const matched: AclBinding[][] = filters.map(() => []);
      const ids = new Set<bigint>();
      for (const row of rows) {
        const binding = bindingOfRow(row);
        if (!binding) continue;
        filters.forEach((filter, index) => {
          if (!filterMatches(filter, binding)) return;
          matched[index]?.push(binding);
          ids.add(row.id);
        });
      }
      if (ids.size > 0) {
        await tx.aclBinding.deleteMany({ where: { id: { in: [...ids] } } });
        await bumpVersion(tx);
      }
      return matched;
    });
  }
}

/** Serialises ACL changes on the version row, so a delete never misses a binding created beside it. */
async function lockVersion(tx: Transaction): Promise<void> {
  await tx.$executeRaw`INSERT INTO security_version (id) VALUES (1) ON CONFLICT (id) DO NOTHING`;
  await tx.$queryRaw(Prisma.sql`SELECT acl_version FROM security_version WHERE id = 1 FOR UPDATE`);
}

async function bumpVersion(tx: Transaction): Promise<void> {
  await tx.$executeRaw`
    UPDATE security_version SET acl_version = acl_version + 1, updated_at = now() WHERE id = 1`;
}
