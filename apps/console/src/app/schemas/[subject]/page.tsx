"use client";
// One subject of the schema registry: its versions and a side-by-side diff of any two, registering
// a new version after a live compatibility check, its compatibility level, soft-deleting a
// version, and the topics it belongs to with their schema owner.
import { Badge, EmptyState, PageHeader, Section, Stat, StatGrid } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { use } from "react";
import { QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { compatibilityText, linkReason } from "../schema-links";
import { CompareVersions } from "./compare-versions";
import { CompatibilitySection } from "./compatibility-section";
import { DeleteVersionSection } from "./delete-version-section";
import { RegisterVersionSection } from "./register-version-section";
import { VersionsSection } from "./versions-section";

export default function SubjectPage({ params }: { params: Promise<{ subject: string }> }) {
  const { subject: encoded } = use(params);
  const subject = decodeURIComponent(encoded);
  const trpc = useTRPC();
  const detail = useQuery(trpc.schemas.subject.queryOptions({ subject }, { refetchInterval: 15_000 }));
  return (
    <QueryView query={detail} loading={`Loading ${subject}…`}>
      {(data) => {
        const live = data.versions.filter((version) => !version.deleted);
        const latest = live.at(-1);
        return (
          <>
            <p>
              <Link href="/schemas">Schemas</Link> /
            </p>
            <PageHeader
              title={data.subject}
              description={
                data.schemaOwners.length > 0 ? (
                  <>
                    Schema owned by{" "}
                    <strong data-testid="schema-owner">
                      {data.schemaOwners.map((owner) => owner.name).join(", ")}
                    </strong>
                  </>
                ) : data.topics.length > 0 ? (
                  <>
                    No schema owner.{" "}
                    <Link href={`/ownership?topic=${encodeURIComponent(data.topics[0]?.topic ?? "")}`}>
                      Assign one
                    </Link>
                  </>
                ) : (
                  "Not linked to a topic yet."
                )
              }
            />
            <StatGrid>
              <Stat label="Latest version" value={latest?.version ?? "—"} testId="subject-latest-version" />
              <Stat label="Latest schema id" value={latest?.id ?? "—"} />
              <Stat label="Type" value={latest ? <Badge tone="info">{latest.schemaType}</Badge> : "—"} />
            </StatGrid>
            <p>
              Compatibility:{" "}
              <strong data-testid="subject-compatibility">{compatibilityText(data.compatibility)}</strong>
              {data.compatibility.source === "subject" && (
                <span className="sb-muted"> (set on the subject; global {data.globalCompatibility})</span>
              )}
            </p>
            {data.versions.length === 0 ? (
              <Section title="Versions">
                <EmptyState title="No versions yet">
                  Nothing is registered under {data.subject}. Register the first version below.
                </EmptyState>
              </Section>
            ) : (
              <>
                <VersionsSection versions={data.versions} />
                <CompareVersions versions={data.versions} />
              </>
            )}
            <RegisterVersionSection subject={data.subject} latest={latest ?? null} />
            <CompatibilitySection
              subject={data.subject}
              compatibility={data.compatibility}
              globalCompatibility={data.globalCompatibility}
            />
            <Section title="Topics">
              {data.topics.length === 0 ? (
                <p className="sb-muted">
                  No topic is named after this subject, and no record read by this console carried its schema
                  ids.
                </p>
              ) : (
                <ul data-testid="subject-topics">
                  {data.topics.map((link) => (
                    <li key={link.topic}>
                      <Link href={`/topics/${encodeURIComponent(link.topic)}`}>{link.topic}</Link>{" "}
                      <span className="sb-muted">— {linkReason(link)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </Section>
            {live.length > 0 && <DeleteVersionSection subject={data.subject} versions={live} />}
          </>
        );
      }}
    </QueryView>
  );
}
