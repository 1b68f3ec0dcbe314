"use client";
// The answer at the top of "why is this group lagging?": each verdict in words, most likely first,
// with the movements behind it, the brokers that lead the group's partitions, and the rule applied.
import { Badge, Section, type Tone } from "@streambed/ui";
import type { RouterOutputs } from "~/trpc/react";

type Explanation = RouterOutputs["lagCorrelation"]["explain"];
type Verdict = Explanation["diagnosis"]["verdicts"][number];

const verdictTones: Record<Verdict["kind"], Tone> = {
  "no-lag": "ok",
  "not-enough-data": "neutral",
  "processor-lag": "warning",
  "produce-surge": "info",
  "broker-pressure": "danger",
  "object-store": "danger",
  network: "warning",
};

function VerdictEntry({ verdict, rank, count }: { verdict: Verdict; rank: number; count: number }) {
  return (
    <li data-testid={`verdict-${verdict.kind}`}>
      <h3>
        <Badge tone={verdictTones[verdict.kind]}>{verdict.title}</Badge>{" "}
        {count > 1 && <span className="sb-muted">{rank === 0 ? "most likely" : `also: #${rank + 1}`}</span>}
        {verdict.inference && (
          <>
            {" "}
            <Badge title="Read from the absence of other causes, not measured directly">inferred</Badge>
          </>
        )}
      </h3>
      <p>{verdict.explanation}</p>
      {verdict.evidence.length > 0 && (
        <ul>
          {verdict.evidence.map((sentence) => (
            <li key={sentence}>{sentence}</li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function Verdicts({ explanation }: { explanation: Explanation }) {
  const { verdicts } = explanation.diagnosis;
  const leaders = explanation.leaders
    .map((leader) => `broker ${leader.brokerId} (${leader.partitions.join(", ")})`)
    .join("; ");
  return (
    <Section title="Verdict">
      <ol aria-label="Verdicts, most likely first">
        {verdicts.map((verdict, rank) => (
          <VerdictEntry key={verdict.kind} verdict={verdict} rank={rank} count={verdicts.length} />
        ))}
      </ol>
      <p className="sb-muted">
        {explanation.topics.length === 0
          ? "The group has no committed offsets, so no topic or broker is correlated with it yet."
          : `Topics: ${explanation.topics.join(", ")}. Leading its partitions: ${leaders || "no broker right now"}.`}{" "}
        {explanation.rule}
      </p>
    </Section>
  );
}
