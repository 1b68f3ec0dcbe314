"use client";
// Creating one ACL binding: who (principal and host), allowed or denied, which operation (explained
// as it is chosen), on which resources (type, literal or prefixed pattern, name). Admins only.
import { Button, Dialog, Field, Select, TextInput } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import {
  type AclBinding,
  CLUSTER_RESOURCE_NAME,
  OPERATION_MEANINGS,
  OPERATIONS,
  type Operation,
  PATTERN_TYPES,
  type PatternType,
  PERMISSIONS,
  type Permission,
  RESOURCE_TYPES,
  type ResourceType,
} from "../acl-vocabulary";

const FIELDS = [
  "principal",
  "permission",
  "operation",
  "resourceType",
  "patternType",
  "resourceName",
  "host",
];

export function CreateAclDialog({
  initialPrincipal,
  onCreated,
  onClose,
}: {
  /** Prefilled from the list's filter, since that is usually whom the ACL is for. */
  initialPrincipal: string;
  onCreated: (binding: AclBinding) => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [principal, setPrincipal] = useState(initialPrincipal);
  const [permission, setPermission] = useState<Permission>("ALLOW");
  const [operation, setOperation] = useState<Operation>("READ");
  const [resourceType, setResourceType] = useState<ResourceType>("TOPIC");
  const [patternType, setPatternType] = useState<PatternType>("LITERAL");
  // Kept while the cluster type is chosen, so switching back restores what was typed.
  const [typedName, setTypedName] = useState("");
  const [host, setHost] = useState("*");
  const isCluster = resourceType === "CLUSTER";
  const resourceName = isCluster ? CLUSTER_RESOURCE_NAME : typedName;
  const create = useMutation(
    trpc.iam.createAcl.mutationOptions({
      onSuccess: async (_result, binding) => {
        // Every IAM view is derived from the ACLs: the list, access views and engine previews.
        await queryClient.invalidateQueries({ queryKey: trpc.iam.pathKey() });
        onCreated(binding as AclBinding);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const binding: AclBinding = {
      principal: principal.trim(),
      permission,
      operation,
      resourceType,
      patternType: isCluster ? "LITERAL" : patternType,
      resourceName: resourceName.trim(),
      host: host.trim() || "*",
    };
    create.mutate(binding);
  };
  const error = create.error;
  const general = error && !FIELDS.some((field) => fieldError(error, field));
  return (
    <Dialog
      open
      onClose={onClose}
      title="Create ACL"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="create-acl" busy={create.isPending}>
            Create ACL
          </Button>
        </>
      }
    >
      <form id="create-acl" onSubmit={submit} noValidate>
        <Field
          label="Principal"
          error={fieldError(error, "principal")}
          hint="User:<name> of a Kafka user, or User:* for everyone"
        >
          {(control) => (
            <TextInput
              {...control}
              value={principal}
              onChange={(event) => setPrincipal(event.target.value)}
              placeholder="User:alice"
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <Field
          label="Permission"
          error={fieldError(error, "permission")}
          hint="A DENY wins over any ALLOW that matches the same request"
        >
          {(control) => (
            <Select
              {...control}
              value={permission}
              onChange={(event) => setPermission(event.target.value as Permission)}
            >
              {PERMISSIONS.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Operation" error={fieldError(error, "operation")} hint={OPERATION_MEANINGS[operation]}>
          {(control) => (
            <Select
              {...control}
              value={operation}
              onChange={(event) => setOperation(event.target.value as Operation)}
            >
              {OPERATIONS.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Resource type" error={fieldError(error, "resourceType")}>
          {(control) => (
            <Select
              {...control}
              value={resourceType}
              onChange={(event) => setResourceType(event.target.value as ResourceType)}
            >
              {RESOURCE_TYPES.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field
          label="Pattern"
          error={fieldError(error, "patternType")}
          hint={
            isCluster
              ? "The cluster is one resource: its ACLs are always literal"
              : "LITERAL: exactly the name below (* for all); PREFIXED: every name that starts with it"
          }
        >
          {(control) => (
            <Select
              {...control}
              value={isCluster ? "LITERAL" : patternType}
              onChange={(event) => setPatternType(event.target.value as PatternType)}
              disabled={isCluster}
            >
              {PATTERN_TYPES.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field
          label="Resource name"
          error={fieldError(error, "resourceName")}
          hint={
            isCluster
              ? `The cluster resource is always named ${CLUSTER_RESOURCE_NAME}`
              : patternType === "PREFIXED"
                ? "The prefix, e.g. orders- for orders-eu and orders-us"
                : "e.g. orders, or * for every one"
          }
        >
          {(control) => (
            <TextInput
              {...control}
              value={resourceName}
              onChange={(event) => setTypedName(event.target.value)}
              // Read-only rather than disabled: it stays focusable, so screen-reader users hear the name.
              readOnly={isCluster}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <Field label="Host" error={fieldError(error, "host")} hint="* for any host, or one client IP address">
          {(control) => (
            <TextInput
              {...control}
              value={host}
              onChange={(event) => setHost(event.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        {general && (
          <p role="alert" className="message-error">
            {mutationMessage(error)}
          </p>
        )}
      </form>
    </Dialog>
  );
}
