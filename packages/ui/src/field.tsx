// A labelled form field: the label, an optional hint and an error message, wired to the control by
// ids so that assistive technology reads the label, the hint and the error with the control.
import { type ReactNode, useId } from "react";
import { classNames } from "./class-names";

/** What a Field hands its control: spread these onto the input, select or textarea. */
export interface FieldControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
}

export interface FieldProps {
  label: string;
  hint?: ReactNode;
  /** Shown under the control and marks it invalid; null or empty means valid. */
  error?: string | null;
  children: (control: FieldControlProps) => ReactNode;
}

/**
 * The error is not a live region (role="alert"): it is read with the control when focus reaches it,
 * and announcing every validation message as it appears would interrupt typing.
 */
export function Field({ label, hint, error, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const hasHint = hint !== undefined && hint !== null && hint !== false;
  const hasError = typeof error === "string" && error !== "";
  const describedBy = classNames(hasHint && hintId, hasError && errorId) || undefined;
  return (
    <div className={classNames("sb-field", hasError && "sb-field-invalid")}>
      <label className="sb-field-label" htmlFor={id}>
        {label}
      </label>
      {hasHint && (
        <div className="sb-field-hint" id={hintId}>
          {hint}
        </div>
      )}
      {children({ id, "aria-describedby": describedBy, "aria-invalid": hasError || undefined })}
      {hasError && (
        <div className="sb-field-error" id={errorId}>
          {error}
        </div>
      )}
    </div>
  );
}
