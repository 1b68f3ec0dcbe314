"use client";
// Your account: who you are, your role, and changing your password (required after logging in with
// a one-time password).
import { Button, Field, PageHeader, Section, Stat, StatGrid, TextInput } from "@streambed/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";

export default function AccountPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [repeated, setRepeated] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
        setCurrentPassword("");
        setNewPassword("");
        setRepeated("");
        if (me.data?.mustChangePassword) router.replace("/");
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(newPassword !== repeated);
    if (newPassword === repeated) change.mutate({ currentPassword, newPassword });
  };
  if (!me.data) return null;
  return (
    <>
      <PageHeader title="Your account" />
      <StatGrid>
        <Stat label="E-mail" value={me.data.email} />
        <Stat label="Role" value={me.data.role} />
      </StatGrid>
      <Section title={me.data.mustChangePassword ? "Choose a new password to continue" : "Change password"}>
        <form onSubmit={submit} className="login-form" aria-label="Change password">
          <Field label="Current password">
            {(control) => (
              <TextInput
                {...control}
                type="password"
                autoComplete="current-password"
                value={currentPassword}
                onChange={(event) => setCurrentPassword(event.target.value)}
              />
            )}
          </Field>
          <Field
            label="New password"
            hint="At least 12 characters"
            error={fieldError(change.error, "newPassword")}
          >
            {(control) => (
              <TextInput
                {...control}
                type="password"
                autoComplete="new-password"
                value={newPassword}
                onChange={(event) => setNewPassword(event.target.value)}
              />
            )}
          </Field>
          <Field label="Repeat the new password" error={mismatch ? "the two new passwords differ" : null}>
            {(control) => (
              <TextInput
                {...control}
                type="password"
                autoComplete="new-password"
                value={repeated}
                onChange={(event) => setRepeated(event.target.value)}
              />
            )}
          </Field>
          {change.error && !fieldError(change.error, "newPassword") && (
            <p role="alert" className="message-error">
              {mutationMessage(change.error)}
            </p>
          )}
          {change.isSuccess && <p role="status">Your password is changed.</p>}
          <Button variant="primary" type="submit" busy={change.isPending}>
            Change password
          </Button>
        </form>
      </Section>
    </>
  );
}
