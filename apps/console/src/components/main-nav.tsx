"use client";
// The main navigation, marking the current area for sighted and screen-reader users alike.
import Link from "next/link";
import { usePathname } from "next/navigation";

const AREAS = [
  { href: "/", label: "Overview" },
  { href: "/topics", label: "Topics" },
  { href: "/schemas", label: "Schemas" },
  { href: "/groups", label: "Consumer groups" },
  { href: "/ownership", label: "Ownership" },
  { href: "/retention", label: "Retention & replay" },
  { href: "/observability", label: "Observability" },
  { href: "/alerts", label: "Lag alerts" },
  { href: "/cost", label: "Cost" },
  { href: "/migration", label: "Migration" },
  { href: "/scorecard", label: "Scorecard" },
  { href: "/clusters", label: "Clusters" },
  { href: "/iam", label: "IAM" },
  { href: "/audit", label: "Audit log" },
];

export function MainNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="sb-nav">
      <ul>
        {AREAS.map((area) => {
          const current = area.href === "/" ? pathname === "/" : pathname.startsWith(area.href);
          return (
            <li key={area.href}>
              <Link href={area.href} aria-current={current ? "page" : undefined}>
                {area.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
