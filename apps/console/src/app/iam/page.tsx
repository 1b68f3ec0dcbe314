"use client";
// IAM home: links to the IAM sections (Kafka users, ACLs, engine principals, access) and the
// console's own users, which live on this page.
import { PageHeader } from "@streambed/ui";
import { ConsoleUsersSection } from "./console-users-section";
import { IamNav } from "./iam-nav";

export default function IamPage() {
  return (
    <>
      <PageHeader
        title="IAM"
        description="Who may use this console, and with which role; and, on the selected cluster's brokers, the Kafka users, their ACLs and what each principal can access."
      />
      <IamNav />
      <ConsoleUsersSection />
    </>
  );
}
