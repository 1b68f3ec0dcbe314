// The schema registry's HTTP face, Confluent's REST API: routing of /subjects, /schemas, /config,
// /mode and /compatibility, authentication and authorization per request, JSON bodies (size-limited,
// validated) and Confluent's content type and error bodies. Behaviour lives in schema-registry.ts.
import type http from "node:http";
import { Prisma } from "@streambed/db";
import { SCHEMA_TYPES, type SchemaReference, type SchemaType } from "@streambed/schemas";
import type { Logger } from "pino";
import type { HttpRoute, HttpServer } from "../http/http-server.js";
import type { RegistryAccess, RegistryOperation, RegistryPrincipal } from "./registry-access.js";
import {
  forbidden,
  forbiddenSchema,
  httpError,
  invalidSchema,
  invalidVersion,
  RegistryError,
  schemaNotFound,
  storeError,
  unauthorized,
} from "./registry-errors.js";
import type {
  RegisterRequest,
  SchemaRegistry,
  SchemaRequest,
  SchemaView,
  SubjectVersionView,
  VersionSelector,
} from "./schema-registry.js";

export const REGISTRY_CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
/** Request bodies above this are refused (413) before they are read: schemas are text, rarely over 1 MiB. */
export const MAX_REGISTRY_BODY_BYTES = 16 * 1024 * 1024;
/** The paths the registry serves, mounted as prefixes on the broker's HTTP listener. */
export const REGISTRY_PATH_PREFIXES = [
  "/subjects",
  "/schemas",
  "/config",
  "/mode",
  "/compatibility",
  "/contexts",
];

const ACCEPTED_REQUEST_TYPES = new Set([
  "application/vnd.schemaregistry.v1+json",
  "application/vnd.schemaregistry+json",
  "application/json",
  "application/octet-stream",
]);
const MAX_VERSION = 2 ** 31 - 1;

type Method = "GET" | "POST" | "PUT" | "DELETE";

interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  principal: RegistryPrincipal;
  /** Throws 403 unless the principal may. */
  authorize(operation: RegistryOperation, subject: string | undefined): void;
  /** Whether the principal may (for filtering lists). */
  may(operation: RegistryOperation, subject: string | undefined): boolean;
  /** The JSON body as an object; 400/413/415/422 when it is not one. */
  body(): Promise<Record<string, unknown>>;
}

/** What a route answers: JSON, or (…/schema) the schema text as it is (or in the `?format=` asked for). */
type RouteResult = { json: unknown } | { text: string };

interface Route {
  method: Method;
  /** Literal segments, or `:name` for a path parameter. */
  pattern: readonly string[];
  handle(context: RouteContext): Promise<RouteResult>;
}

/** Mounts the registry under every path of REGISTRY_PATH_PREFIXES. */
export function registerRegistryRoutes(
  server: HttpServer,
  registry: SchemaRegistry,
  access: RegistryAccess,
  log: Logger,
): void {
  const handler = registryHandler(registry, access, log);
  for (const prefix of REGISTRY_PATH_PREFIXES) server.routePrefix(prefix, handler);
}

export function registryHandler(registry: SchemaRegistry, access: RegistryAccess, log: Logger): HttpRoute {
  const routes = registryRoutes(registry);
  return async (request, response) => {
    const url = new URL(request.url ?? "/", "http://broker");
    const contentType = responseType(request.headers.accept);
    try {
      const segments = pathSegments(url.pathname);
      const matching = routes
        .map((route) => ({ route, params: match(route.pattern, segments) }))
        .filter((candidate) => candidate.params !== undefined);
      if (matching.length === 0) throw httpError(404, `No registry endpoint at ${url.pathname}`);
      const chosen = matching.find((candidate) => candidate.route.method === request.method);
      if (!chosen) {
        const allowed = [...new Set(matching.map((candidate) => candidate.route.method))].join(", ");
        throw httpError(405, `${request.method} is not allowed on ${url.pathname}; use ${allowed}`);
      }
      const authentication = await access.authenticate(
        request.headers.authorization,
        request.socket.remoteAddress ?? "",
      );
      if (!authentication.ok) throw unauthorized(authentication.reason);
      const { principal } = authentication;
      const may = (operation: RegistryOperation, subject: string | undefined) =>
        access.authorize(principal, operation, subject);
      const result = await chosen.route.handle({
        params: chosen.params ?? {},
        query: url.searchParams,
        principal,
        may,
        authorize(operation, subject) {
          if (!may(operation, subject)) throw forbidden(principal.principal, operation, subject);
        },
        body: () => readJsonBody(request),
      });
      send(response, 200, contentType, "json" in result ? JSON.stringify(result.json) : result.text);
    } catch (error) {
      const refusal = asRegistryError(error);
      if (refusal.status >= 500)
        log.error({ err: error, path: url.pathname }, "schema registry request failed");
      // A body refused unread must not be parsed as the next request on the connection.
      if (refusal.status === 413) response.setHeader("connection", "close");
      send(response, refusal.status, contentType, JSON.stringify(refusal.body()));
    }
  };
}

function registryRoutes(registry: SchemaRegistry): Route[] {
  const flag = (query: URLSearchParams, name: string) => query.get(name)?.toLowerCase() === "true";
  const json = (value: unknown): RouteResult => ({ json: value });
  const route = (method: Method, path: string, handle: Route["handle"]): Route => ({
    method,
    pattern: path.split("/").filter(Boolean),
    handle,
  });
  const subjectParam = (context: RouteContext) => context.params.subject ?? "";

  /** GET /schemas/ids/{id}: the principal must be able to read a subject the schema is in (or the registry). */
  const readableSchema = async (context: RouteContext): Promise<number> => {
    const id = parseSchemaId(context.params.id ?? "");
    if (context.may("read", undefined)) return id;
    const versions = await registry.versionsOfSchema(id, { deleted: true });
    if (!versions.some((version) => context.may("read", version.subject)))
      throw forbiddenSchema(context.principal.principal, id);
    return id;
  };

  return [
    route("GET", "/subjects", async (context) => {
      const subjects = await registry.subjects({
        deleted: flag(context.query, "deleted"),
        prefix: context.query.get("subjectPrefix") ?? "",
      });
      return json(subjects.filter((subject) => context.may("read", subject)));
    }),
    route("POST", "/subjects/:subject", async (context) => {
      const subject = subjectParam(context);
      context.authorize("read", subject);
      const request = schemaRequest(await context.body());
      const found = await registry.lookup(subject, request, {
        normalize: flag(context.query, "normalize"),
        deleted: flag(context.query, "deleted"),
      });
      return json(versionBody(await registry.formatted(found, context.query.get("format"))));
    }),
    route("DELETE", "/subjects/:subject", async (context) => {
      const subject = subjectParam(context);
      context.authorize("delete", subject);
      return json(await registry.deleteSubject(subject, { permanent: flag(context.query, "permanent") }));
    }),
    route("GET", "/subjects/:subject/versions", async (context) => {
      const subject = subjectParam(context);
      context.authorize("read", subject);
      return json(await registry.versions(subject, { deleted: flag(context.query, "deleted") }));
    }),
    route("POST", "/subjects/:subject/versions", async (context) => {
      const subject = subjectParam(context);
      context.authorize("write", subject);
      const request = registerRequest(await context.body());
      const { id } = await registry.register(subject, request, {
        normalize: flag(context.query, "normalize"),
      });
      return json({ id });
    }),
    route("GET", "/subjects/:subject/versions/:version", async (context) => {
      const subject = subjectParam(context);
      context.authorize("read", subject);
      const found = await registry.version(subject, parseVersion(context.params.version ?? ""), {
        deleted: flag(context.query, "deleted"),
      });
      return json(versionBody(await registry.formatted(found, context.query.get("format"))));
    }),
    route("DELETE", "/subjects/:subject/versions/:version", async (context) => {
      const subject = subjectParam(context);
      context.authorize("delete", subject);
      return json(
        await registry.deleteVersion(subject, parseVersion(context.params.version ?? ""), {
          permanent: flag(context.query, "permanent"),
        }),
      );
    }),
    route("GET", "/subjects/:subject/versions/:version/schema", async (context) => {
      const subject = subjectParam(context);
      context.authorize("read", subject);
      const found = await registry.version(subject, parseVersion(context.params.version ?? ""), {
        deleted: flag(context.query, "deleted"),
      });
      return { text: (await registry.formatted(found, context.query.get("format"))).schema };
    }),
    route("GET", "/subjects/:subject/versions/:version/referencedby", async (context) => {
      const subject = subjectParam(context);
      context.authorize("read", subject);
      return json(await registry.referencedBy(subject, parseVersion(context.params.version ?? "")));
    }),
    route("GET", "/schemas/types", async () => json(["JSON", "PROTOBUF", "AVRO"])),
    route("GET", "/schemas/ids/:id", async (context) => {
      const id = await readableSchema(context);
      const schema = await registry.formatted(await registry.schemaById(id), context.query.get("format"));
      return json({
        ...schemaBody(schema),
        ...(flag(context.query, "fetchMaxId") && { maxId: await registry.maxSchemaId() }),
      });
    }),
    route("GET", "/schemas/ids/:id/schema", async (context) => {
      const id = await readableSchema(context);
      const schema = await registry.formatted(await registry.schemaById(id), context.query.get("format"));
      return { text: schema.schema };
    }),
    route("GET", "/schemas/ids/:id/subjects", async (context) => {
      const id = await readableSchema(context);
      const versions = await registry.versionsOfSchema(id, { deleted: flag(context.query, "deleted") });
      const subjects = [...new Set(versions.map((version) => version.subject))];
      return json(subjects.filter((subject) => context.may("read", subject)));
    }),
    route("GET", "/schemas/ids/:id/versions", async (context) => {
      const id = await readableSchema(context);
      const versions = await registry.versionsOfSchema(id, { deleted: flag(context.query, "deleted") });
      return json(
        versions
          .filter((version) => context.may("read", version.subject))
          .map(({ subject, version }) => ({ subject, version })),
      );
    }),
    route("GET", "/config", async (context) => {
      context.authorize("read", undefined);
      return json(await registry.config(undefined));
    }),
    route("PUT", "/config", async (context) => {
      context.authorize("configure", undefined);
      return json(await registry.setConfig(undefined, configUpdate(await context.body())));
    }),
    route("DELETE", "/config", async (context) => {
      context.authorize("configure", undefined);
      return json(await registry.deleteConfig(undefined));
    }),
    route("GET", "/config/:subject", async (context) => {
      const subject = subjectParam(context);
      context.authorize("read", subject);
      return json(
        await registry.config(subject, { defaultToGlobal: flag(context.query, "defaultToGlobal") }),
      );
    }),
    route("PUT", "/config/:subject", async (context) => {
      const subject = subjectParam(context);
      context.authorize("configure", subject);
      return json(await registry.setConfig(subject, configUpdate(await context.body())));
    }),
    route("DELETE", "/config/:subject", async (context) => {
      const subject = subjectParam(context);
      context.authorize("configure", subject);
      return json(await registry.deleteConfig(subject));
    }),
    route("GET", "/mode", async (context) => {
      context.authorize("read", undefined);
      return json({ mode: await registry.mode(undefined) });
    }),
    route("PUT", "/mode", async (context) => {
      context.authorize("configure", undefined);
      const mode = modeUpdate(await context.body());
      return json({ mode: await registry.setMode(undefined, mode, { force: flag(context.query, "force") }) });
    }),
    route("DELETE", "/mode", async (context) => {
      context.authorize("configure", undefined);
      return json({ mode: await registry.deleteMode(undefined) });
    }),
    route("GET", "/mode/:subject", async (context) => {
      const subject = subjectParam(context);
      context.authorize("read", subject);
      return json({
        mode: await registry.mode(subject, { defaultToGlobal: flag(context.query, "defaultToGlobal") }),
      });
    }),
    route("PUT", "/mode/:subject", async (context) => {
      const subject = subjectParam(context);
      context.authorize("configure", subject);
      const mode = modeUpdate(await context.body());
      return json({ mode: await registry.setMode(subject, mode, { force: flag(context.query, "force") }) });
    }),
    route("DELETE", "/mode/:subject", async (context) => {
      const subject = subjectParam(context);
      context.authorize("configure", subject);
      return json({ mode: await registry.deleteMode(subject) });
    }),
    route("POST", "/compatibility/subjects/:subject/versions", async (context) =>
      compatibilityResult(context, registry, undefined),
    ),
    route("POST", "/compatibility/subjects/:subject/versions/:version", async (context) =>
      compatibilityResult(context, registry, parseVersion(context.params.version ?? "")),
    ),
    route("GET", "/contexts", async () => json(["."])),
  ];
}

async function compatibilityResult(
  context: RouteContext,
  registry: SchemaRegistry,
  selector: VersionSelector | undefined,
): Promise<RouteResult> {
  const subject = context.params.subject ?? "";
  context.authorize("read", subject);
  const request = schemaRequest(await context.body());
  const reasons = await registry.compatibility(subject, selector, request, {
    normalize: context.query.get("normalize")?.toLowerCase() === "true",
  });
  const verbose = context.query.get("verbose")?.toLowerCase() === "true";
  return { json: { is_compatible: reasons.length === 0, ...(verbose && { messages: reasons }) } };
}

// --- bodies -------------------------------------------------------------------------------------

/** Confluent leaves schemaType out for AVRO and references out when there are none. */
function schemaBody(schema: SchemaView): Record<string, unknown> {
  return {
    ...(schema.schemaType !== "AVRO" && { schemaType: schema.schemaType }),
    schema: schema.schema,
    ...(schema.references.length > 0 && { references: schema.references }),
  };
}

function versionBody(found: SubjectVersionView): Record<string, unknown> {
  return { subject: found.subject, version: found.version, id: found.id, ...schemaBody(found) };
}

function schemaRequest(body: Record<string, unknown>): SchemaRequest {
  const { schema } = body;
  if (typeof schema !== "string") throw invalidSchema('the body needs "schema": the schema as a string');
  if (schema.trim() === "") throw invalidSchema("the schema is empty");
  return { schema, schemaType: schemaTypeOf(body.schemaType), references: referencesOf(body.references) };
}

function registerRequest(body: Record<string, unknown>): RegisterRequest {
  const request: RegisterRequest = schemaRequest(body);
  const id = optionalInteger(body.id, "id");
  const version = optionalInteger(body.version, "version");
  return {
    ...request,
    ...(id !== undefined && { id }),
    ...(version !== undefined && { version }),
  };
}

function schemaTypeOf(value: unknown): SchemaType {
  if (value === undefined || value === null) return "AVRO";
  const type = typeof value === "string" ? value.toUpperCase() : value;
  if (typeof type === "string" && (SCHEMA_TYPES as readonly string[]).includes(type))
    return type as SchemaType;
  throw invalidSchema(`unknown schemaType ${JSON.stringify(value)}: use AVRO, JSON or PROTOBUF`);
}

function referencesOf(value: unknown): SchemaReference[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidSchema('"references" must be an array of {name, subject, version}');
  return value.map((entry: unknown, index) => {
    const reference = entry as Partial<Record<string, unknown>> | null;
    const { name, subject, version } = reference ?? {};
    if (
      typeof reference !== "object" ||
      typeof name !== "string" ||
      name === "" ||
      typeof subject !== "string" ||
      subject === "" ||
      !Number.isInteger(version) ||
      ((version as number) < 1 && version !== -1) ||
      (version as number) > MAX_VERSION
    ) {
      throw invalidSchema(
        `reference ${index} must be {"name": string, "subject": string, "version": a version number or -1}, not ${JSON.stringify(entry)}`,
      );
    }
    return { name, subject, version: version as number };
  });
}

function optionalInteger(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || (value as number) > MAX_VERSION)
    throw httpError(422, `"${field}" must be an integer, not ${JSON.stringify(value)}`);
  return value as number;
}

function configUpdate(body: Record<string, unknown>): { compatibility?: unknown; normalize?: boolean } {
  const level = body.compatibility ?? body.compatibilityLevel;
  const { normalize } = body;
  if (normalize !== undefined && normalize !== null && typeof normalize !== "boolean")
    throw httpError(422, `"normalize" must be true or false, not ${JSON.stringify(normalize)}`);
  return {
    ...(level !== undefined &&
      level !== null && { compatibility: typeof level === "string" ? level.toUpperCase() : level }),
    ...(typeof normalize === "boolean" && { normalize }),
  };
}

function modeUpdate(body: Record<string, unknown>): unknown {
  return typeof body.mode === "string" ? body.mode.toUpperCase() : body.mode;
}

// --- HTTP plumbing ------------------------------------------------------------------------------

/** An int ≥ 1, or "latest" / -1 (42202 otherwise). */
export function parseVersion(text: string): VersionSelector {
  if (text === "latest" || text === "-1") return "latest";
  if (/^[0-9]+$/.test(text)) {
    const version = Number(text);
    if (version >= 1 && version <= MAX_VERSION) return version;
  }
  throw invalidVersion(text);
}

function parseSchemaId(text: string): number {
  const id = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_VERSION)
    throw schemaNotFound(`no schema with id ${text}`);
  return id;
}

/** The path's segments, percent-decoded one by one (so an encoded "/" stays inside its subject). */
function pathSegments(pathname: string): string[] {
  return pathname
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw httpError(400, `The path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
      }
    });
}

function match(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index]!;
    if (part.startsWith(":")) params[part.slice(1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

async function readJsonBody(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  const mediaType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "" && !ACCEPTED_REQUEST_TYPES.has(mediaType)) {
    throw httpError(
      415,
      `Unsupported content type ${JSON.stringify(mediaType)}: send ${REGISTRY_CONTENT_TYPE} or application/json`,
    );
  }
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > MAX_REGISTRY_BODY_BYTES) throw bodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REGISTRY_BODY_BYTES) throw bodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw httpError(422, "The request has no body: send a JSON object");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw httpError(400, `The body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw httpError(422, "The body must be a JSON object");
  return body as Record<string, unknown>;
}

function bodyTooLarge(): RegistryError {
  return httpError(413, `The request body is larger than ${MAX_REGISTRY_BODY_BYTES} bytes`);
}

/** Confluent's media type unless the client asks only for plain JSON. */
function responseType(accept: string | undefined): string {
  if (!accept) return REGISTRY_CONTENT_TYPE;
  const types = accept.split(",").map((entry) => entry.split(";")[0]!.trim().toLowerCase());
  const registryTypes = [
    "application/vnd.schemaregistry.v1+json",
    "application/vnd.schemaregistry+json",
    "*/*",
  ];
  if (types.some((type) => registryTypes.includes(type))) return REGISTRY_CONTENT_TYPE;
  return types.includes("application/json") ? "application/json" : REGISTRY_CONTENT_TYPE;
}

function send(response: http.ServerResponse, status: number, contentType: string, text: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/** The registry's own refusals as they are; PostgreSQL failures 50001; anything else a 500. */
function asRegistryError(error: unknown): RegistryError {
  if (error instanceof RegistryError) return error;
  if (isStoreFailure(error)) return storeError("serving the request");
  return httpError(500, "Internal error in the schema registry");
}

function isStoreFailure(error: unknown): boolean {
  return (
    error instanceof Prisma.PrismaClientKnownRequestError ||
    error instanceof Prisma.PrismaClientUnknownRequestError ||
    error instanceof Prisma.PrismaClientInitializationError ||
    error instanceof Prisma.PrismaClientRustPanicError ||
    (error instanceof Error && /DriverAdapterError|^Prisma/.test(error.name))
  );
}
