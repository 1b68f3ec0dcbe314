// The console's frame: the top bar (brand, navigation, cluster switcher) and the tRPC/React Query
// providers around every page.
import "@streambed/ui/styles.css";
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { AuthGate } from "~/components/auth-gate";
import { ClusterSwitcher } from "~/components/cluster-switcher";
import { MainNav } from "~/components/main-nav";
import { UserMenu } from "~/components/user-menu";
import { Providers } from "~/trpc/react";
import "./styles.css";

export const metadata: Metadata = { title: "Streambed console" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <div className="sb-shell">
            <a className="sb-skip-link" href="#main">
              Skip to content
            </a>
            <header className="sb-topbar">
              <Link href="/" className="sb-brand">
                Streambed
              </Link>
              <MainNav />
              <div className="sb-topbar-end">
                <ClusterSwitcher />
                <UserMenu />
              </div>
            </header>
            <main id="main" className="sb-main">
              <AuthGate>{children}</AuthGate>
            </main>
          </div>
        </Providers>
      </body>
    </html>
  );
}
