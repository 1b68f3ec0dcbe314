// Masking rules as pure logic: which rules apply to a topic and role, and what they hide in JSON
// and text values.
import { describe, expect, it } from "vitest";
import { MASK, maskPayload, parseFieldPath, ruleAppliesTo } from "../src/governance/masking.js";

const rule = (patch: Partial<Parameters<typeof ruleAppliesTo>[0]>) => ({
  topicPattern: "payments",
  fieldPath: null,
  regex: null,
  exemptRoles: ["admin"],
  ...patch,
});

describe("masking", () => {
  it("applies to the named topic or prefix, except for exempt roles", () => {
    expect(ruleAppliesTo(rule({}), "payments", "viewer")).toBe(true);
    expect(ruleAppliesTo(rule({}), "payments", "admin")).toBe(false);
    expect(ruleAppliesTo(rule({}), "payments-eu", "viewer")).toBe(false);
    expect(ruleAppliesTo(rule({ topicPattern: "payments*" }), "payments-eu", "viewer")).toBe(true);
  });

  it("reads field paths with wildcards and indexes", () => {
    expect(parseFieldPath("$.card.number")).toEqual(["card", "number"]);
    expect(parseFieldPath("items[*].iban")).toEqual(["items", "*", "iban"]);
    expect(() => parseFieldPath("a..b")).toThrow();
  });

  it("masks JSON fields, leaving the rest of the document", () => {
    const value = {
      encoding: "json" as const,
      text: JSON.stringify({
        card: { number: "4111" },
        items: [{ iban: "DE1" }, { iban: "DE2" }],
        amount: 5,
      }),
    };
    const { payload, masked } = maskPayload(value, [
      rule({ fieldPath: "card.number" }),
      rule({ fieldPath: "items[*].iban" }),
    ]);
    expect(masked).toBe(true);
    expect(JSON.parse(payload.text)).toEqual({
      card: { number: MASK },
      items: [{ iban: MASK }, { iban: MASK }],
      amount: 5,
    });
  });

  it("masks what a regular expression matches in text, and leaves binary and unmatched values alone", () => {
    const text = { encoding: "text" as const, text: "mail ada@example.com now" };
    expect(maskPayload(text, [rule({ regex: "[\\w.]+@[\\w.]+" })]).payload.text).toBe(`mail ${MASK} now`);
    expect(maskPayload(text, [rule({ fieldPath: "email" })]).masked).toBe(false);
    const binary = { encoding: "binary" as const, text: "00000000  de ad" };
    expect(maskPayload(binary, [rule({ regex: "de" })]).masked).toBe(false);
  });
});
