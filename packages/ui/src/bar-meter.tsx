// A horizontal bar comparing a value with a limit, such as retention against the replay window
// a team asked for; a value past the limit fills the bar and says so in its value text.
import { classNames } from "./class-names";
import { type Tone, toneClass } from "./tone";

export interface BarMeterProps {
  value: number;
  max: number;
  /** The meter's accessible name. */
  label: string;
  tone?: Tone;
  /** What assistive technology reads as the value, e.g. "7 d of 3 d"; default a percentage of max. */
  valueText?: string;
}

export function meterFraction(value: number, max: number): number {
  if (!(max > 0) || !Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(0, value / max));
}

export function BarMeter({ value, max, label, tone = "info", valueText }: BarMeterProps) {
  const fraction = meterFraction(value, max);
  const percent = max > 0 && Number.isFinite(value) ? Math.round((value / max) * 100) : 0;
  return (
    // biome-ignore lint/a11y/useSemanticElements: the native <meter> cannot be styled alike across browsers (its bar is vendor pseudo-elements)
    <div
      className={classNames("sb-meter", toneClass(tone))}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      // A meter's value must lie within its range; the real value past max is in the value text.
      aria-valuenow={Math.min(Math.max(0, value), Math.max(0, max))}
      aria-valuetext={valueText ?? `${percent}%`}
      title={valueText ?? `${percent}%`}
    >
      <div className="sb-meter-fill" style={{ width: `${fraction * 100}%` }} />
    </div>
  );
}
