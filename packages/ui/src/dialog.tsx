"use client";
// A modal dialog on the native <dialog> element: the browser provides the backdrop, the focus trap
// and inertness of the page; this component keeps it in step with the caller's `open` state.
import { type ReactNode, useEffect, useId, useRef } from "react";

export interface DialogProps {
  open: boolean;
  /** Called for Escape, the close button and any other way the dialog is dismissed. */
  onClose: () => void;
  title: string;
  children: ReactNode;
  /** Actions, typically a Cancel and a confirming Button. */
  footer?: ReactNode;
  /** Id of an element inside the dialog that describes it, for aria-describedby. */
  describedBy?: string;
}

const focusableSelector =
  "input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";

export function Dialog({ open, onClose, title, children, footer, describedBy }: DialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      const previouslyFocused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      // Start in the first field of the content rather than on the close button at the top.
      const firstControl = contentRef.current?.querySelector<HTMLElement>(focusableSelector);
      (firstControl ?? dialog).focus();
      return () => {
        if (dialog.open) dialog.close();
        // Give focus back to what opened the dialog, unless the page already moved it elsewhere.
        if (
          previouslyFocused?.isConnected &&
          (!document.activeElement || document.activeElement === document.body)
        ) {
          previouslyFocused.focus();
        }
      };
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={dialogRef}
      className="sb-dialog"
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      tabIndex={-1}
      onCancel={(event) => {
        // Escape: leave closing to the caller, whose `open` state stays the one source of truth.
        event.preventDefault();
        onClose();
      }}
      onClose={() => {
        // A <form method="dialog"> inside closes the element directly; tell the caller.
        if (open) onClose();
      }}
    >
      <div className="sb-dialog-header">
        <h2 className="sb-dialog-title" id={titleId}>
          {title}
        </h2>
        <button type="button" className="sb-dialog-close" aria-label="Close" onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {open && (
        <>
          <div className="sb-dialog-content" ref={contentRef}>
            {children}
          </div>
          {footer !== undefined && footer !== null && <div className="sb-dialog-footer">{footer}</div>}
        </>
      )}
    </dialog>
  );
}
