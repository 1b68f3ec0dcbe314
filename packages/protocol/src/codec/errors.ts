// Errors raised while decoding bytes that do not match the message definition.

/** Thrown when a frame is truncated, has impossible lengths or otherwise cannot be decoded. */
export class ProtocolDecodeError extends Error {
  override readonly name = "ProtocolDecodeError";
}

/** Thrown when an API key or version has no definition. */
export class UnsupportedVersionError extends Error {
  override readonly name = "UnsupportedVersionError";
  constructor(
    readonly apiKey: number,
    readonly apiVersion: number,
    message: string,
  ) {
    super(message);
  }
}
