"use client";
// A duration as a number and a unit (minutes, hours, days), for retention and replay windows; the
// value is milliseconds, null while the number is empty or invalid, and -1 for "forever" when
// allowed (Kafka's retention.ms = -1).
import { useState } from "react";
import { classNames } from "./class-names";

export const DURATION_UNITS = [
  { label: "minutes", ms: 60_000 },
  { label: "hours", ms: 3_600_000 },
  { label: "days", ms: 86_400_000 },
] as const;

export interface DurationInputProps {
  id: string;
  value: number | null;
  onChange: (milliseconds: number | null) => void;
  /** Offers "forever" (-1). */
  allowForever?: boolean;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
  className?: string;
}

/** The largest unit that expresses `ms` as a whole number (days for 0 and forever). */
export function splitDuration(ms: number | null): { amount: string; unit: number } {
  if (ms === null || ms <= 0) return { amount: "", unit: 86_400_000 };
  for (const unit of [...DURATION_UNITS].reverse())
    if (ms % unit.ms === 0) return { amount: String(ms / unit.ms), unit: unit.ms };
  return { amount: String(ms / 60_000), unit: 60_000 };
}

/** Milliseconds from an amount and a unit; null unless the amount is a positive number. */
export function joinDuration(amount: string, unitMs: number): number | null {
  if (amount.trim() === "") return null;
  const value = Number(amount);
  if (!Number.isFinite(value) || value <= 0) return null;
  return Math.round(value * unitMs);
}

export function DurationInput({
  id,
  value,
  onChange,
  allowForever = false,
  className,
  ...aria
}: DurationInputProps) {
  const initial = splitDuration(value);
  const [amount, setAmount] = useState(initial.amount);
  const [unit, setUnit] = useState<number>(value === -1 ? -1 : initial.unit);
  const forever = unit === -1;
  return (
    <span className={classNames("sb-duration", className)}>
      <input
        id={id}
        className="sb-input sb-input-number"
        type="number"
        min={0}
        step="any"
        inputMode="decimal"
        value={forever ? "" : amount}
        disabled={forever}
        onChange={(event) => {
          setAmount(event.target.value);
          onChange(joinDuration(event.target.value, unit));
        }}
        {...aria}
      />
      <select
        className="sb-input sb-select"
        aria-label="Unit"
        value={unit}
        onChange={(event) => {
          const next = Number(event.target.value);
          setUnit(next);
          onChange(next === -1 ? -1 : joinDuration(amount, next));
        }}
      >
        {DURATION_UNITS.map((option) => (
          <option key={option.ms} value={option.ms}>
            {option.label}
          </option>
        ))}
        {allowForever && <option value={-1}>forever</option>}
      </select>
    </span>
  );
}
