"use client";
// Deleting one ACL binding after stating exactly which: its permission, principal, operation,
// resource pattern and host. Clients lose (or, for a DENY, regain) that access at once.
import { Button, Dialog } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId } from "react";
import { mutationMessage } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { type AclBinding, describeBinding, describeResource } from "../acl-vocabulary";

export function DeleteAclDialog({
  binding,
  onDeleted,
  onClose,
}: {
  binding: AclBinding;
  onDeleted: (binding: AclBinding) => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const descriptionId = useId();
  const remove = useMutation(
    trpc.iam.deleteAcl.mutationOptions({
      onSuccess: async () => {
        // Every IAM view is derived from the ACLs: the list, access views and engine previews.
        await queryClient.invalidateQueries({ queryKey: trpc.iam.pathKey() });
        onDeleted(binding);
      },
    }),
  );
  const where = `${describeResource(binding)}${binding.host === "*" ? "" : ` from ${binding.host}`}`;
  const effect =
    binding.permission === "ALLOW"
      ? `${binding.principal} loses ${binding.operation} on ${where}, unless another ACL allows it.`
      : `${binding.principal} is no longer denied ${binding.operation} on ${where} by this ACL.`;
  return (
    <Dialog
      open
      onClose={onClose}
      title="Delete ACL"
      describedBy={descriptionId}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="danger"
            busy={remove.isPending}
            onClick={() =>
              remove.mutate({
                resourceType: binding.resourceType,
                resourceName: binding.resourceName,
                patternType: binding.patternType,
                principal: binding.principal,
                host: binding.host,
                operation: binding.operation,
                permission: binding.permission,
              })
            }
          >
            Delete ACL
          </Button>
        </>
      }
    >
      <div id={descriptionId}>
        <p>
          <code>{describeBinding(binding)}</code>
        </p>
        <p>{effect}</p>
      </div>
      {remove.error && (
        <p role="alert" className="message-error">
          {mutationMessage(remove.error)}
        </p>
      )}
    </Dialog>
  );
}
