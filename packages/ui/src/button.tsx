// The console's button: a native <button> in one of four variants, with a busy state for actions
// that are in flight (disabled so they cannot be sent twice, and announced through aria-busy).
import type { ComponentPropsWithRef } from "react";
import { classNames } from "./class-names";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";

export interface ButtonProps extends ComponentPropsWithRef<"button"> {
  /** Default "secondary"; use "primary" for the one main action of a view. */
  variant?: ButtonVariant;
  busy?: boolean;
}

/** Defaults to type="button": a button only submits its form when asked to with type="submit". */
export function Button({
  variant = "secondary",
  busy = false,
  disabled,
  className,
  children,
  type = "button",
  ...buttonProps
}: ButtonProps) {
  return (
    <button
      {...buttonProps}
      type={type}
      className={classNames("sb-button", `sb-button-${variant}`, busy && "sb-button-busy", className)}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
    >
      {busy && <span className="sb-spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}
