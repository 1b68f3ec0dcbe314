// A small client for the Confluent Schema Registry REST API that every broker serves on its HTTP
// listener: each request has a deadline, basic auth with the cluster's SASL user, and a refusal
// comes back as a SchemaRegistryError carrying Confluent's error_code and message.
import type { CompatibilityLevel, SchemaReference, SchemaType } from "@streambed/schemas";

const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
export const REGISTRY_TIMEOUT_MS = 5000;

/** The registry refused a request: Confluent's error_code (e.g. 40401) and message, and the HTTP status. */
export class SchemaRegistryError extends Error {
  override readonly name = "SchemaRegistryError";
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The registry did not answer: refused connection, deadline passed, or a 5xx. */
export class SchemaRegistryUnavailableError extends Error {
  override readonly name = "SchemaRegistryUnavailableError";
}

/** Confluent's error codes the console acts on. */
export const REGISTRY_ERRORS = {
  subjectNotFound: 40401,
  versionNotFound: 40402,
  schemaNotFound: 40403,
  subjectLevelConfigNotFound: 40408,
  incompatibleSchema: 409,
  invalidSchema: 42201,
} as const;

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface RegisteredSchema {
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
}

export interface SubjectVersion extends RegisteredSchema {
  subject: string;
  version: number;
  id: number;
}

export interface SchemaToRegister {
  schema: string;
  schemaType: SchemaType;
  references?: readonly SchemaReference[];
}

export interface CompatibilityResult {
  isCompatible: boolean;
  /** Why not, in the registry's words (verbose=true); empty when compatible. */
  messages: string[];
}

function schemaTypeOf(value: unknown): SchemaType {
  // The registry leaves schemaType out for Avro.
  return value === "JSON" || value === "PROTOBUF" ? value : "AVRO";
}

function referencesOf(value: unknown): SchemaReference[] {
  if (!Array.isArray(value)) return [];
  return value.map((reference: Record<string, unknown>) => ({
    name: String(reference.name),
    subject: String(reference.subject),
    version: Number(reference.version),
  }));
}

function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}

export class SchemaRegistryClient {
  private readonly authorization: string | undefined;

  constructor(
    /** The broker's HTTP endpoint, e.g. http://broker-1:8081. */
    readonly endpoint: string,
    credentials?: RegistryCredentials,
    private readonly timeoutMs = REGISTRY_TIMEOUT_MS,
  ) {
    this.authorization = credentials
      ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`
      : undefined;
  }

  /** Every subject; with `deleted`, soft-deleted ones too. */
  async subjects(options: { deleted?: boolean } = {}): Promise<string[]> {
    const body = await this.request("GET", `/subjects${options.deleted ? "?deleted=true" : ""}`);
    return Array.isArray(body) ? body.map(String) : [];
  }

  /** The subject's version numbers, oldest first; with `deleted`, soft-deleted ones too. */
  async versions(subject: string, options: { deleted?: boolean } = {}): Promise<number[]> {
    const body = await this.request(
      "GET",
      `/subjects/${segment(subject)}/versions${options.deleted ? "?deleted=true" : ""}`,
    );
    return Array.isArray(body) ? body.map(Number).sort((a, b) => a - b) : [];
  }

  async version(
    subject: string,
    version: number | "latest",
    options: { deleted?: boolean } = {},
  ): Promise<SubjectVersion> {
    const body = (await this.request(
      "GET",
      `/subjects/${segment(subject)}/versions/${segment(version)}${options.deleted ? "?deleted=true" : ""}`,
    )) as Record<string, unknown>;
    return {
      subject: String(body.subject ?? subject),
      version: Number(body.version),
      id: Number(body.id),
      schemaType: schemaTypeOf(body.schemaType),
      schema: String(body.schema ?? ""),
      references: referencesOf(body.references),
    };
  }

  /** The schema records carrying `id` were written with. */
  async schemaById(id: number): Promise<RegisteredSchema> {
    const body = (await this.request("GET", `/schemas/ids/${segment(id)}`)) as Record<string, unknown>;
    return {
      schemaType: schemaTypeOf(body.schemaType),
      schema: String(body.schema ?? ""),
      references: referencesOf(body.references),
    };
  }

  /** The subject versions that name schema `id`. */
  async subjectVersionsOfSchema(id: number): Promise<{ subject: string; version: number }[]> {
    const body = await this.request("GET", `/schemas/ids/${segment(id)}/versions`);
    return Array.isArray(body)
      ? body.map((entry: Record<string, unknown>) => ({
          subject: String(entry.subject),
          version: Number(entry.version),
        }))
      : [];
  }

  async globalCompatibility(): Promise<CompatibilityLevel> {
    const body = (await this.request("GET", "/config")) as Record<string, unknown>;
    return String(body.compatibilityLevel ?? body.compatibility ?? "BACKWARD") as CompatibilityLevel;
  }

  /** The level set on the subject itself; null when it follows the global one. */
  async subjectCompatibility(subject: string): Promise<CompatibilityLevel | null> {
    try {
      const body = (await this.request("GET", `/config/${segment(subject)}`)) as Record<string, unknown>;
      const level = body.compatibilityLevel ?? body.compatibility;
      return typeof level === "string" ? (level as CompatibilityLevel) : null;
    } catch (error) {
      if (
        error instanceof SchemaRegistryError &&
        (error.errorCode === REGISTRY_ERRORS.subjectLevelConfigNotFound ||
          error.errorCode === REGISTRY_ERRORS.subjectNotFound)
      )
        return null;
      throw error;
    }
  }

  async setSubjectCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    await this.request("PUT", `/config/${segment(subject)}`, { compatibility: level });
  }

  /** Returns the subject to the global level. */
  async clearSubjectCompatibility(subject: string): Promise<void> {
    await this.request("DELETE", `/config/${segment(subject)}`);
  }

  /** Registers `schema` under `subject` (or finds it already registered there); its global id. */
  async register(subject: string, schema: SchemaToRegister): Promise<{ id: number }> {
    const body = (await this.request(
      "POST",
      `/subjects/${segment(subject)}/versions`,
      requestBody(schema),
    )) as {
      id?: unknown;
    };
    return { id: Number(body.id) };
  }

  /** The version of `subject` whose schema is `schema`; SchemaRegistryError 40403 when there is none. */
  async lookup(subject: string, schema: SchemaToRegister): Promise<SubjectVersion> {
    const body = (await this.request("POST", `/subjects/${segment(subject)}`, requestBody(schema))) as Record<
      string,
      unknown
    >;
    return {
      subject: String(body.subject ?? subject),
      version: Number(body.version),
      id: Number(body.id),
      schemaType: schemaTypeOf(body.schemaType ?? schema.schemaType),
      schema: String(body.schema ?? schema.schema),
      references: referencesOf(body.references ?? schema.references),
    };
  }

  /** Whether `schema` may follow `version` of `subject` under the subject's level, with the reasons. */
  async checkCompatibility(
    subject: string,
    version: number | "latest",
    schema: SchemaToRegister,
  ): Promise<CompatibilityResult> {
    const body = (await this.request(
      "POST",
      `/compatibility/subjects/${segment(subject)}/versions/${segment(version)}?verbose=true`,
      requestBody(schema),
    )) as Record<string, unknown>;
    return {
      isCompatible: body.is_compatible === true,
      messages: Array.isArray(body.messages) ? body.messages.map(String) : [],
    };
  }

  /** Soft-deletes one version: records written with it still decode, new registrations cannot use it. */
  async deleteVersion(subject: string, version: number): Promise<void> {
    await this.request("DELETE", `/subjects/${segment(subject)}/versions/${segment(version)}`);
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.endpoint);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: `${CONTENT_TYPE}, application/json`,
          ...(body !== undefined && { "content-type": CONTENT_TYPE }),
          ...(this.authorization && { authorization: this.authorization }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const reason =
        (error as Error).name === "TimeoutError"
          ? `did not answer within ${this.timeoutMs / 1000} s`
          : `is not reachable (${causeOf(error)})`;
      throw new SchemaRegistryUnavailableError(`the schema registry at ${this.endpoint} ${reason}`, {
        cause: error,
      });
    }
    const text = await response.text().catch(() => "");
    const parsed = parseJson(text);
    if (response.ok) return parsed;
    if (response.status >= 500)
      throw new SchemaRegistryUnavailableError(
        `the schema registry at ${this.endpoint} failed ${method} ${url.pathname}: HTTP ${response.status}${messageOf(parsed) ? `, ${messageOf(parsed)}` : ""}`,
      );
    const errorCode = Number((parsed as { error_code?: unknown } | null)?.error_code ?? response.status);
    throw new SchemaRegistryError(
      response.status,
      Number.isFinite(errorCode) ? errorCode : response.status,
      messageOf(parsed) ?? `HTTP ${response.status} from ${method} ${url.pathname}`,
    );
  }
}

function requestBody(schema: SchemaToRegister): Record<string, unknown> {
  return {
    schema: schema.schema,
    // Avro is the registry's default; sending it explicitly is allowed too, but older clients omit it.
    ...(schema.schemaType !== "AVRO" && { schemaType: schema.schemaType }),
    ...(schema.references && schema.references.length > 0 && { references: schema.references }),
  };
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function messageOf(body: unknown): string | undefined {
  if (typeof body === "string" && body.trim()) return body.trim().slice(0, 500);
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : undefined;
}

/** fetch's TypeError hides the socket error (ECONNREFUSED, ENOTFOUND) in its cause. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
