// Lag alert notifications: the JSON body POSTed for a fired, cleared or test alert, and its delivery
// with a timeout and one retry. A webhook URL's path and query often carry a token, so only its
// scheme and host ever appear in results, logs, audit entries and the console.
import type { ClearCause, LagThresholds } from "./lag-alert-evaluation.js";

export interface DeliveryOptions {
  /** Per attempt (default 5 s). */
  timeoutMs?: number;
  /** Before the one retry (default 1 s). */
  retryDelayMs?: number;
}

/** What a receiver gets; `text` is a one-line summary, which chat webhooks (Slack and alike) display as is. */
export interface LagAlertNotification {
  kind: "streambed.lag-alert";
  state: "fired" | "cleared" | "test";
  text: string;
  rule: string;
  cluster: string;
  group: string | null;
  /** At firing for "fired"; at clearing for "cleared" (null when the group is gone). */
  lagRecords: number | null;
  lagMs: number | null;
  peakLagRecords: number | null;
  peakLagMs: number | null;
  /** Which threshold was crossed: "records", "time" or "records+time". */
  reason: string | null;
  clearedBecause: ClearCause | null;
  thresholds: { maxLagRecords: number | null; maxLagMs: number | null; forMs: number };
  pendingSince: string | null;
  firedAt: string | null;
  clearedAt: string | null;
  consoleLink: string;
}

/** The scheme and host of a webhook URL, the only part of it that is shown anywhere. */
export function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(not a valid URL)";
  }
}

const countFormat = new Intl.NumberFormat("en-US");

export function describeDuration(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  if (seconds < 120) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} d`;
}

/** "1,234 records / 5 min": the parts that are known. */
export function describeLag(lagRecords: number | null, lagMs: number | null): string {
  const parts = [
    lagRecords !== null && `${countFormat.format(lagRecords)} records`,
    lagMs !== null && describeDuration(lagMs),
  ].filter((part): part is string => typeof part === "string");
  return parts.length === 0 ? "unknown" : parts.join(" / ");
}

export function describeThresholds(thresholds: LagThresholds): string {
  const lag = describeLag(
    thresholds.maxLagRecords === null ? null : Number(thresholds.maxLagRecords),
    thresholds.maxLagMs === null ? null : Number(thresholds.maxLagMs),
  );
  return thresholds.forMs > 0 ? `${lag} for ${describeDuration(thresholds.forMs)}` : lag;
}

const CLEARED_TEXT: Record<ClearCause, string> = {
  recovered: "is back under the threshold",
  "group gone": "no longer exists (or no longer matches the rule)",
  "rule disabled": "is no longer watched: the rule was disabled",
};

/** The one-line summary of a notification. */
export function notificationText(
  notification: Pick<
    LagAlertNotification,
    "state" | "rule" | "cluster" | "group" | "lagRecords" | "lagMs" | "clearedBecause"
  >,
  thresholds: LagThresholds,
): string {
  const { rule, cluster, group } = notification;
  const lag = describeLag(notification.lagRecords, notification.lagMs);
  if (notification.state === "test")
    return `Test notification for lag alert "${rule}" on cluster ${cluster} (threshold ${describeThresholds(thresholds)}).`;
  if (notification.state === "fired")
    return `Lag alert "${rule}" fired on cluster ${cluster}: group ${group} is ${lag} behind (threshold ${describeThresholds(thresholds)}).`;
  const cause = notification.clearedBecause ?? "recovered";
  const now = cause === "recovered" ? ` (${lag} behind)` : "";
  return `Lag alert "${rule}" cleared on cluster ${cluster}: group ${group} ${CLEARED_TEXT[cause]}${now}.`;
}

/** The address in the console where the alert's rule and history are, absolute when the console's URL is known. */
export function consoleLink(
  consoleUrl: string | undefined,
  ruleId: string | null,
  groupId: string | null,
): string {
  const query = new URLSearchParams();
  if (ruleId !== null) query.set("rule", ruleId);
  if (groupId !== null) query.set("group", groupId);
  return `${(consoleUrl ?? "").replace(/\/+$/, "")}/alerts${query.size > 0 ? `?${query}` : ""}`;
}

const ERROR_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_SOCKET: "connection closed",
  UND_ERR_HEADERS_TIMEOUT: "no answer in time",
  UND_ERR_CONNECT_TIMEOUT: "could not connect in time",
};

/** A failed request in words that never quote the URL (fetch's own messages may). */
function describeRequestError(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string }).name;
  if (name === "TimeoutError" || name === "AbortError")
    return `timed out after ${describeDuration(timeoutMs)}`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  if (code) return ERROR_CODES[code] ?? code;
  // Fetch refuses ports of well-known non-HTTP services (its "bad ports"), e.g. 6000 or 10080.
  if (cause?.message === "bad port") return "the port is one HTTP clients refuse to use";
  return "request failed";
}

type Attempt = { ok: true } | { ok: false; reason: string; retry: boolean };

async function attemptDelivery(url: URL, body: string, timeoutMs: number): Promise<Attempt> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "streambed-console" },
      body,
      // A redirect could lead the console's requests anywhere; receivers answer where they are asked.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    if (response.ok) return { ok: true };
    const redirected = response.status >= 300 && response.status < 400;
    return {
      ok: false,
      reason: `HTTP ${response.status}${redirected ? " (redirects are not followed)" : ""}`,
      // A receiver that is failing or busy may answer the second time; one that refuses will not.
      retry: response.status >= 500 || response.status === 429,
    };
  } catch (error) {
    return { ok: false, reason: describeRequestError(error, timeoutMs), retry: true };
  }
}

/** POSTs `notification` as JSON: "delivered", or "failed: <status or reason>" after at most one retry. */
export async function deliverNotification(
  webhookUrl: string,
  notification: LagAlertNotification,
  options: DeliveryOptions = {},
): Promise<string> {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    return "failed: not a valid URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "failed: not an http(s) URL";
  const timeoutMs = options.timeoutMs ?? 5000;
  const body = JSON.stringify(notification);
  let attempt = await attemptDelivery(url, body, timeoutMs);
  if (!attempt.ok && attempt.retry) {
    await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1000));
    attempt = await attemptDelivery(url, body, timeoutMs);
  }
  return attempt.ok ? "delivered" : `failed: ${attempt.reason}`;
}
