// One scorecard item as a card: its status, the sentence that explains it, each evidence line with
// its own status and a link to where that fact is seen or fixed, and the item's "Fix" link. Used
// live on the scorecard and frozen on a review.
import Link from "next/link";
import { useId } from "react";
import type { RouterOutputs } from "~/trpc/react";
import styles from "./scorecard.module.css";
import { StatusBadge } from "./status-badge";

export type ReadinessItem = RouterOutputs["scorecard"]["get"]["items"][number];

export function ReadinessItemCard({ item }: { item: ReadinessItem }) {
  const headingId = useId();
  return (
    <article
      className={`${styles.item} ${styles[item.status]}`}
      aria-labelledby={headingId}
      data-testid={`readiness-item-${item.key}`}
    >
      <div className={styles.itemHeader}>
        <h3 id={headingId}>{item.title}</h3>
        <StatusBadge status={item.status} testId={`readiness-status-${item.key}`} />
        <Link
          href={item.fixHref}
          className={`sb-button sb-button-secondary ${styles.fix}`}
          aria-label={`Fix ${item.title}`}
        >
          Fix
        </Link>
      </div>
      <p className={styles.summary}>{item.summary}</p>
      {item.evidence.length === 0 ? (
        <p className={styles.muted}>No evidence lines.</p>
      ) : (
        <div className="sb-table-scroll">
          <table className="sb-table" aria-label={`Evidence for ${item.title}`}>
            <thead>
              <tr>
                <th scope="col">Evidence</th>
                <th scope="col">Status</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {item.evidence.map((line, index) => (
                // Labels may repeat within an item (a topic named like a count line); the position is stable.
                // biome-ignore lint/suspicious/noArrayIndexKey: evidence lines have no identity beyond their order
                <tr key={index}>
                  <th scope="row">{line.href ? <Link href={line.href}>{line.label}</Link> : line.label}</th>
                  <td>
                    {line.status ? (
                      <StatusBadge status={line.status} />
                    ) : (
                      <span className={styles.muted}>context</span>
                    )}
                  </td>
                  <td>{line.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}
