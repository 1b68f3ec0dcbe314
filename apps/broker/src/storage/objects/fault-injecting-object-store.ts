// Makes an ObjectStore fail on purpose (errors, throttling, hung requests, latency) so that tests, and a
// broker started with the debug switch, can watch the retry policy and everything above it cope.
// Faults hit single requests (one part of a multipart upload, one page of a list) when the store below
// exposes them, otherwise whole calls.
import {
  abortableDelay,
  abortedError,
  type ByteRange,
  OBJECT_OPERATIONS,
  type ObjectInfo,
  ObjectNotFoundError,
  type ObjectOperation,
  type ObjectRequest,
  type ObjectStore,
  ObjectStoreError,
  type OperationStats,
  type RequestInterceptor,
  type RequestOptions,
} from "./object-store.js";

export const FAULT_KINDS = ["error", "slowDown", "timeout", "latency"] as const;
/**
 * error: a retryable 500 InternalError (or the rule's `status`); slowDown: a retryable 503 SlowDown;
 * timeout: the request hangs until its signal fires, then fails with a retryable Timeout;
 * latency: the request is delayed by `latencyMs`, then sent.
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  /** Request kinds it applies to. "put" is a single-request upload; a multipart upload is made of
   *  createMultipart, uploadPart and completeMultipart requests. */
  operations: readonly ObjectOperation[] | "all";
  fault: FaultKind;
  /** Only requests for keys (or list prefixes) starting with this. */
  keyPrefix?: string;
  /** The rule fires this many times, then expires. Unlimited when omitted. */
  times?: number;
  /** Chance in (0, 1] that a matching request is hit. Always when omitted. */
  probability?: number;
  /** latency: the delay (required). timeout: the longest hang (default: until aborted, or 30 s without a signal). */
  latencyMs?: number;
  /** error: the HTTP status to fail with (default 500); slowDown: default 503. */
  status?: number;
}

export interface InjectedFault {
  rule: FaultRule;
  operation: ObjectOperation;
  key: string;
}

export interface FaultInjectingObjectStoreOptions {
  /** Uniform in [0, 1), for `probability`; injectable so that tests decide. */
  random?: () => number;
  /** Called for every fault injected, e.g. to log it. */
  onFault?: (fault: InjectedFault) => void;
}

/** A hung request without a signal to end it gives up after this long. */
const DEFAULT_HANG_MS = 30_000;

interface ActiveRule {
  rule: FaultRule;
  /** Firings left; undefined for unlimited. */
  remaining: number | undefined;
}

export class FaultInjectingObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly addRequestInterceptor?: (interceptor: RequestInterceptor) => () => void;
  private readonly rules: ActiveRule[] = [];
  private readonly random: () => number;
  private readonly onFault: ((fault: InjectedFault) => void) | undefined;
  /** True when faults are applied per request by the store below, so the methods here pass through. */
  private readonly perRequest: boolean;
  private injected = 0;

  constructor(
    private readonly inner: ObjectStore,
    options: FaultInjectingObjectStoreOptions = {},
  ) {
    this.bucket = inner.bucket;
    this.random = options.random ?? Math.random;
    this.onFault = options.onFault;
    this.perRequest = inner.addRequestInterceptor !== undefined;
    if (inner.addRequestInterceptor) {
      inner.addRequestInterceptor((request) => this.apply(request));
      this.addRequestInterceptor = inner.addRequestInterceptor.bind(inner);
    }
  }

  /** Adds a rule after the existing ones; returns a function that removes it. */
  inject(rule: FaultRule): () => void {
    validateFaultRule(rule);
    const active: ActiveRule = { rule, remaining: rule.times };
    this.rules.push(active);
    return () => this.remove(active);
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** Faults injected so far, latency included. */
  get injectedCount(): number {
    return this.injected;
  }

  async put(key: string, body: Buffer | readonly Buffer[], options: RequestOptions = {}) {
    await this.applyToCall("put", [key], options.signal);
    return this.inner.put(key, body, options);
  }

  async get(key: string, range?: ByteRange, options: RequestOptions = {}): Promise<Buffer> {
    await this.applyToCall("get", [key], options.signal);
    return this.inner.get(key, range, options);
  }

  async head(key: string, options: RequestOptions = {}): Promise<ObjectInfo | undefined> {
    await this.applyToCall("head", [key], options.signal);
    return this.inner.head(key, options);
  }

  async list(prefix: string, options: RequestOptions = {}): Promise<ObjectInfo[]> {
    await this.applyToCall("list", [prefix], options.signal);
    return this.inner.list(prefix, options);
  }

  async delete(keys: readonly string[], options: RequestOptions = {}): Promise<void> {
    if (keys.length > 0) await this.applyToCall("delete", keys, options.signal);
    return this.inner.delete(keys, options);
  }

  stats(): Record<ObjectOperation, OperationStats> {
    return this.inner.stats();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async applyToCall(
    operation: ObjectOperation,
    keys: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (!this.perRequest) await this.apply({ operation, keys, signal });
  }

  /** Runs every rule that matches, in order: latency rules delay, the first failing rule throws. */
  private async apply(request: ObjectRequest): Promise<void> {
    for (const active of [...this.rules]) {
      if (!this.matches(active.rule, request)) continue;
      if (active.rule.probability !== undefined && this.random() >= active.rule.probability) continue;
      if (active.remaining !== undefined) {
        active.remaining -= 1;
        if (active.remaining <= 0) this.remove(active);
      }
      this.injected += 1;
      const key = request.keys[0] ?? "";
      this.onFault?.({ rule: active.rule, operation: request.operation, key });
      await this.inflict(active.rule, request.operation, key, request.signal);
    }
  }

  private matches(rule: FaultRule, request: ObjectRequest): boolean {
    if (rule.operations !== "all" && !rule.operations.includes(request.operation)) return false;
    const prefix = rule.keyPrefix;
    return prefix === undefined || request.keys.some((key) => key.startsWith(prefix));
  }

  private async inflict(
    rule: FaultRule,
    operation: ObjectOperation,
    key: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    switch (rule.fault) {
      case "latency":
        await abortableDelay(rule.latencyMs ?? 0, signal, operation, key);
        return;
      case "error":
        throw injectedError(rule.status ?? 500, operation, key);
      case "slowDown":
        throw injectedError(rule.status ?? 503, operation, key, "SlowDown");
      case "timeout": {
        await hang(signal, rule.latencyMs);
        if (signal?.aborted) throw abortedError(signal, operation, key);
        throw new ObjectStoreError(`${operation} ${key}: injected fault: the request hung`, {
          operation,
          key,
          code: "Timeout",
          retryable: true,
        });
      }
    }
  }

  private remove(active: ActiveRule): void {
    const index = this.rules.indexOf(active);
    if (index >= 0) this.rules.splice(index, 1);
  }
}

/** Waits until `signal` fires or `limitMs` passes (30 s when there is neither), never rejecting. */
function hang(signal: AbortSignal | undefined, limitMs: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const limit = limitMs ?? (signal === undefined ? DEFAULT_HANG_MS : undefined);
    const timer = limit === undefined ? undefined : setTimeout(done, limit);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

const STATUS_CODES: Record<number, string> = {
  400: "InvalidRequest",
  403: "AccessDenied",
  429: "TooManyRequests",
  500: "InternalError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

function injectedError(
  status: number,
  operation: ObjectOperation,
  key: string,
  code = STATUS_CODES[status] ?? `Http${status}`,
): ObjectStoreError {
  if (status === 404) return new ObjectNotFoundError(operation, key);
  return new ObjectStoreError(`${operation} ${key}: injected fault: ${code} (HTTP ${status})`, {
    operation,
    key,
    code,
    status,
    retryable: status >= 500 || status === 429 || code === "SlowDown",
  });
}

/** Throws a RangeError naming what is wrong with `rule`. */
export function validateFaultRule(rule: FaultRule): void {
  if (!FAULT_KINDS.includes(rule.fault)) {
    throw new RangeError(`unknown fault "${rule.fault}" (expected one of ${FAULT_KINDS.join(", ")})`);
  }
  if (rule.operations !== "all") {
    if (rule.operations.length === 0) throw new RangeError("a fault rule needs at least one operation");
    for (const operation of rule.operations) {
      if (!OBJECT_OPERATIONS.includes(operation)) {
        throw new RangeError(
          `unknown operation "${operation}" (expected "all" or ${OBJECT_OPERATIONS.join(", ")})`,
        );
      }
    }
  }
  if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) {
    throw new RangeError(`times must be a positive integer, not ${rule.times}`);
  }
  if (rule.probability !== undefined && !(rule.probability > 0 && rule.probability <= 1)) {
    throw new RangeError(`probability must be in (0, 1], not ${rule.probability}`);
  }
  if (rule.latencyMs !== undefined && !(Number.isFinite(rule.latencyMs) && rule.latencyMs >= 0)) {
    throw new RangeError(`latencyMs must be a non-negative number, not ${rule.latencyMs}`);
  }
  if (rule.fault === "latency" && rule.latencyMs === undefined) {
    throw new RangeError("a latency fault needs latencyMs");
  }
  if (rule.status !== undefined) {
    if (rule.fault !== "error" && rule.fault !== "slowDown") {
      throw new RangeError(`status applies to error and slowDown faults, not ${rule.fault}`);
    }
    if (!Number.isInteger(rule.status) || rule.status < 400 || rule.status > 599) {
      throw new RangeError(`status must be an HTTP error status (400-599), not ${rule.status}`);
    }
  }
}

const NUMERIC_OPTIONS = ["times", "probability", "latencyMs", "status"] as const;

/**
 * Parses rules from a compact text for a command-line flag or environment variable:
 * comma-separated rules of the form `operations:fault[:name=value]...`, where operations is `all`,
 * `*` or operation names joined by `|`, and the names are times, probability, latencyMs, status and
 * keyPrefix. Example: `put:slowDown:times=3,get|head:latency:latencyMs=200:probability=0.1`.
 * A key prefix cannot contain `,` or `:`.
 */
export function parseFaultRules(text: string): FaultRule[] {
  if (text.trim() === "") return [];
  return text.split(",").map((entry) => {
    const fail = (problem: string): never => {
      throw new RangeError(`fault rule "${entry.trim()}": ${problem}`);
    };
    const [operationsText = "", faultText, ...optionTexts] = entry.trim().split(":");
    if (operationsText === "" || faultText === undefined || faultText === "") {
      fail("expected operations:fault[:name=value]..., e.g. put:slowDown:times=3");
    }
    const rule: FaultRule = {
      operations:
        operationsText === "all" || operationsText === "*"
          ? "all"
          : (operationsText.split("|") as ObjectOperation[]),
      fault: faultText as FaultKind,
    };
    const seen = new Set<string>();
    for (const optionText of optionTexts) {
      const separator = optionText.indexOf("=");
      if (separator <= 0) fail(`option "${optionText}" is not name=value`);
      const name = optionText.slice(0, separator);
      const value = optionText.slice(separator + 1);
      if (seen.has(name)) fail(`option ${name} is given twice`);
      seen.add(name);
      if (name === "keyPrefix") {
        rule.keyPrefix = value;
      } else if ((NUMERIC_OPTIONS as readonly string[]).includes(name)) {
        const number = value.trim() === "" ? Number.NaN : Number(value);
        if (!Number.isFinite(number)) fail(`option ${name} needs a number, not "${value}"`);
        rule[name as (typeof NUMERIC_OPTIONS)[number]] = number;
      } else {
        fail(`unknown option "${name}" (expected ${[...NUMERIC_OPTIONS, "keyPrefix"].join(", ")})`);
      }
    }
    try {
      validateFaultRule(rule);
    } catch (error) {
      fail((error as Error).message);
    }
    return rule;
  });
}
