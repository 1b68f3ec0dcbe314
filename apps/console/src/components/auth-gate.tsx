"use client";
// Shows pages only to a logged-in user: anyone else goes to /login (and back afterwards), and a
// user who must choose a new password goes to /account first.
import { Loading } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect } from "react";
import { useTRPC } from "~/trpc/react";

const OPEN_PATHS = new Set(["/login"]);

export function AuthGate({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { refetchInterval: 60_000 }));
  const open = OPEN_PATHS.has(pathname);
  const user = me.data;
  const destination =
    open || me.isPending || me.error
      ? null
      : !user
        ? `/login?next=${encodeURIComponent(pathname)}`
        : user.mustChangePassword && pathname !== "/account"
          ? "/account"
          : null;
  useEffect(() => {
    if (destination) router.replace(destination);
  }, [destination, router]);
  if (open) return <>{children}</>;
  if (me.isPending || destination) return <Loading label="Checking your login…" />;
  return <>{children}</>;
}
