// How the message browser shows a key, value or header value: JSON pretty-printed, UTF-8 text as is,
// anything else as a hex dump; Confluent schema-registry framing is recognised and its schema id shown,
// and a payload decoded with its schema is shown as that schema's JSON. Pure functions: bytes in,
// display text out, never longer than DISPLAY_LIMIT characters.
import type { SchemaType } from "@streambed/schemas";

/** The schema a payload was decoded with, and the subject version that names it, when one does. */
export interface PayloadSchema {
  id: number;
  type: SchemaType;
  subject: string | null;
  version: number | null;
  /** How the payload departed from the wire format yet still decoded, e.g. Protobuf without message indexes. */
  note?: string;
}

export interface FormattedPayload {
  encoding: "json" | "text" | "binary";
  /** What to show; cut at DISPLAY_LIMIT characters when `truncated`. */
  text: string;
  /** The payload's size in bytes, schema-registry framing included. */
  size: number;
  truncated: boolean;
  /** The schema id of a payload in Confluent's wire format (magic byte 0, int32 schema id, data). */
  schemaId?: number;
  /** Set when the payload was decoded with its registered schema; `text` is then the decoded JSON. */
  schema?: PayloadSchema;
  /** Why a payload in the wire format is shown as its bytes instead of decoded. */
  decodeError?: string;
}

/** 64 KiB of display text per payload: enough to read, small enough for a page of 500 messages. */
export const DISPLAY_LIMIT = 64 * 1024;
const HEX_BYTES_PER_LINE = 16;
/** An 8-digit hex offset, two spaces, 16 bytes as space-separated hex pairs. */
const HEX_LINE_LENGTH = 8 + 2 + HEX_BYTES_PER_LINE * 3 - 1;
/** As many bytes as whole hex-dump lines (newlines included) fit in DISPLAY_LIMIT characters. */
const HEX_DUMP_BYTES = Math.floor((DISPLAY_LIMIT + 1) / (HEX_LINE_LENGTH + 1)) * HEX_BYTES_PER_LINE;
const CONFLUENT_MAGIC = 0;
const CONFLUENT_HEADER_SIZE = 5;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** C0 controls other than tab, line feed and carriage return; DEL; C1 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * The bytes of payloads in the wire format, kept beside them (not in them) so that the schema
 * decoding can read them while nothing of it is ever sent to the browser.
 */
const framedBytes = new WeakMap<FormattedPayload, Uint8Array>();

export function formatPayload(bytes: Buffer | null): FormattedPayload | null {
  if (bytes === null) return null;
  const schemaId = confluentSchemaId(bytes);
  const data = schemaId === undefined ? bytes : bytes.subarray(CONFLUENT_HEADER_SIZE);
  const formatted: FormattedPayload = {
    ...formatData(data),
    size: bytes.length,
    ...(schemaId !== undefined && { schemaId }),
  };
  if (schemaId !== undefined) framedBytes.set(formatted, bytes);
  return formatted;
}

/** The whole payload (header included) of one formatted from Confluent's wire format. */
export function framedBytesOf(payload: FormattedPayload): Uint8Array | undefined {
  return framedBytes.get(payload);
}

/** A payload decoded with its schema: the decoded value as JSON with two-space indents. */
export function formatDecoded(
  original: FormattedPayload,
  value: unknown,
  schema: PayloadSchema,
): FormattedPayload {
  return {
    ...limited("json", decodedJson(value), false),
    size: original.size,
    schemaId: schema.id,
    schema,
  };
}

/** A payload in the wire format that could not be decoded: shown as before, with the reason. */
export function withDecodeError(original: FormattedPayload, reason: string): FormattedPayload {
  return { ...original, decodeError: reason };
}

/**
 * Decoders give JSON-friendly values, but 64-bit integers may come as bigint and bytes as
 * Uint8Array: those become a decimal string and base64, as Protobuf's JSON mapping writes them.
 */
function decodedJson(value: unknown): string {
  return (
    JSON.stringify(
      value,
      function replace(this: Record<string, unknown>, key: string, converted: unknown) {
        const raw = this[key];
        if (typeof raw === "bigint") return raw.toString();
        if (raw instanceof Uint8Array) return Buffer.from(raw).toString("base64");
        if (raw instanceof Map) return Object.fromEntries(raw);
        return converted;
      },
      2,
    ) ?? "null"
  );
}

/**
 * The schema id when the bytes look like Confluent's wire format. It is a guess (any binary payload may
 * start with a zero byte), so id 0 and negative ids, which a schema registry never assigns, rule it out.
 */
function confluentSchemaId(bytes: Buffer): number | undefined {
  if (bytes.length < CONFLUENT_HEADER_SIZE || bytes[0] !== CONFLUENT_MAGIC) return undefined;
  const schemaId = bytes.readInt32BE(1);
  return schemaId > 0 ? schemaId : undefined;
}

function formatData(data: Buffer): Omit<FormattedPayload, "size"> {
  const text = decodeText(data);
  if (text === null) return limited("binary", hexDump(data, HEX_DUMP_BYTES), data.length > HEX_DUMP_BYTES);
  const json = prettyJson(text);
  if (json !== null) return limited("json", json, false);
  return limited("text", text, false);
}

function limited(
  encoding: FormattedPayload["encoding"],
  text: string,
  alreadyTruncated: boolean,
): Omit<FormattedPayload, "size"> {
  if (text.length <= DISPLAY_LIMIT) return { encoding, text, truncated: alreadyTruncated };
  // Never end on the first half of a surrogate pair: that would show as a broken character.
  const end = isHighSurrogate(text.charCodeAt(DISPLAY_LIMIT - 1)) ? DISPLAY_LIMIT - 1 : DISPLAY_LIMIT;
  return { encoding, text: text.slice(0, end), truncated: true };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The bytes as a string when they are valid UTF-8 without control characters other than \t, \n, \r. */
function decodeText(data: Buffer): string | null {
  let text: string;
  try {
    text = strictUtf8.decode(data);
  } catch {
    return null;
  }
  return CONTROL_CHARACTER.test(text) ? null : text;
}

/**
 * An object or array re-indented with two spaces, or null when the text is not one. The original
 * tokens are kept verbatim rather than re-serialised from JSON.parse, so large integers (ids beyond
 * 2^53), number spellings, key order and duplicate keys show exactly as produced.
 */
function prettyJson(text: string): string | null {
  const trimmed = text.trim();
  if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) return null;
  try {
    JSON.parse(trimmed);
  } catch {
    return null;
  }
  return reindentJson(trimmed);
}

/** Re-indents JSON that is known to be valid; strings and numbers pass through unchanged. */
function reindentJson(json: string): string {
  const parts: string[] = [];
  let depth = 0;
  let index = 0;
  const newline = () => `\n${"  ".repeat(depth)}`;
  while (index < json.length) {
    const character = json[index]!;
    if (character === '"') {
      const end = stringEnd(json, index);
      parts.push(json.slice(index, end));
      index = end;
      continue;
    }
    index += 1;
    if (character === " " || character === "\t" || character === "\n" || character === "\r") continue;
    if (character === "{" || character === "[") {
      const close = character === "{" ? "}" : "]";
      const next = skipWhitespace(json, index);
      if (json[next] === close) {
        parts.push(character, close);
        index = next + 1;
        continue;
      }
      depth += 1;
      parts.push(character, newline());
    } else if (character === "}" || character === "]") {
      depth -= 1;
      parts.push(newline(), character);
    } else if (character === ",") {
      parts.push(",", newline());
    } else if (character === ":") {
      parts.push(": ");
    } else {
      parts.push(character);
    }
  }
  return parts.join("");
}

/** The index just past the string literal opening at `start`. */
function stringEnd(json: string, start: number): number {
  let index = start + 1;
  while (index < json.length) {
    const character = json[index];
    if (character === "\\") index += 2;
    else if (character === '"') return index + 1;
    else index += 1;
  }
  return index;
}

function skipWhitespace(json: string, index: number): number {
  while (index < json.length && " \t\n\r".includes(json[index]!)) index += 1;
  return index;
}

/** `00000000  de ad be ef …`, 16 bytes a line, of at most the first `limit` bytes. */
function hexDump(data: Buffer, limit: number): string {
  const shown = Math.min(data.length, limit);
  const lines: string[] = [];
  for (let offset = 0; offset < shown; offset += HEX_BYTES_PER_LINE) {
    const line = data.subarray(offset, Math.min(offset + HEX_BYTES_PER_LINE, shown));
    const pairs = Array.from(line, (byte) => byte.toString(16).padStart(2, "0")).join(" ");
    lines.push(`${offset.toString(16).padStart(8, "0")}  ${pairs}`);
  }
  return lines.join("\n");
}
