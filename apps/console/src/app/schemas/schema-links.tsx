"use client";
// How the schema pages name things they share: a subject as a link, a compatibility level with
// where it comes from, and a subject's topics with how each is linked (by name, or seen in records).
import Link from "next/link";
import type { RouterOutputs } from "~/trpc/react";

type Compatibility = RouterOutputs["schemas"]["list"]["subjects"][number]["compatibility"];
type LinkedTopic = RouterOutputs["schemas"]["list"]["subjects"][number]["topics"][number];

export function subjectHref(subject: string): string {
  return `/schemas/${encodeURIComponent(subject)}`;
}

export function SubjectLink({ subject }: { subject: string }) {
  return <Link href={subjectHref(subject)}>{subject}</Link>;
}

/** "BACKWARD" when set on the subject, "global: BACKWARD" when it follows the registry's default. */
export function compatibilityText(compatibility: Compatibility): string {
  return compatibility.source === "global" ? `global: ${compatibility.level}` : compatibility.level;
}

export function linkReason(link: Pick<LinkedTopic, "field" | "via">): string {
  if (link.via === "records") return "its records carry this subject's schema ids";
  return `${link.field} subject by name (TopicNameStrategy)`;
}

export function TopicLinks({ topics }: { topics: readonly LinkedTopic[] }) {
  if (topics.length === 0) return <span className="sb-muted">—</span>;
  return (
    <>
      {topics.map((link, index) => (
        <span key={link.topic}>
          {index > 0 && ", "}
          <Link href={`/topics/${encodeURIComponent(link.topic)}`} title={linkReason(link)}>
            {link.topic}
          </Link>
          {link.via === "records" && <span className="sb-muted"> (seen in records)</span>}
        </span>
      ))}
    </>
  );
}
