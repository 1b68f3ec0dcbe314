"use client";
// Renders a query's three states the same way on every page: a loading line, the error (a cluster
// that is down says so and offers a retry), or the content once the data is there.
import { ErrorState, Loading } from "@streambed/ui";
import type { ReactNode } from "react";

export function errorTitle(error: unknown): string {
  const code = (error as { data?: { code?: string } } | null)?.data?.code;
  if (code === "SERVICE_UNAVAILABLE") return "The cluster is not answering";
  if (code === "NOT_FOUND") return "Not found";
  if (code === "PRECONDITION_FAILED") return "Not set up yet";
  return "Something went wrong";
}

/** The parts of a TanStack query result QueryView reads (tRPC's errors are not `Error`s). */
export interface QueryLike<T> {
  isPending: boolean;
  error: { message: string } | null;
  data: T | undefined;
  refetch: () => unknown;
}

export function QueryView<T>({
  query,
  loading,
  children,
}: {
  query: QueryLike<T>;
  loading: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading label={loading} />;
  if (query.error)
    return (
      <ErrorState
        title={errorTitle(query.error)}
        message={query.error.message}
        onRetry={() => void query.refetch()}
      />
    );
  return <>{children(query.data as T)}</>;
}

/** A mutation's error message for forms; field errors from zod come first when the server sent them. */
export function mutationMessage(error: unknown): string | null {
  if (!error) return null;
  const fieldErrors = (error as { data?: { fieldErrors?: Record<string, string> | null } }).data?.fieldErrors;
  if (fieldErrors) {
    const entries = Object.entries(fieldErrors);
    if (entries.length > 0)
      return entries.map(([field, message]) => (field ? `${field}: ${message}` : message)).join("; ");
  }
  return (error as Error).message;
}

export function fieldError(error: unknown, field: string): string | null {
  const fieldErrors = (error as { data?: { fieldErrors?: Record<string, string> | null } } | null)?.data
    ?.fieldErrors;
  return fieldErrors?.[field] ?? null;
}
