// What every API handler sees: the decoded request in one normalised shape, the broker's parts,
// and the connection it came from. Handlers return the response body (or null for no response).
import type { ApiKeyNumber, RequestHeader, RequestOf, ResponseOf } from "@streambed/protocol";
import type { Logger } from "pino";
import type { Broker } from "../broker.js";

export type SecurityProtocol = "PLAINTEXT" | "SSL" | "SASL_PLAINTEXT" | "SASL_SSL";

export interface ListenerIdentity {
  readonly name: string;
  readonly securityProtocol: SecurityProtocol;
}

export const ANONYMOUS_PRINCIPAL = "User:ANONYMOUS";

export interface RequestContext {
  readonly broker: Broker;
  readonly header: RequestHeader;
  readonly apiVersion: number;
  readonly clientHost: string;
  readonly connectionId: number;
  /**
   * Who is asking, in Kafka's form: "User:alice" after SASL, the principal taken from a client
   * certificate's subject, or "User:ANONYMOUS" on a listener that does not authenticate.
   */
  readonly principal: string;
  /** The listener the request arrived on: its name and security protocol. */
  readonly listener: ListenerIdentity;
  readonly log: Logger;
  /**
   * Lets the connection start on the next pipelined request while this one still waits (for an
   * fsync, a long poll, a rebalance). Call it once the order-sensitive work is done.
   */
  releaseConnection(): void;
}

/** A response body as handlers write it: any field left out is encoded with its default. */
export type ResponseBody<T> = T extends Buffer | bigint | string | number | boolean | null
  ? T
  : T extends (infer E)[]
    ? ResponseBody<E>[]
    : { [P in keyof T]?: ResponseBody<T[P]> };

export type ApiHandler<K extends ApiKeyNumber> = (
  context: RequestContext,
  request: RequestOf<K>,
) => Promise<ResponseBody<ResponseOf<K>> | null>;

export interface ApiRegistration<K extends ApiKeyNumber = ApiKeyNumber> {
  readonly apiKey: K;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly handle: ApiHandler<K>;
}

/** Builds a registration with the handler's types tied to its api key. */
export function defineApi<K extends ApiKeyNumber>(
  apiKey: K,
  versions: { min: number; max: number },
  handle: ApiHandler<K>,
): ApiRegistration<K> {
  return { apiKey, minVersion: versions.min, maxVersion: versions.max, handle };
}
