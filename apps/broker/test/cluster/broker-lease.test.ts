// BrokerLease: validity measured from when a successful heartbeat was sent, loss when heartbeats
// stop succeeding (or the process was paused), regain, fencing by a re-registration, release.
import { afterEach, describe, expect, it, vi } from "vitest";
import { BrokerLease, type BrokerLeaseStore, type LeaseLostReason } from "../../src/cluster/broker-lease.js";
import { clusterDatabase } from "./cluster-database.js";

const LEASE_MS = 1000;
const MARGIN_MS = 100;

/** A store whose heartbeats the test answers, and a clock the test moves together with the fake timers. */
function scriptedLease() {
  let now = 0;
  let mode: "accept" | "throw" | "hang" = "accept";
  const sent: number[] = [];
  const hanging: ((accepted: boolean) => void)[] = [];
  const store: BrokerLeaseStore = {
    heartbeat: async () => {
      sent.push(now);
      if (mode === "throw") throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      if (mode === "hang") return new Promise<boolean>((resolve) => hanging.push(resolve));
      return true;
    },
    releaseBroker: async () => true,
  };
  const lease = new BrokerLease({
    store,
    brokerId: 1,
    brokerEpoch: 0n,
    leaseMs: LEASE_MS,
    walKind: "file",
    heartbeatIntervalMs: 250,
    safetyMarginMs: MARGIN_MS,
    clock: () => now,
  });
  const events: (LeaseLostReason | "regained")[] = [];
  lease.onLost((reason) => events.push(reason));
  lease.onRegained(() => events.push("regained"));
  return {
    lease,
    events,
    sent,
    hanging,
    setMode: (next: typeof mode) => {
      mode = next;
    },
    /** Moves the clock without running timers, as a process stopped with SIGSTOP experiences. */
    jump: (ms: number) => {
      now += ms;
    },
    advance: async (ms: number) => {
      const end = now + ms;
      // One millisecond at a time keeps the clock and the timers in step.
      while (now < end) {
        now += 1;
        await vi.advanceTimersByTimeAsync(1);
      }
    },
  };
}

describe("BrokerLease", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("counts validity from when the successful heartbeat was sent, not from when it was answered", async () => {
    vi.useFakeTimers();
    const script = scriptedLease();
    script.setMode("hang");
    const started = script.lease.start();
    await script.advance(300);
    script.hanging.shift()?.(true);
    await started;
    expect(script.sent[0]).toBe(0);
    expect(script.lease.validUntil).toBe(LEASE_MS - MARGIN_MS);
    expect(script.lease.isValid()).toBe(true);
    expect(script.lease.remainingMs()).toBe(LEASE_MS - MARGIN_MS - 300);
    await script.lease.stop({ release: false });
  });

  it("is lost when heartbeats stop succeeding, and regained when one succeeds again", async () => {
    vi.useFakeTimers();
    const script = scriptedLease();
    await script.lease.start();
    script.setMode("throw");
    await script.advance(LEASE_MS - MARGIN_MS - 1);
    expect(script.lease.isValid()).toBe(true);
    expect(script.events).toEqual([]);
    await script.advance(1);
    expect(script.lease.isValid()).toBe(false);
    expect(script.events).toEqual(["expired"]);
    await script.advance(500);
    expect(script.events).toEqual(["expired"]);

    script.setMode("accept");
    await script.advance(250);
    expect(script.lease.isValid()).toBe(true);
    expect(script.events).toEqual(["expired", "regained"]);
    expect(script.lease.validUntil).toBe((script.sent.at(-1) ?? 0) + LEASE_MS - MARGIN_MS);
    await script.lease.stop({ release: false });
  });

  it("stays lost when a heartbeat's answer arrives after the validity it would have given", async () => {
    vi.useFakeTimers();
    const script = scriptedLease();
    await script.lease.start();
    script.setMode("hang");
    await script.advance(LEASE_MS * 2);
    expect(script.events).toEqual(["expired"]);
    // The first hanging heartbeat was sent at 250: its validity ended at 1150.
    script.hanging.shift()?.(true);
    await script.advance(1);
    expect(script.lease.isValid()).toBe(false);
    expect(script.events).toEqual(["expired"]);
    await script.lease.stop({ release: false });
  });

  it("is invalid at once after the process was paused past its validity", async () => {
    vi.useFakeTimers();
    const script = scriptedLease();
    await script.lease.start();
    expect(script.lease.isValid()).toBe(true);
    script.jump(LEASE_MS);
    expect(script.lease.isValid()).toBe(false);
    expect(script.lease.remainingMs()).toBe(0);
    await script.lease.stop({ release: false });
  });

  it("is fenced for good when the broker id is registered again, and stops heartbeating", async () => {
    const database = await clusterDatabase();
    try {
      const brokerEpoch = await database.registerBroker(1, 400);
      let heartbeats = 0;
      const store: BrokerLeaseStore = {
        heartbeat: (...args) => {
          heartbeats++;
          return database.store.heartbeat(...args);
        },
        releaseBroker: (...args) => database.store.releaseBroker(...args),
      };
      const lease = new BrokerLease({ store, brokerId: 1, brokerEpoch, leaseMs: 400, walKind: "file" });
      const lost: LeaseLostReason[] = [];
      lease.onLost((reason) => lost.push(reason));
      await lease.start();
      expect(lease.isValid()).toBe(true);

      await database.metadata.registerBroker(1, "127.0.0.1", 9001, null);
      await vi.waitFor(() => expect(lost).toEqual(["fenced"]), { timeout: 10_000, interval: 25 });
      expect(lease.fenced).toBe(true);
      expect(lease.isValid()).toBe(false);
      const afterFencing = heartbeats;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heartbeats).toBe(afterFencing);
      await lease.stop({ release: true });
      // A fenced process must not release the lease of the process that replaced it.
      expect(await database.query("SELECT broker_epoch, shut_down FROM brokers")).toEqual([
        { broker_epoch: String(brokerEpoch + 1n), shut_down: false },
      ]);
    } finally {
      await database.cleanup();
    }
  });

  it("releases the lease on stop when asked, so the broker is no longer live", async () => {
    const database = await clusterDatabase();
    try {
      const brokerEpoch = await database.registerBroker(1, 60_000);
      const lease = new BrokerLease({
        store: database.store,
        brokerId: 1,
        brokerEpoch,
        leaseMs: 60_000,
        walKind: "file",
      });
      await lease.start();
      await lease.stop({ release: true });
      expect(lease.isValid()).toBe(false);
      expect(await database.store.liveBrokers()).toEqual([]);
    } finally {
      await database.cleanup();
    }
  });

  it("sends its report with each heartbeat, and renews without it when the report cannot be made", async () => {
    const sent: unknown[] = [];
    let failing = false;
    const lease = new BrokerLease({
      store: {
        heartbeat: async (_id, _epoch, _leaseMs, _walKind, report) => {
          sent.push(report);
          return true;
        },
        releaseBroker: async () => true,
      },
      brokerId: 1,
      brokerEpoch: 0n,
      leaseMs: 60_000,
      walKind: "file",
      heartbeatIntervalMs: 10,
      report: () => {
        if (failing) throw new Error("no report today");
        return { traffic: { orders: { bytesIn: 1 } }, httpAddress: "127.0.0.1:8081" };
      },
    });
    await lease.start();
    expect(sent).toEqual([{ traffic: { orders: { bytesIn: 1 } }, httpAddress: "127.0.0.1:8081" }]);
    failing = true;
    await vi.waitFor(() => expect(sent.length).toBeGreaterThanOrEqual(2), { timeout: 5000, interval: 10 });
    expect(sent[1]).toBeUndefined();
    expect(lease.isValid()).toBe(true);
    await lease.stop({ release: false });
  });
});
