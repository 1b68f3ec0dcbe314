"use client";
// Ownership: teams and their people; per topic the owning, schema and retention teams and its
// documented producers and consumers; and the consumer groups nobody has documented. The links
// findings point to land here: `?topic=X` opens X's owners, `?group=G` documents group G.
import { Loading, PageHeader, Section } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useRef, useState } from "react";
import { QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { type ClientDraft, DeclareClientDialog } from "./declare-client-dialog";
import { SetOwnersDialog } from "./set-owners-dialog";
import { TeamsSection } from "./teams-section";
import { TopicOwnershipTable } from "./topic-ownership-table";
import { UndocumentedGroups } from "./undocumented-groups";

type OpenDialog = { kind: "owners"; topic: string } | { kind: "declare"; draft: ClientDraft } | null;

/** Documenting a group the brokers see: a consumer named after the group, on its first topic. */
function groupDraft(groupId: string, topic: string | undefined): ClientDraft {
  return { topic: topic ?? "", role: "consumer", name: groupId, consumerGroup: groupId };
}

export default function OwnershipPage() {
  return (
    <>
      <PageHeader
        title="Ownership"
        description="Who answers for each topic, its schema and its retention, and which applications produce to it and consume from it."
      />
      <TeamsSection />
      {/* Next requires a Suspense boundary around useSearchParams in a client page, or it cannot prerender the page. */}
      <Suspense fallback={<Loading label="Loading topic ownership…" />}>
        <TopicOwnershipSections />
      </Suspense>
    </>
  );
}

function TopicOwnershipSections() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const report = useQuery(trpc.ownership.report.queryOptions());
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const linkedTopic = searchParams.get("topic");
  const linkedGroup = searchParams.get("group");
  // The link last acted on: the report refetches every few seconds, and must not reopen a dialog
  // the user has closed.
  const handledLink = useRef<string | null>(null);

  useEffect(() => {
    const link =
      linkedTopic !== null ? `topic:${linkedTopic}` : linkedGroup !== null ? `group:${linkedGroup}` : null;
    if (link === null) {
      handledLink.current = null;
      return;
    }
    // Wait for the report: the dialogs open filled in from it.
    if (!report.data || handledLink.current === link) return;
    handledLink.current = link;
    if (linkedTopic !== null) setDialog({ kind: "owners", topic: linkedTopic });
    else if (linkedGroup !== null) {
      const group = report.data.undocumented.find((candidate) => candidate.groupId === linkedGroup);
      setDialog({ kind: "declare", draft: groupDraft(linkedGroup, group?.topics[0]) });
    }
  }, [report.data, linkedTopic, linkedGroup]);

  const closeDialog = () => {
    setDialog(null);
    // Drop the link's parameter so that reloading the page does not open the dialog again.
    if (linkedTopic !== null || linkedGroup !== null) router.replace(pathname, { scroll: false });
  };

  return (
    <>
      <Section title="Topics">
        <QueryView query={report} loading="Loading topic ownership…">
          {(data) => (
            <TopicOwnershipTable
              topics={data.topics}
              onSetOwners={(topic) => setDialog({ kind: "owners", topic })}
              onDeclareClient={(topic) =>
                setDialog({
                  kind: "declare",
                  draft: { topic, role: "consumer", name: "", consumerGroup: "" },
                })
              }
            />
          )}
        </QueryView>
      </Section>
      {report.data && (
        <Section title="Undocumented consumer groups">
          <UndocumentedGroups
            groups={report.data.undocumented}
            onDocument={(group) =>
              setDialog({ kind: "declare", draft: groupDraft(group.groupId, group.topics[0]) })
            }
          />
        </Section>
      )}
      {report.data && dialog?.kind === "owners" && (
        <SetOwnersDialog
          topic={dialog.topic}
          current={report.data.topics.find((row) => row.topic === dialog.topic) ?? null}
          onClose={closeDialog}
        />
      )}
      {report.data && dialog?.kind === "declare" && (
        <DeclareClientDialog
          draft={dialog.draft}
          topics={report.data.topics.map((row) => row.topic)}
          onClose={closeDialog}
        />
      )}
    </>
  );
}
