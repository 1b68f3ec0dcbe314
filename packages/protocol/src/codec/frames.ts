// Whole request and response frames: the 4-byte size prefix, the request/response header in the
// version the API's flexibility dictates, and the body. Sans-io: bytes in, objects out, and back.
import {
  type ApiMessages,
  apiSchemas,
  type RequestHeader,
  RequestHeaderSchema,
  type ResponseHeader,
  ResponseHeaderSchema,
} from "../messages/generated/index.js";
import { messageCodec } from "./compile.js";
import { ProtocolDecodeError, UnsupportedVersionError } from "./errors.js";
import { Reader } from "./reader.js";
import { inVersionRange, type MessageSchema } from "./schema.js";
import { Writer } from "./writer.js";

export type ApiKeyNumber = keyof ApiMessages;
export type RequestOf<K extends ApiKeyNumber> = ApiMessages[K]["request"];
export type ResponseOf<K extends ApiKeyNumber> = ApiMessages[K]["response"];

const API_VERSIONS_KEY = 18;

/** The versions of an API this package can encode and decode: Kafka's valid versions minus an unstable newest one. */
export function apiVersionRange(apiKey: number): [number, number] | null {
  const api = apiSchemas.get(apiKey);
  const range = api?.request.validVersions;
  if (!api || !range) return null;
  const max = api.request.latestVersionUnstable ? range[1] - 1 : range[1];
  return max >= range[0] ? [range[0], max] : null;
}

function schemaFor(apiKey: number, apiVersion: number, side: "request" | "response"): MessageSchema {
  const api = apiSchemas.get(apiKey);
  if (!api) throw new UnsupportedVersionError(apiKey, apiVersion, `unknown api key ${apiKey}`);
  const schema = api[side];
  if (!inVersionRange(schema.validVersions, apiVersion)) {
    throw new UnsupportedVersionError(apiKey, apiVersion, `${api.name} has no version ${apiVersion}`);
  }
  return schema;
}

export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  const api = apiSchemas.get(apiKey);
  if (api && inVersionRange(api.request.flexibleVersions, apiVersion)) return 2;
  return apiKey === 7 && apiVersion === 0 ? 0 : 1; // ControlledShutdown v0 had no client id
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  // ApiVersions responses keep header v0 so that a client can parse them before it knows versions.
  if (apiKey === API_VERSIONS_KEY) return 0;
  const api = apiSchemas.get(apiKey);
  return api && inVersionRange(api.response.flexibleVersions, apiVersion) ? 1 : 0;
}

/** The first fields of every request header, readable before the API is known. */
export interface RequestPreamble {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
}

export function readRequestPreamble(frame: Buffer): RequestPreamble {
  if (frame.length < 8)
    throw new ProtocolDecodeError(`request frame of ${frame.length} bytes is shorter than a header`);
  return {
    apiKey: frame.readInt16BE(0),
    apiVersion: frame.readInt16BE(2),
    correlationId: frame.readInt32BE(4),
  };
}

export interface DecodedRequestHeader {
  header: RequestHeader;
  /** Where the body starts in the frame. */
  bodyOffset: number;
}

/** Decodes the request header of a frame (without its size prefix). */
export function decodeRequestHeader(frame: Buffer): DecodedRequestHeader {
  const { apiKey, apiVersion } = readRequestPreamble(frame);
  const reader = new Reader(frame);
  const codec = messageCodec<RequestHeader>(RequestHeaderSchema, requestHeaderVersion(apiKey, apiVersion));
  const header = codec.decode(reader);
  return { header, bodyOffset: reader.offset };
}

/** Decodes a request body; throws UnsupportedVersionError or ProtocolDecodeError. */
export function decodeRequestBody<K extends ApiKeyNumber>(
  apiKey: K,
  apiVersion: number,
  frame: Buffer,
  bodyOffset: number,
): RequestOf<K> {
  const reader = new Reader(frame, bodyOffset);
  const body = messageCodec<RequestOf<K>>(schemaFor(apiKey, apiVersion, "request"), apiVersion).decode(
    reader,
  );
  if (reader.remaining !== 0) {
    throw new ProtocolDecodeError(
      `${reader.remaining} unexpected bytes after the ${apiSchemas.get(apiKey)?.name} request`,
    );
  }
  return body;
}

function sizePrefixed(writer: Writer): Buffer[] {
  const chunks = writer.toChunks();
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(writer.length, 0);
  return [size, ...chunks];
}

/** Encodes a response frame (size prefix included) as chunks ready for a vectored socket write. */
export function encodeResponse<K extends ApiKeyNumber>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: object,
): Buffer[] {
  const writer = new Writer();
  const header: ResponseHeader = { correlationId };
  messageCodec<ResponseHeader>(ResponseHeaderSchema, responseHeaderVersion(apiKey, apiVersion)).encode(
    writer,
    header,
  );
  messageCodec<ResponseOf<K>>(schemaFor(apiKey, apiVersion, "response"), apiVersion).encode(writer, body);
  return sizePrefixed(writer);
}

/** Encodes a request frame (size prefix included), as a client sends it. */
export function encodeRequest<K extends ApiKeyNumber>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  body: Partial<RequestOf<K>>,
): Buffer {
  const writer = new Writer();
  const header: RequestHeader = {
    requestApiKey: apiKey,
    requestApiVersion: apiVersion,
    correlationId,
    clientId,
  };
  messageCodec<RequestHeader>(RequestHeaderSchema, requestHeaderVersion(apiKey, apiVersion)).encode(
    writer,
    header,
  );
  messageCodec<RequestOf<K>>(schemaFor(apiKey, apiVersion, "request"), apiVersion).encode(writer, body);
  return Buffer.concat(sizePrefixed(writer));
}

export interface DecodedResponse<K extends ApiKeyNumber> {
  correlationId: number;
  body: ResponseOf<K>;
}

/** Decodes a response frame (without its size prefix), as a client reads it. */
export function decodeResponse<K extends ApiKeyNumber>(
  apiKey: K,
  apiVersion: number,
  frame: Buffer,
): DecodedResponse<K> {
  const reader = new Reader(frame);
  const header = messageCodec<ResponseHeader>(
    ResponseHeaderSchema,
    responseHeaderVersion(apiKey, apiVersion),
  ).decode(reader);
  const body = messageCodec<ResponseOf<K>>(schemaFor(apiKey, apiVersion, "response"), apiVersion).decode(
    reader,
  );
  if (reader.remaining !== 0)
    throw new ProtocolDecodeError(`${reader.remaining} unexpected bytes after the response`);
  return { correlationId: header.correlationId, body };
}
