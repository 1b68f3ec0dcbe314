"use client";
// A topic's schema subjects: the ones named after it (<topic>-key, <topic>-value) and the ones whose
// schema ids its records carry, found by reading its newest records; each links to its subject page.
import { Section } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { SubjectLink } from "~/app/schemas/schema-links";
import { QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

export function SubjectsSection({ topic }: { topic: string }) {
  const trpc = useTRPC();
  // Sampling reads the topic's newest records: not on every 5-second refresh.
  const subjects = useQuery(trpc.schemas.forTopic.queryOptions({ topic }, { refetchInterval: 60_000 }));
  return (
    <Section title="Schemas">
      <QueryView query={subjects} loading="Looking for the topic's schema subjects…">
        {(data) =>
          !data.configured ? (
            <p className="sb-muted">{data.reason}</p>
          ) : (
            <>
              {data.subjects.length === 0 ? (
                <p className="sb-muted" data-testid="topic-subjects">
                  No subject is named after this topic, and its newest records carry no registered schema id.
                </p>
              ) : (
                <ul data-testid="topic-subjects">
                  {data.subjects.map((subject) => (
                    <li key={subject.subject}>
                      <SubjectLink subject={subject.subject} />{" "}
                      <span className="sb-muted">
                        —{" "}
                        {subject.via === "topic-name"
                          ? `the ${subject.field} subject, by name`
                          : `seen in its records (schema id ${subject.schemaIds.join(", ")})`}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
              {data.unknownSchemaIds.length > 0 && (
                <p className="sb-muted">
                  Its records also carry schema id {data.unknownSchemaIds.join(", ")}, which no subject names.
                </p>
              )}
              <p className="sb-muted">
                Looked for schema ids in the newest {plural(data.sampledRecords, "record")} of{" "}
                {plural(data.sampledPartitions, "partition")}, and in what the message browser has shown.
              </p>
            </>
          )
        }
      </QueryView>
    </Section>
  );
}
