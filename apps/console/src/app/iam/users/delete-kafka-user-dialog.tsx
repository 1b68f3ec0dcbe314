"use client";
// Deleting a SCRAM user, guarded by typing its name. Its credentials go; the ACLs that name it stay,
// so a user created again under the same name gets the same access.
import { ConfirmByTyping, Dialog } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { mutationMessage } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";

export function DeleteKafkaUserDialog({
  user,
  onDeleted,
  onClose,
}: {
  user: string;
  onDeleted: (user: string) => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.iam.deleteScramUser.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.iam.scramUsers.queryKey() });
        onDeleted(result.user);
      },
    }),
  );
  return (
    <Dialog open onClose={onClose} title={`Delete Kafka user ${user}`}>
      <p>
        Clients can no longer log in as {user}; those connected now keep their connections until they close.
        The ACLs of User:{user} are not deleted: remove them on the ACLs page if they are no longer needed.
      </p>
      <ConfirmByTyping
        expected={user}
        label={`Type ${user} to confirm`}
        confirmLabel="Delete user"
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ user })}
      />
      {remove.error && (
        <p role="alert" className="message-error">
          {mutationMessage(remove.error)}
        </p>
      )}
    </Dialog>
  );
}
