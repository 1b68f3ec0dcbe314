"use client";
// The IAM area's own navigation: console users, Kafka users, ACLs, engine principals, access and
// data masking, each a page people can bookmark, with the current one marked for screen-reader
// users as well.
import { Toolbar } from "@streambed/ui";
import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "/iam", label: "Console users" },
  { href: "/iam/users", label: "Kafka users" },
  { href: "/iam/acls", label: "ACLs" },
  { href: "/iam/engines", label: "Engine principals" },
  { href: "/iam/access", label: "Access" },
  { href: "/iam/masking", label: "Data masking" },
  { href: "/iam/boundary", label: "Security boundary" },
];

export function IamNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="IAM sections">
      <Toolbar>
        {SECTIONS.map((section) => {
          // "/iam" is a prefix of every section, so only an exact match marks it current.
          const current = section.href === "/iam" ? pathname === "/iam" : pathname.startsWith(section.href);
          return (
            <Link
              key={section.href}
              href={section.href}
              aria-current={current ? "page" : undefined}
              className={current ? "sb-button sb-button-primary" : "sb-button sb-button-secondary"}
            >
              {section.label}
            </Link>
          );
        })}
      </Toolbar>
    </nav>
  );
}
