// Who may use the schema registry: HTTP basic auth checked against the broker's SASL credentials
// (the same principals as on Kafka listeners), and the registry's operations mapped onto the
// authorizer's ACLs. The routes depend only on this interface.

/** What a registry request does, for authorization. */
export type RegistryOperation =
  /** GET anything about a subject or schema, lookups, compatibility checks. */
  | "read"
  /** Register a version. */
  | "write"
  /** Soft or permanent delete of a subject or version. */
  | "delete"
  /** Change config or mode (of a subject, or globally when subject is undefined). */
  | "configure";

export interface RegistryPrincipal {
  /** Kafka's form, e.g. "User:alice"; "User:ANONYMOUS" when authentication is off. */
  principal: string;
  /** The client's address, as ACL hosts name it. */
  host: string;
}

export type RegistryAuthentication =
  | { ok: true; principal: RegistryPrincipal }
  /** 401 (error_code 40101) with the reason; the reason never contains the password. */
  | { ok: false; reason: string };

export interface RegistryAccess {
  /** From the request's Authorization header (undefined when absent) and the peer's address. */
  authenticate(authorization: string | undefined, remoteAddress: string): Promise<RegistryAuthentication>;
  /**
   * Whether `principal` may do `operation` on `subject` (undefined: registry-wide, e.g. the global
   * config, listing all subjects is filtered per subject instead). Denied → 403 (error_code 40301).
   */
  authorize(principal: RegistryPrincipal, operation: RegistryOperation, subject: string | undefined): boolean;
}

/** No authentication configured: everyone is User:ANONYMOUS and may do everything. */
export const openRegistryAccess: RegistryAccess = {
  authenticate: async (_authorization, remoteAddress) => ({
    ok: true,
    principal: { principal: "User:ANONYMOUS", host: remoteAddress },
  }),
  authorize: () => true,
};
