// The console's frame: navigation and the tRPC/React Query providers around every page.
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Providers } from "~/trpc/react";
import "./styles.css";

export const metadata: Metadata = { title: "Streambed console" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="top">
          <span className="brand">Streambed</span>
          <nav aria-label="Main">
            <Link href="/">Overview</Link>
            <Link href="/topics">Topics</Link>
            <Link href="/groups">Consumer groups</Link>
          </nav>
        </header>
        <main>
          <Providers>{children}</Providers>
        </main>
      </body>
    </html>
  );
}
