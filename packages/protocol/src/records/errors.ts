// The one error type for record batch bytes that cannot be decoded: truncated, over-long, corrupt
// (CRC mismatch) or internally inconsistent. Encoding mistakes by the caller throw RangeError instead.

/** Thrown when record batch bytes are malformed; never thrown for bugs in the caller's arguments. */
export class RecordFormatError extends Error {
  override readonly name = "RecordFormatError";
}
