// The shape of the generated message definitions (src/messages/generated): Kafka's JSON message
// definitions turned into data that the codec compiles into per-version encoders and decoders.

/** Open-ended version ranges ("3+") end here. */
export const MAX_VERSION = 32767;

/** Inclusive [first, last] versions; null means "none". */
export type VersionRange = readonly [number, number] | null;

export type PrimitiveKind =
  | "bool"
  | "int8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "float64"
  | "string"
  | "bytes"
  | "records"
  | "uuid";

export interface PrimitiveType {
  readonly kind: PrimitiveKind;
}

export interface StructType {
  readonly kind: "struct";
  readonly name: string;
  readonly fields: readonly FieldSchema[];
}

export interface ArrayType {
  readonly kind: "array";
  readonly items: PrimitiveType | StructType;
}

export type FieldType = PrimitiveType | StructType | ArrayType;

export type DefaultValue = string | number | boolean | bigint | null;

export interface FieldSchema {
  /** camelCase name used in decoded objects */
  readonly name: string;
  /** Kafka's own field name */
  readonly kafkaName: string;
  readonly versions: VersionRange;
  readonly type: FieldType;
  readonly nullableVersions?: VersionRange;
  readonly tag?: number;
  readonly taggedVersions?: VersionRange;
  /** Overrides the message's flexible versions for this field (e.g. the request header's ClientId). */
  readonly flexibleVersions?: VersionRange;
  readonly ignorable?: boolean;
  readonly mapKey?: boolean;
  readonly entityType?: string;
  readonly default?: DefaultValue;
}

export interface MessageSchema {
  readonly name: string;
  readonly type: "request" | "response" | "header" | "data";
  readonly apiKey: number | null;
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
  readonly deprecatedVersions: VersionRange;
  /** The newest version is still under development in Kafka; never advertise it. */
  readonly latestVersionUnstable: boolean;
  readonly fields: readonly FieldSchema[];
}

export function inVersionRange(range: VersionRange | undefined, version: number): boolean {
  return range !== null && range !== undefined && version >= range[0] && version <= range[1];
}
