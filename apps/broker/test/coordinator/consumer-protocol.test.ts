import { describe, expect, it } from "vitest";
import { ConsumerProtocolError, decodeSubscribedTopics } from "../../src/coordinator/consumer-protocol.js";
import { subscription } from "./helpers.js";

describe("decodeSubscribedTopics", () => {
  it("reads the topic names of any subscription version through its v0 prefix", () => {
    expect(decodeSubscribedTopics(subscription(["orders", "payments"]))).toEqual(["orders", "payments"]);
    expect(decodeSubscribedTopics(subscription([]))).toEqual([]);
    expect(decodeSubscribedTopics(subscription(["zahlungen-ü"]))).toEqual(["zahlungen-ü"]);
  });

  it("rejects truncated or impossible subscriptions", () => {
    expect(() => decodeSubscribedTopics(Buffer.from([0, 0, 0]))).toThrow(ConsumerProtocolError);
    expect(() => decodeSubscribedTopics(subscription(["orders"]).subarray(0, 9))).toThrow(
      ConsumerProtocolError,
    );
    expect(() => decodeSubscribedTopics(Buffer.from([0xff, 0xff, 0, 0, 0, 0]))).toThrow(/version/);
    expect(() => decodeSubscribedTopics(Buffer.from([0, 0, 0xff, 0xff, 0xff, 0xff]))).toThrow(/count/);
  });
});
