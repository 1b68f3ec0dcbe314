"use client";
// Findings as a list: severity badge, what is wrong, and where to go to fix it.
import type { Finding } from "@streambed/api";
import { Badge, EmptyState } from "@streambed/ui";
import Link from "next/link";

const TONE = { danger: "danger", warning: "warning", info: "info" } as const;
const LABEL = {
  "no-owner": "No owner",
  "retention-below-replay-window": "Retention < replay window",
  leaderless: "No leader",
  "undocumented-group": "Undocumented group",
} as const;

function fixLink(finding: Finding): { href: string; text: string } {
  switch (finding.kind) {
    case "no-owner":
      return { href: `/ownership?topic=${encodeURIComponent(finding.subject)}`, text: "Assign an owner" };
    case "retention-below-replay-window":
      return { href: "/retention", text: "Review retention" };
    case "undocumented-group":
      return { href: `/ownership?group=${encodeURIComponent(finding.subject)}`, text: "Document it" };
    default:
      return { href: `/topics/${encodeURIComponent(finding.subject)}`, text: "Open topic" };
  }
}

export function FindingsList({ findings }: { findings: readonly Finding[] }) {
  if (findings.length === 0)
    return (
      <EmptyState title="Nothing needs attention">
        Every topic has an owner and covers its consumers' replay windows.
      </EmptyState>
    );
  return (
    <ul className="findings" aria-label="Findings">
      {findings.map((finding) => {
        const link = fixLink(finding);
        return (
          <li
            key={`${finding.kind}:${finding.subject}`}
            data-testid={`finding-${finding.kind}-${finding.subject}`}
          >
            <Badge tone={TONE[finding.severity]}>{LABEL[finding.kind]}</Badge>
            <span>{finding.message}</span>
            <Link href={link.href}>{link.text}</Link>
          </li>
        );
      })}
    </ul>
  );
}

/** Compact badges for a table cell. */
export function FindingBadges({ findings }: { findings: readonly Finding[] }) {
  if (findings.length === 0) return <Badge tone="ok">ok</Badge>;
  return (
    <>
      {findings.map((finding) => (
        <Badge key={finding.kind} tone={TONE[finding.severity]} title={finding.message}>
          {LABEL[finding.kind]}
        </Badge>
      ))}
    </>
  );
}
