"use client";
// The logged-in user in the top bar, with their role and a way out.
import { Button } from "@streambed/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTRPC } from "~/trpc/react";

export function UserMenu() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { refetchInterval: 60_000 }));
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: async () => {
        queryClient.clear();
        router.replace("/login");
      },
    }),
  );
  if (!me.data) return null;
  return (
    <div className="user-menu">
      <Link href="/account" data-testid="current-user">
        {me.data.email}
      </Link>
      <span className="sb-muted">({me.data.role})</span>
      <Button variant="ghost" onClick={() => logout.mutate()} busy={logout.isPending}>
        Log out
      </Button>
    </div>
  );
}
