// @streambed/protocol: Kafka's wire protocol as data (generated definitions), the codec that
// compiles them into encoders/decoders, request/response framing and Kafka's error codes.

export { defaultValue, type MessageCodec, messageCodec, ZERO_UUID } from "./codec/compile.js";
export { ProtocolDecodeError, UnsupportedVersionError } from "./codec/errors.js";
export * from "./codec/frames.js";
export { Reader } from "./codec/reader.js";
export type { FieldSchema, FieldType, MessageSchema, VersionRange } from "./codec/schema.js";
export { inVersionRange, MAX_VERSION } from "./codec/schema.js";
export { Writer } from "./codec/writer.js";
export * from "./error-codes.js";
export * from "./messages/generated/index.js";
