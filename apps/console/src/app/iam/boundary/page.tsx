"use client";
// The security boundary of the selected cluster, for the readiness scorecard: each listener and
// its protection, whether authentication and ACLs are enforced, principals with no ACL, topics
// anyone can read, the TLS certificate's expiry, the bucket's encryption and where data lives.
import {
  Badge,
  type Column,
  DataTable,
  EmptyState,
  PageHeader,
  Section,
  Stat,
  StatGrid,
} from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { IamNav } from "../iam-nav";

interface ListenerRow {
  name: string;
  securityProtocol: string;
  address: string;
  advertised: string;
  encrypted: boolean;
  authenticates: boolean;
  clientCertificates: string;
}

interface BrokerSummary {
  listeners: ListenerRow[];
  authentication: { required: boolean; saslMechanisms: string[] };
  authorization: { enforced: boolean; superUsers: string[]; allowEveryoneIfNoAclFound: boolean };
  tlsCertificate: { subject: string; validTo: string; daysLeft: number } | null;
  storage: { bucket: string; region: string; endpoint: string; embedded: boolean; encryption: string };
  database: { host: string; database: string };
}

const yesNo = (value: boolean) => (value ? <Badge tone="ok">yes</Badge> : <Badge tone="danger">no</Badge>);

const listenerColumns: Column<ListenerRow>[] = [
  { key: "name", header: "Listener", cell: (row) => row.name },
  { key: "protocol", header: "Protocol", cell: (row) => row.securityProtocol },
  { key: "address", header: "Advertised", cell: (row) => <code>{row.advertised}</code> },
  { key: "encrypted", header: "Encrypted", cell: (row) => yesNo(row.encrypted) },
  { key: "authenticates", header: "Authenticates", cell: (row) => yesNo(row.authenticates) },
  { key: "certificates", header: "Client certificates", cell: (row) => row.clientCertificates },
];

export default function BoundaryPage() {
  const trpc = useTRPC();
  const boundary = useQuery(trpc.iam.boundary.queryOptions());
  return (
    <>
      <PageHeader
        title="Security boundary"
        description="What protects this cluster, as its brokers and ACLs say — evidence for the readiness scorecard."
      />
      <IamNav />
      <QueryView query={boundary} loading="Reading the cluster's security…">
        {(data) => {
          const broker = data.broker as BrokerSummary | null;
          if (!broker)
            return (
              <EmptyState title="The brokers' HTTP endpoint is not registered or not answering">
                Register the cluster's HTTP endpoint under Clusters to see its listeners, TLS and storage.
              </EmptyState>
            );
          const certificate = broker.tlsCertificate;
          return (
            <>
              <StatGrid>
                <Stat
                  label="Authentication required"
                  value={broker.authentication.required ? "yes" : "no"}
                  tone={broker.authentication.required ? "ok" : "danger"}
                  testId="boundary-authentication"
                />
                <Stat
                  label="ACLs enforced"
                  value={broker.authorization.enforced ? "yes" : "no"}
                  tone={broker.authorization.enforced ? "ok" : "danger"}
                  testId="boundary-acls"
                  hint={
                    broker.authorization.allowEveryoneIfNoAclFound
                      ? "topics without ACLs are open to all"
                      : undefined
                  }
                />
                <Stat
                  label="TLS certificate"
                  value={certificate ? `${certificate.daysLeft} days left` : "none"}
                  tone={!certificate ? "warning" : certificate.daysLeft < 30 ? "danger" : "ok"}
                  hint={certificate ? `expires ${certificate.validTo.slice(0, 10)}` : undefined}
                />
                <Stat
                  label="Bucket encryption"
                  value={broker.storage.encryption}
                  tone={
                    broker.storage.encryption === "none"
                      ? "danger"
                      : broker.storage.encryption.startsWith("unknown")
                        ? "warning"
                        : "ok"
                  }
                />
                <Stat
                  label="Data in"
                  value={`${broker.storage.bucket} (${broker.storage.region})`}
                  hint={broker.storage.endpoint}
                />
                <Stat
                  label="Metadata in"
                  value={broker.database.host}
                  hint={`database ${broker.database.database}`}
                />
              </StatGrid>
              <Section title="Listeners">
                <DataTable
                  label="Listeners"
                  rows={broker.listeners}
                  columns={listenerColumns}
                  rowKey={(row) => row.name}
                  filterable={false}
                />
              </Section>
              <Section title="Principals without ACLs">
                {data.principalsWithoutAcls === null ? (
                  <p className="sb-muted">
                    Unknown: the console may not describe this cluster's ACLs or users.
                  </p>
                ) : data.principalsWithoutAcls.length === 0 ? (
                  <p>Every user has ACLs (or is a super user).</p>
                ) : (
                  <ul data-testid="principals-without-acls">
                    {data.principalsWithoutAcls.map((principal) => (
                      <li key={principal}>
                        <code>{principal}</code>
                      </li>
                    ))}
                  </ul>
                )}
              </Section>
              <Section title="Topics anyone can read">
                {data.topicsReadableByEveryone === null ? (
                  <p className="sb-muted">Unknown.</p>
                ) : data.topicsReadableByEveryone.length === 0 ? (
                  <p data-testid="open-topics">None of the {data.topicCount} topics.</p>
                ) : (
                  <p data-testid="open-topics">
                    {data.topicsReadableByEveryone.length} of {data.topicCount}:{" "}
                    {data.topicsReadableByEveryone.join(", ")}
                  </p>
                )}
              </Section>
            </>
          );
        }}
      </QueryView>
    </>
  );
}
