// The three states every data view has besides its data: still loading, nothing there, and failed.
import type { ReactNode } from "react";
import { Button } from "./button";

export function Loading({ label }: { label: string }) {
  return (
    <div className="sb-loading" role="status">
      <span className="sb-spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export interface EmptyStateProps {
  title: string;
  /** Why it is empty and what would fill it. */
  children?: ReactNode;
  action?: ReactNode;
}

export function EmptyState({ title, children, action }: EmptyStateProps) {
  return (
    <div className="sb-empty-state">
      <p className="sb-state-title">{title}</p>
      {children !== undefined && children !== null && <div className="sb-state-body">{children}</div>}
      {action !== undefined && action !== null && <div className="sb-state-action">{action}</div>}
    </div>
  );
}

export interface ErrorStateProps {
  title: string;
  message: string;
  /** When given, a Retry button calls it. */
  onRetry?: () => void;
}

export function ErrorState({ title, message, onRetry }: ErrorStateProps) {
  return (
    <div className="sb-error-state" role="alert">
      <p className="sb-state-title">{title}</p>
      <p className="sb-state-body">{message}</p>
      {onRetry && (
        <div className="sb-state-action">
          <Button onClick={onRetry}>Retry</Button>
        </div>
      )}
    </div>
  );
}
