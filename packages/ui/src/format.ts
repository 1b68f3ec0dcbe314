// Formatters for the numbers the console shows: sizes, durations, counts, rates and times.
// They are pure and use a fixed locale ("en-US") so the server render and the browser agree.

const placeholder = "—";

const binaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;

/** Bytes in binary units: "0 B", "512 B", "1.5 KiB", "2.0 GiB", "120 MiB" (no decimal from 100 up). */
export function formatBytes(bytes: number | bigint): string {
  const value = typeof bytes === "bigint" ? Number(bytes) : bytes;
  if (!Number.isFinite(value)) return placeholder;
  const sign = value < 0 ? "-" : "";
  let magnitude = Math.abs(value);
  if (Math.round(magnitude) < 1024) return `${sign}${Math.round(magnitude)} B`;
  let unitIndex = 0;
  do {
    magnitude /= 1024;
    unitIndex += 1;
  } while (magnitude >= 1024 && unitIndex < binaryUnits.length - 1);
  let text = magnitude < 100 ? magnitude.toFixed(1) : magnitude.toFixed(0);
  // 1023.97 KiB would print as "1024.0 KiB"; show it in the next unit instead.
  if (Number(text) >= 1024 && unitIndex < binaryUnits.length - 1) {
    unitIndex += 1;
    text = (Number(text) / 1024).toFixed(1);
  }
  return `${sign}${text} ${binaryUnits[unitIndex]}`;
}

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/**
 * A duration in its largest unit plus the next one when that is not zero: "450 ms", "1.5 s", "12 s",
 * "5 min", "5 min 30 s", "3 h 20 min", "7 d". Kafka writes "no limit" as -1, shown as "forever".
 */
export function formatDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds)) return placeholder;
  if (milliseconds === -1) return "forever";
  if (milliseconds < 0) return `-${formatDuration(-milliseconds)}`;
  // Each step rounds to its own precision first, so 59.7 s becomes "1 min" rather than "60 s".
  const wholeMilliseconds = Math.round(milliseconds);
  if (wholeMilliseconds < second) return `${wholeMilliseconds} ms`;
  const tenthsOfSeconds = Math.round(milliseconds / 100) / 10;
  if (tenthsOfSeconds < 10) return `${tenthsOfSeconds} s`;
  const totalSeconds = Math.round(milliseconds / second);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  if (totalSeconds < 60 * 60) return twoUnits(Math.floor(totalSeconds / 60), "min", totalSeconds % 60, "s");
  const totalMinutes = Math.round(milliseconds / minute);
  if (totalMinutes < 24 * 60) return twoUnits(Math.floor(totalMinutes / 60), "h", totalMinutes % 60, "min");
  const totalHours = Math.round(milliseconds / hour);
  return twoUnits(Math.floor(totalHours / 24), "d", totalHours % 24, "h");
}

function twoUnits(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${minor} ${minorUnit}`;
}

const countFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/**
 * A count with thousands separators: 1234567 → "1,234,567". Strings are accepted because Kafka
 * offsets arrive as decimal strings (int64 does not fit a number); integer strings keep every digit.
 */
export function formatCount(count: number | bigint | string): string {
  if (typeof count === "bigint") return countFormat.format(count);
  if (typeof count === "string") {
    const trimmed = count.trim();
    if (/^-?\d+$/.test(trimmed)) return countFormat.format(BigInt(trimmed));
    const parsed = Number(trimmed);
    return trimmed !== "" && Number.isFinite(parsed) ? countFormat.format(parsed) : count;
  }
  return Number.isFinite(count) ? countFormat.format(count) : placeholder;
}

const decimalPrefixes = ["", "k", "M", "G", "T"] as const;

/** A per-second rate with a decimal prefix: formatRate(1234, "records") → "1.2k records/s". */
export function formatRate(perSecond: number, unit: string): string {
  if (!Number.isFinite(perSecond)) return placeholder;
  return `${formatCompact(perSecond)} ${unit}/s`;
}

/** Bytes per second in binary units: 1536 → "1.5 KiB/s". */
export function formatByteRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond)) return placeholder;
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** A number shortened with k/M/G/T: 950 → "950", 1234 → "1.2k", 56_000 → "56k", 0.25 → "0.25", 0.012 → "0.012". */
export function formatCompact(value: number): string {
  if (!Number.isFinite(value)) return placeholder;
  const sign = value < 0 ? "-" : "";
  let magnitude = Math.abs(value);
  let prefixIndex = 0;
  while (prefixIndex < decimalPrefixes.length - 1 && roundForCompact(magnitude) >= 1000) {
    magnitude /= 1000;
    prefixIndex += 1;
  }
  return `${sign}${roundForCompact(magnitude)}${decimalPrefixes[prefixIndex]}`;
}

// Two significant digits below 1 ("0.25", "0.012": chart ticks a twentieth apart stay apart), one
// decimal below 100 ("1.2k", "12.5"), none above ("120k"); trailing zeros are dropped.
function roundForCompact(magnitude: number): number {
  if (magnitude > 0 && magnitude < 1) return Number(magnitude.toPrecision(2));
  return magnitude < 100 ? Math.round(magnitude * 10) / 10 : Math.round(magnitude);
}

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}

/** Local date and time, ISO-like and sortable: "2026-11-29 08:41:03". */
export function formatTimestamp(epochMilliseconds: number): string {
  if (!Number.isFinite(epochMilliseconds)) return placeholder;
  const date = new Date(epochMilliseconds);
  const datePart = `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}`;
  const timePart = `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}:${twoDigits(date.getSeconds())}`;
  return `${datePart} ${timePart}`;
}

/** Local time of day: "08:41:03". */
export function formatTimeOfDay(epochMilliseconds: number): string {
  return formatTimestamp(epochMilliseconds).slice(11);
}

const relativeUnits = [
  { size: day, name: "d" },
  { size: hour, name: "h" },
  { size: minute, name: "min" },
  { size: second, name: "s" },
] as const;

/** How long ago (or until) a moment is, in its largest whole unit: "3 min ago", "in 2 h", "just now". */
export function formatRelative(epochMilliseconds: number, now: number): string {
  if (!Number.isFinite(epochMilliseconds) || !Number.isFinite(now)) return placeholder;
  const difference = now - epochMilliseconds;
  const magnitude = Math.abs(difference);
  for (const unit of relativeUnits) {
    if (magnitude >= unit.size) {
      const amount = `${Math.floor(magnitude / unit.size)} ${unit.name}`;
      return difference > 0 ? `${amount} ago` : `in ${amount}`;
    }
  }
  return "just now";
}
