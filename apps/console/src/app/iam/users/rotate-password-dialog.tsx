"use client";
// Rotating a SCRAM user's password: new credentials for the mechanisms the user has now. Clients
// logged in stay connected; they need the new password at their next login.
import { Button, Dialog } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { SCRAM_MECHANISMS, type ScramMechanism, ScramPasswordField } from "./scram-password-field";

export function RotatePasswordDialog({
  user,
  mechanisms,
  onRotated,
  onClose,
}: {
  user: string;
  /** The mechanisms the user has credentials for; rotation keeps the same ones. */
  mechanisms: readonly string[];
  onRotated: (user: string) => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [password, setPassword] = useState("");
  const rotate = useMutation(
    trpc.iam.setScramPassword.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.iam.scramUsers.queryKey() });
        onRotated(result.user);
      },
    }),
  );
  const kept = SCRAM_MECHANISMS.filter((mechanism) => mechanisms.includes(mechanism));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A user with no credential the console knows gets both, as a new user would.
    const chosen: ScramMechanism[] = kept.length > 0 ? kept : [...SCRAM_MECHANISMS];
    rotate.mutate({ user, password, mechanisms: chosen });
  };
  const error = rotate.error;
  const passwordError = fieldError(error, "password");
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Rotate password of ${user}`}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="rotate-password" busy={rotate.isPending}>
            Rotate password
          </Button>
        </>
      }
    >
      <form id="rotate-password" onSubmit={submit} noValidate>
        <p>
          New credentials for {kept.length > 0 ? kept.join(" and ") : SCRAM_MECHANISMS.join(" and ")}. Clients
          that are connected stay connected; they need the new password when they next log in.
        </p>
        <ScramPasswordField
          label="New password"
          value={password}
          onChange={setPassword}
          error={passwordError}
        />
        {error && !passwordError && (
          <p role="alert" className="message-error">
            {mutationMessage(error)}
          </p>
        )}
      </form>
    </Dialog>
  );
}
