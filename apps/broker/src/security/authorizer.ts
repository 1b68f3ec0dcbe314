// Authorization decisions with Kafka's semantics: AclAuthorizer decides over one snapshot of ACL
// bindings (super users, DENY over ALLOW, wildcard principal and host, implied operations,
// allow.everyone.if.no.acl.found); BrokerAuthorizer keeps the snapshot current from PostgreSQL and
// caches decisions until the ACL version moves (request-authorization.ts is what handlers call).
import type { PrismaClient } from "@streambed/db";
import type { Logger } from "pino";
import type { BrokerConfig } from "../config.js";
import {
  type AclBinding,
  type AclOperation,
  AclOperationCode,
  allowedBy,
  deniedBy,
  parseSuperUsers,
  type ResourceType,
  SUPPORTED_OPERATIONS,
  WILDCARD,
  WILDCARD_PRINCIPAL,
} from "./acl.js";
import { AclStore } from "./acl-store.js";

export interface AuthorizerOptions {
  /** Principals allowed everything (super.users). */
  readonly superUsers: ReadonlySet<string>;
  /** Allow access to a resource that no ACL names at all (allow.everyone.if.no.acl.found). */
  readonly allowEveryoneIfNoAclFound: boolean;
}

export interface Action {
  readonly principal: string;
  /** The client's address, as ACL hosts name it. */
  readonly host: string;
  readonly operation: AclOperation;
  readonly resourceType: ResourceType;
  readonly resourceName: string;
}

interface ResourceIndex {
  readonly literal: Map<string, AclBinding[]>;
  readonly prefixed: AclBinding[];
  count: number;
}

/** Kafka's marker for "authorized operations were not asked for". */
export const OPERATIONS_NOT_REQUESTED = -2147483648;

/** Decisions over one snapshot of bindings; pure, no I/O. */
export class AclAuthorizer {
  private readonly index = new Map<ResourceType, ResourceIndex>();

  constructor(
    bindings: readonly AclBinding[],
    private readonly options: AuthorizerOptions,
  ) {
    for (const binding of bindings) {
      let entry = this.index.get(binding.resourceType);
      if (!entry) {
        entry = { literal: new Map(), prefixed: [], count: 0 };
        this.index.set(binding.resourceType, entry);
      }
      entry.count++;
      if (binding.patternType === "PREFIXED") entry.prefixed.push(binding);
      else {
        const list = entry.literal.get(binding.resourceName) ?? [];
        list.push(binding);
        entry.literal.set(binding.resourceName, list);
      }
    }
  }

  /** The bindings whose pattern covers the resource, whoever they are for. */
  private matching(resourceType: ResourceType, resourceName: string): AclBinding[] {
    const entry = this.index.get(resourceType);
    if (!entry) return [];
    const found = [...(entry.literal.get(resourceName) ?? [])];
    if (resourceName !== WILDCARD) found.push(...(entry.literal.get(WILDCARD) ?? []));
    for (const binding of entry.prefixed)
      if (resourceName.startsWith(binding.resourceName)) found.push(binding);
    return found;
  }

  isSuperUser(principal: string): boolean {
    return this.options.superUsers.has(principal);
  }

  authorize(action: Action): boolean {
    if (this.isSuperUser(action.principal)) return true;
    const bindings = this.matching(action.resourceType, action.resourceName);
    let allowed = false;
    for (const binding of bindings) {
      if (!appliesTo(binding, action.principal, action.host)) continue;
      if (binding.permissionType === "DENY") {
        if (deniedBy(binding.operation, action.operation)) return false;
      } else if (allowedBy(binding.operation, action.operation)) {
        allowed = true;
      }
    }
    if (allowed) return true;
    return bindings.length === 0 && this.options.allowEveryoneIfNoAclFound;
  }

  /**
   * Whether the principal may do `operation` on at least one resource of the type (Kafka's
   * authorizeByResourceType): some ALLOW pattern that no DENY pattern of the principal covers.
   */
  authorizeByResourceType(
    principal: string,
    host: string,
    operation: AclOperation,
    resourceType: ResourceType,
  ): boolean {
    if (this.isSuperUser(principal)) return true;
    const entry = this.index.get(resourceType);
    if (!entry) return this.options.allowEveryoneIfNoAclFound;
    const all = [...[...entry.literal.values()].flat(), ...entry.prefixed].filter((binding) =>
      appliesTo(binding, principal, host),
    );
    const denies = all.filter(
      (binding) => binding.permissionType === "DENY" && deniedBy(binding.operation, operation),
    );
    const deniedLiteral = new Set(
      denies.filter((b) => b.patternType === "LITERAL").map((b) => b.resourceName),
    );
    if (deniedLiteral.has(WILDCARD)) return false;
    const deniedPrefixes = denies.filter((b) => b.patternType === "PREFIXED").map((b) => b.resourceName);
    const coveredByDeny = (name: string) => deniedPrefixes.some((prefix) => name.startsWith(prefix));
    for (const binding of all) {
      if (binding.permissionType !== "ALLOW" || !allowedBy(binding.operation, operation)) continue;
      if (binding.patternType === "LITERAL") {
        if (binding.resourceName === WILDCARD) {
          if (deniedLiteral.size === 0 && deniedPrefixes.length === 0) return true;
          continue;
        }
        if (!deniedLiteral.has(binding.resourceName) && !coveredByDeny(binding.resourceName)) return true;
      } else if (!coveredByDeny(binding.resourceName)) {
        return true;
      }
    }
    return false;
  }

  /** Kafka's authorized-operations bit set of a resource: bit `code` for each operation allowed. */
  authorizedOperations(
    principal: string,
    host: string,
    resourceType: ResourceType,
    resourceName: string,
  ): number {
    let bits = 0;
    for (const operation of SUPPORTED_OPERATIONS[resourceType]) {
      if (this.authorize({ principal, host, operation, resourceType, resourceName }))
        bits |= 1 << AclOperationCode[operation];
    }
    return bits;
  }
}

function appliesTo(binding: AclBinding, principal: string, host: string): boolean {
  return (
    (binding.principal === principal || binding.principal === WILDCARD_PRINCIPAL) &&
    (binding.host === host || binding.host === WILDCARD)
  );
}

/** "acl" when any listener authenticates clients (SASL, or SSL asking for client certificates). */
export function resolveAuthorizer(config: BrokerConfig): "acl" | "none" {
  if (config.authorizer !== "auto") return config.authorizer;
  const names = new Map<string, string>();
  for (const entry of (config.listenerSecurityProtocolMap ?? "").split(",")) {
    const [name, protocol] = entry.split(":").map((part) => part.trim().toUpperCase());
    if (name && protocol) names.set(name, protocol);
  }
  for (const listener of (config.listeners ?? "").split(",")) {
    const name = listener.split("://")[0]?.trim().toUpperCase() ?? "";
    const protocol = names.get(name) ?? name;
    if (protocol.startsWith("SASL_")) return "acl";
    if (protocol === "SSL" && config.tlsClientAuth !== "none") return "acl";
  }
  return "none";
}

/** Bounds the decision cache: many clients from many hosts must not grow it without end. */
const MAX_CACHED_DECISIONS = 100_000;

/**
 * The broker's authorizer: disabled (everything allowed) until started with authorizer=acl; then
 * the bindings from PostgreSQL, reloaded when acl_version moves, with decisions cached per
 * principal, host, operation and resource so Produce and Fetch pay one map lookup.
 */
export class BrokerAuthorizer {
  private enabledFlag = false;
  private decider = new AclAuthorizer([], { superUsers: new Set(), allowEveryoneIfNoAclFound: false });
  private readonly decisions = new Map<string, boolean>();
  private version = -1n;
  private timer: NodeJS.Timeout | null = null;
  private refreshes: Promise<void> = Promise.resolve();
  private polling = false;
  private options: AuthorizerOptions = { superUsers: new Set(), allowEveryoneIfNoAclFound: false };
  private log: Logger | undefined;
  /** The ACLs in PostgreSQL; undefined while the authorizer is disabled (the ACL APIs answer SECURITY_DISABLED). */
  store: AclStore | undefined;

  get enabled(): boolean {
    return this.enabledFlag;
  }

  /** Loads the bindings and starts polling the version; returns the matching stop. Does nothing for authorizer=none. */
  async start(config: BrokerConfig, client: PrismaClient, log: Logger): Promise<() => Promise<void>> {
    const mode = resolveAuthorizer(config);
    this.log = log.child({ component: "authorizer" });
    if (mode === "none") return async () => {};
    this.options = {
      superUsers: parseSuperUsers(config.superUsers),
      allowEveryoneIfNoAclFound: config.allowEveryoneIfNoAclFound,
    };
    this.useStore(new AclStore(client));
    await this.refresh();
    this.timer = setInterval(() => {
      if (this.polling) return;
      this.polling = true;
      this.refresh()
        .catch((error: unknown) => this.log?.warn({ err: error }, "could not check the ACLs for changes"))
        .finally(() => {
          this.polling = false;
        });
    }, config.securityRefreshMs);
    this.timer.unref();
    this.log.info(
      { superUsers: [...this.options.superUsers], aclVersion: this.bindingsVersion },
      "ACL authorizer enabled",
    );
    return async () => this.stop();
  }

  /** Enables decisions over `store` with these options (start() does this from the config; tests call it directly). */
  useStore(store: AclStore, options: AuthorizerOptions = this.options): void {
    this.store = store;
    this.options = options;
    this.enabledFlag = true;
    this.decider = new AclAuthorizer([], options);
    this.version = -1n;
  }

  get bindingsVersion(): bigint {
    return this.version;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Reloads the bindings if acl_version moved since the last load. Checks run one after another: a
   * check already running may have read the version before the caller's change, so it is not shared.
   */
  refresh(): Promise<void> {
    const next = this.refreshes.then(() => this.reloadIfChanged());
    this.refreshes = next.catch(() => undefined);
    return next;
  }

  private async reloadIfChanged(): Promise<void> {
    const store = this.store;
    if (!store) return;
    if ((await store.version()) === this.version) return;
    const snapshot = await store.load();
    this.decider = new AclAuthorizer(snapshot.bindings, this.options);
    this.decisions.clear();
    if (this.version >= 0n)
      this.log?.info({ version: snapshot.version, bindings: snapshot.bindings.length }, "reloaded ACLs");
    this.version = snapshot.version;
  }

  authorize(action: Action): boolean {
    if (!this.enabledFlag) return true;
    const key = `${action.operation}\u0000${action.resourceType}\u0000${action.resourceName}\u0000${action.principal}\u0000${action.host}`;
    const cached = this.decisions.get(key);
    if (cached !== undefined) return cached;
    const decision = this.decider.authorize(action);
    if (this.decisions.size >= MAX_CACHED_DECISIONS) this.decisions.clear();
    this.decisions.set(key, decision);
    if (!decision) this.log?.debug(action, "denied");
    return decision;
  }

  authorizeByResourceType(
    principal: string,
    host: string,
    operation: AclOperation,
    type: ResourceType,
  ): boolean {
    if (!this.enabledFlag) return true;
    return this.decider.authorizeByResourceType(principal, host, operation, type);
  }

  /** The authorized-operations bits, or Kafka's "not requested" marker while disabled (as before ACLs). */
  authorizedOperations(principal: string, host: string, type: ResourceType, name: string): number {
    if (!this.enabledFlag) return OPERATIONS_NOT_REQUESTED;
    return this.decider.authorizedOperations(principal, host, type, name);
  }
}
