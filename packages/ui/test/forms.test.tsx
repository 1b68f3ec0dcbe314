import { describe, expect, it } from "vitest";
import { ConfirmByTyping } from "../src/confirm-by-typing";
import { Field } from "../src/field";
import { NumberInput, Select, Textarea, TextInput } from "../src/inputs";
import { attribute, elements, openingTags, render, textOf } from "./html";

describe("Field", () => {
  it("labels its control: the label's for is the id handed to the control", () => {
    const html = render(
      <Field label="Topic name">{(control) => <TextInput {...control} name="name" />}</Field>,
    );
    const label = openingTags(html, "label")[0] ?? "";
    const input = openingTags(html, "input")[0] ?? "";
    expect(attribute(input, "id")).toBeTruthy();
    expect(attribute(label, "for")).toBe(attribute(input, "id"));
    expect(textOf(elements(html, "label")[0] ?? "")).toBe("Topic name");
    expect(attribute(input, "aria-invalid")).toBeUndefined();
    expect(attribute(input, "aria-describedby")).toBeUndefined();
  });

  it("ties the hint and the error to the control and marks it invalid, without an alert", () => {
    const html = render(
      <Field label="Partitions" hint="Between 1 and 1000" error="Must be a whole number">
        {(control) => <NumberInput {...control} />}
      </Field>,
    );
    const input = openingTags(html, "input")[0] ?? "";
    expect(attribute(input, "aria-invalid")).toBe("true");
    const describedBy = (attribute(input, "aria-describedby") ?? "").split(" ");
    expect(describedBy).toHaveLength(2);
    const describedTexts = describedBy.map((id) => {
      const element = new RegExp(
        `<div[^>]*id="${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"[^>]*>([^<]*)</div>`,
      ).exec(html);
      return element?.[1];
    });
    expect(describedTexts).toEqual(["Between 1 and 1000", "Must be a whole number"]);
    expect(html).not.toContain('role="alert"');
  });

  it("treats a null or empty error as valid", () => {
    for (const error of [null, ""]) {
      const html = render(
        <Field label="Name" error={error}>
          {(control) => <TextInput {...control} />}
        </Field>,
      );
      expect(attribute(openingTags(html, "input")[0] ?? "", "aria-invalid")).toBeUndefined();
      expect(html).not.toContain("sb-field-error");
    }
  });

  it("gives two fields different ids", () => {
    const html = render(
      <>
        <Field label="A">{(control) => <TextInput {...control} />}</Field>
        <Field label="B">{(control) => <Select {...control} />}</Field>
      </>,
    );
    const ids = [...openingTags(html, "input"), ...openingTags(html, "select")].map((tag) =>
      attribute(tag, "id"),
    );
    expect(new Set(ids).size).toBe(2);
  });
});

describe("inputs", () => {
  it("forward native props and merge class names", () => {
    const html = render(
      <>
        <TextInput placeholder="orders" className="wide" required />
        <NumberInput min={1} max={1000} defaultValue={3} />
        <Textarea rows={4} defaultValue="{}" />
      </>,
    );
    const [text, number] = openingTags(html, "input");
    expect(attribute(text ?? "", "class")).toBe("sb-input wide");
    expect(attribute(text ?? "", "type")).toBe("text");
    expect(attribute(text ?? "", "required")).toBe("");
    expect(attribute(number ?? "", "type")).toBe("number");
    expect(attribute(number ?? "", "min")).toBe("1");
    expect(attribute(openingTags(html, "textarea")[0] ?? "", "rows")).toBe("4");
  });
});

describe("ConfirmByTyping", () => {
  it("starts with the danger button disabled and a labelled, empty input", () => {
    const html = render(
      <ConfirmByTyping expected="orders" onConfirm={() => {}} confirmLabel="Delete topic" />,
    );
    const button = openingTags(html, "button")[0] ?? "";
    expect(attribute(button, "disabled")).toBe("");
    expect(attribute(button, "type")).toBe("submit");
    expect(attribute(button, "class")).toContain("sb-button-danger");
    expect(textOf(elements(html, "button")[0] ?? "")).toBe("Delete topic");
    const input = openingTags(html, "input")[0] ?? "";
    expect(attribute(input, "value")).toBe("");
    expect(attribute(openingTags(html, "label")[0] ?? "", "for")).toBe(attribute(input, "id"));
    expect(textOf(elements(html, "label")[0] ?? "")).toBe("Type “orders” to confirm");
  });

  it("uses a given label and shows the busy state", () => {
    const html = render(
      <ConfirmByTyping
        expected="g1"
        label="Group id"
        onConfirm={() => {}}
        busy
        confirmLabel="Reset offsets"
      />,
    );
    expect(textOf(elements(html, "label")[0] ?? "")).toBe("Group id");
    expect(attribute(openingTags(html, "button")[0] ?? "", "aria-busy")).toBe("true");
  });
});
