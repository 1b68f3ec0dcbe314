// Storage failures as Kafka clients see them: a WAL I/O error becomes KAFKA_STORAGE_ERROR (56),
// which clients retry; errors that already carry a Kafka code (or are caller bugs) pass through.

import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";

export function asStorageError(error: unknown, context: string): unknown {
  if (error instanceof KafkaProtocolError || error instanceof RangeError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const wrapped = new KafkaProtocolError(ErrorCode.KAFKA_STORAGE_ERROR, `${context}: ${reason}`);
  wrapped.cause = error;
  return wrapped;
}

/** `promise`, rejecting with KAFKA_STORAGE_ERROR instead of the WAL's error. Callers often await
 *  only one of an append's promises (written or durable): the other never counts as unhandled. */
export function withStorageErrors(promise: Promise<void>, context: string): Promise<void> {
  const mapped = promise.catch((error: unknown) => {
    throw asStorageError(error, context);
  });
  mapped.catch(() => undefined);
  return mapped;
}
