"use client";
// Access: who can access a topic, and what a principal can do, both worked out from the selected
// cluster's ACLs. The topic and principal are in the URL (?topic=, ?principal=), so other pages link here.
import { Loading, PageHeader } from "@streambed/ui";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { IamNav } from "../iam-nav";
import { PrincipalAccessSection } from "./principal-access-section";
import { TopicAccessSection } from "./topic-access-section";

export default function AccessPage() {
  return (
    <>
      <PageHeader
        title="Access"
        description="Worked out from the ACLs on the selected cluster: literal, prefixed and * bindings all count, and a DENY wins over an ALLOW."
      />
      <IamNav />
      {/* Next requires a Suspense boundary around useSearchParams in a client page, or it cannot prerender the page. */}
      <Suspense fallback={<Loading label="Loading access…" />}>
        <AccessSections />
      </Suspense>
    </>
  );
}

function AccessSections() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const topic = searchParams.get("topic") ?? "";
  const principal = searchParams.get("principal") ?? "";

  const hrefWith = (change: { topic?: string; principal?: string }) => {
    const next = { topic, principal, ...change };
    const parts: string[] = [];
    if (next.topic) parts.push(`topic=${encodeURIComponent(next.topic)}`);
    // The colon of "User:alice" is allowed in a query and reads better unescaped.
    if (next.principal) parts.push(`principal=${encodeURIComponent(next.principal).replace("%3A", ":")}`);
    return parts.length > 0 ? `${pathname}?${parts.join("&")}` : pathname;
  };
  const lookUp = (change: { topic?: string; principal?: string }) =>
    router.replace(hrefWith(change), { scroll: false });

  return (
    <>
      <TopicAccessSection
        topic={topic}
        principalHref={(linked) => hrefWith({ principal: linked })}
        onLookup={(value) => lookUp({ topic: value })}
      />
      <PrincipalAccessSection principal={principal} onLookup={(value) => lookUp({ principal: value })} />
    </>
  );
}
