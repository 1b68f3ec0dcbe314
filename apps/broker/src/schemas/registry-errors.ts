// The schema registry's errors as Confluent's clients know them: an HTTP status and an error_code
// (40401 subject not found, 42201 invalid schema, …) with a message that names what was wrong.

/** Confluent's error codes; the first three digits are the HTTP status. */
export const RegistryErrorCode = {
  UNAUTHORIZED: 40101,
  FORBIDDEN: 40301,
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  SUBJECT_SOFT_DELETED: 40404,
  SUBJECT_NOT_SOFT_DELETED: 40405,
  VERSION_SOFT_DELETED: 40406,
  VERSION_NOT_SOFT_DELETED: 40407,
  SUBJECT_COMPATIBILITY_NOT_CONFIGURED: 40408,
  SUBJECT_MODE_NOT_CONFIGURED: 40409,
  INCOMPATIBLE_SCHEMA: 409,
  INVALID_SCHEMA: 42201,
  INVALID_VERSION: 42202,
  INVALID_COMPATIBILITY_LEVEL: 42203,
  INVALID_MODE: 42204,
  OPERATION_NOT_PERMITTED: 42205,
  REFERENCE_EXISTS: 42206,
  INVALID_SUBJECT: 42208,
  STORE_ERROR: 50001,
} as const;

export class RegistryError extends Error {
  override readonly name = "RegistryError";

  constructor(
    /** The HTTP status of the response. */
    readonly status: number,
    /** The `error_code` of the response body. */
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }

  /** The response body Confluent's clients parse. */
  body(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

const quoted = (text: string) => JSON.stringify(text);

export function subjectNotFound(subject: string): RegistryError {
  return new RegistryError(404, RegistryErrorCode.SUBJECT_NOT_FOUND, `Subject ${quoted(subject)} not found`);
}

export function versionNotFound(subject: string, version: number | string): RegistryError {
  return new RegistryError(
    404,
    RegistryErrorCode.VERSION_NOT_FOUND,
    `Version ${version} of subject ${quoted(subject)} not found`,
  );
}

export function schemaNotFound(detail: string): RegistryError {
  return new RegistryError(404, RegistryErrorCode.SCHEMA_NOT_FOUND, `Schema not found: ${detail}`);
}

export function subjectSoftDeleted(subject: string): RegistryError {
  return new RegistryError(
    404,
    RegistryErrorCode.SUBJECT_SOFT_DELETED,
    `Subject ${quoted(subject)} was soft deleted; set permanent=true to delete it permanently`,
  );
}

export function subjectNotSoftDeleted(subject: string): RegistryError {
  return new RegistryError(
    404,
    RegistryErrorCode.SUBJECT_NOT_SOFT_DELETED,
    `Subject ${quoted(subject)} must be soft deleted before it is deleted permanently`,
  );
}

export function versionSoftDeleted(subject: string, version: number): RegistryError {
  return new RegistryError(
    404,
    RegistryErrorCode.VERSION_SOFT_DELETED,
    `Version ${version} of subject ${quoted(subject)} was soft deleted; set permanent=true to delete it permanently`,
  );
}

export function versionNotSoftDeleted(subject: string, version: number): RegistryError {
  return new RegistryError(
    404,
    RegistryErrorCode.VERSION_NOT_SOFT_DELETED,
    `Version ${version} of subject ${quoted(subject)} must be soft deleted before it is deleted permanently`,
  );
}

export function subjectCompatibilityNotConfigured(subject: string): RegistryError {
  return new RegistryError(
    404,
    RegistryErrorCode.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
    `Subject ${quoted(subject)} has no subject-level compatibility configured`,
  );
}

export function subjectModeNotConfigured(subject: string): RegistryError {
  return new RegistryError(
    404,
    RegistryErrorCode.SUBJECT_MODE_NOT_CONFIGURED,
    `Subject ${quoted(subject)} has no subject-level mode configured`,
  );
}

export function incompatibleSchema(subject: string, reasons: readonly string[]): RegistryError {
  return new RegistryError(
    409,
    RegistryErrorCode.INCOMPATIBLE_SCHEMA,
    `Schema being registered is incompatible with an earlier schema of subject ${quoted(subject)}: ${reasons.join("; ")}`,
  );
}

export function invalidSchema(message: string): RegistryError {
  return new RegistryError(422, RegistryErrorCode.INVALID_SCHEMA, `Invalid schema: ${message}`);
}

export function invalidVersion(version: string): RegistryError {
  return new RegistryError(
    422,
    RegistryErrorCode.INVALID_VERSION,
    `The specified version ${quoted(version)} is not a valid version id: use an integer from 1 to ${2 ** 31 - 1}, "latest" or -1`,
  );
}

export function invalidCompatibilityLevel(level: unknown): RegistryError {
  return new RegistryError(
    422,
    RegistryErrorCode.INVALID_COMPATIBILITY_LEVEL,
    `Invalid compatibility level ${JSON.stringify(level) ?? "(none)"}: use NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE`,
  );
}

export function invalidMode(mode: unknown): RegistryError {
  return new RegistryError(
    422,
    RegistryErrorCode.INVALID_MODE,
    `Invalid mode ${JSON.stringify(mode) ?? "(none)"}: use READWRITE, READONLY, READONLY_OVERRIDE or IMPORT`,
  );
}

export function operationNotPermitted(message: string): RegistryError {
  return new RegistryError(422, RegistryErrorCode.OPERATION_NOT_PERMITTED, message);
}

export function referenceExists(
  subject: string,
  version: number,
  referencedBy: readonly number[],
): RegistryError {
  return new RegistryError(
    422,
    RegistryErrorCode.REFERENCE_EXISTS,
    `Version ${version} of subject ${quoted(subject)} is referenced by schema ${referencedBy.length === 1 ? "id" : "ids"} ${referencedBy.join(", ")}; delete those first`,
  );
}

export function invalidSubject(subject: string, reason: string): RegistryError {
  return new RegistryError(
    422,
    RegistryErrorCode.INVALID_SUBJECT,
    `The subject ${quoted(subject)} is not a valid subject name: ${reason}`,
  );
}

export function unauthorized(reason: string): RegistryError {
  return new RegistryError(401, RegistryErrorCode.UNAUTHORIZED, `Unauthorized: ${reason}`);
}

export function forbidden(principal: string, operation: string, subject: string | undefined): RegistryError {
  const target = subject === undefined ? "the registry" : `subject ${quoted(subject)}`;
  return new RegistryError(
    403,
    RegistryErrorCode.FORBIDDEN,
    `${principal} is not authorized to ${operation} ${target}`,
  );
}

export function forbiddenSchema(principal: string, id: number): RegistryError {
  return new RegistryError(
    403,
    RegistryErrorCode.FORBIDDEN,
    `${principal} is not authorized to read any subject of schema id ${id}`,
  );
}

export function storeError(operation: string): RegistryError {
  return new RegistryError(
    500,
    RegistryErrorCode.STORE_ERROR,
    `Error in the registry's store (PostgreSQL) while ${operation}`,
  );
}

/** A request the HTTP layer refuses before the registry sees it (bad JSON, wrong method, …); Confluent uses the status as error_code. */
export function httpError(status: number, message: string): RegistryError {
  return new RegistryError(status, status, message);
}
