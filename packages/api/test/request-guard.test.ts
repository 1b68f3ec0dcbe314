// The tRPC endpoint's forgery guard as pure logic: which requests may change things.
import { describe, expect, it } from "vitest";
import { forgeryProblem } from "../src/auth/request-guard.js";

const request = (method: string, headers: Record<string, string>) =>
  new Request("http://console.example:3000/api/trpc/topics.create", {
    method,
    headers,
    body: method === "POST" ? "{}" : undefined,
  });

describe("forgery guard", () => {
  it("lets reads through", () => {
    expect(forgeryProblem(request("GET", { origin: "https://evil.example" }))).toBeNull();
  });
  it("lets the console's own JSON mutations through", () => {
    expect(
      forgeryProblem(
        request("POST", {
          "content-type": "application/json",
          host: "console.example:3000",
          origin: "http://console.example:3000",
        }),
      ),
    ).toBeNull();
    expect(
      forgeryProblem(request("POST", { "content-type": "application/json", host: "console.example:3000" })),
    ).toBeNull();
  });
  it("refuses a form post and a post from another origin", () => {
    expect(
      forgeryProblem(
        request("POST", {
          "content-type": "application/x-www-form-urlencoded",
          host: "console.example:3000",
        }),
      ),
    ).toBe("mutations must send JSON");
    expect(
      forgeryProblem(
        request("POST", {
          "content-type": "application/json",
          host: "console.example:3000",
          origin: "https://evil.example",
        }),
      ),
    ).toBe("a request from https://evil.example may not change this console");
  });
});
