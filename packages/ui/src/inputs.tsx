// Styled native form controls. They forward every native prop (ref included, which React 19 passes
// as a prop) and only add the sb- class, so they work inside Field or on their own.
import type { ComponentPropsWithRef } from "react";
import { classNames } from "./class-names";

export type TextInputProps = ComponentPropsWithRef<"input">;

export function TextInput({ className, type = "text", ...inputProps }: TextInputProps) {
  return <input {...inputProps} type={type} className={classNames("sb-input", className)} />;
}

export type NumberInputProps = Omit<ComponentPropsWithRef<"input">, "type">;

export function NumberInput({ className, ...inputProps }: NumberInputProps) {
  return (
    <input {...inputProps} type="number" className={classNames("sb-input", "sb-input-number", className)} />
  );
}

export type SelectProps = ComponentPropsWithRef<"select">;

export function Select({ className, ...selectProps }: SelectProps) {
  return <select {...selectProps} className={classNames("sb-input", "sb-select", className)} />;
}

export type TextareaProps = ComponentPropsWithRef<"textarea">;

export function Textarea({ className, ...textareaProps }: TextareaProps) {
  return <textarea {...textareaProps} className={classNames("sb-input", "sb-textarea", className)} />;
}
