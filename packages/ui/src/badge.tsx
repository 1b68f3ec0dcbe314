// A short status label ("leaderless", "3 lagging") coloured by tone.
import type { ReactNode } from "react";
import { type Tone, toneClass } from "./tone";

export interface BadgeProps {
  tone?: Tone;
  children: ReactNode;
  /** Longer explanation shown on hover. */
  title?: string;
}

export function Badge({ tone = "neutral", children, title }: BadgeProps) {
  return (
    <span className={`sb-badge ${toneClass(tone)}`} title={title}>
      {children}
    </span>
  );
}
