#!/usr/bin/env node
// Records real client traffic for the protocol package's golden-byte tests: a TCP proxy in front
// of a running broker that writes every request frame and its response frame (hex, with api key
// and version) to a JSON file. Start the broker with --advertised-listen pointing at the proxy so
// that clients keep talking through it.
//
// Usage: node apps/broker/scripts/capture-golden.mjs --listen 19093 --broker 127.0.0.1:19092 --out FILE --client NAME
import { writeFileSync } from "node:fs";
import net from "node:net";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    listen: { type: "string" },
    broker: { type: "string" },
    out: { type: "string" },
    client: { type: "string" },
  },
});
if (!values.listen || !values.broker || !values.out || !values.client) {
  console.error("usage: capture-golden.mjs --listen PORT --broker HOST:PORT --out FILE --client NAME");
  process.exit(2);
}
const [brokerHost, brokerPort] = values.broker.split(":");
const frames = [];

function splitFrames(onFrame) {
  let buffered = Buffer.alloc(0);
  return (data) => {
    buffered = Buffer.concat([buffered, data]);
    while (buffered.length >= 4) {
      const size = buffered.readInt32BE(0);
      if (buffered.length < 4 + size) break;
      onFrame(buffered.subarray(4, 4 + size));
      buffered = buffered.subarray(4 + size);
    }
  };
}

const server = net.createServer((client) => {
  const upstream = net.connect(Number(brokerPort), brokerHost);
  const pending = new Map();
  client.on(
    "data",
    splitFrames((frame) => {
      const entry = {
        client: values.client,
        apiKey: frame.readInt16BE(0),
        apiVersion: frame.readInt16BE(2),
        request: frame.toString("hex"),
        response: null,
      };
      pending.set(frame.readInt32BE(4), entry);
      frames.push(entry);
    }),
  );
  upstream.on(
    "data",
    splitFrames((frame) => {
      const entry = pending.get(frame.readInt32BE(0));
      if (entry) entry.response = frame.toString("hex");
    }),
  );
  client.pipe(upstream);
  upstream.pipe(client);
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", end);
  upstream.on("error", end);
  client.on("close", end);
  upstream.on("close", end);
});
server.listen(Number(values.listen), "127.0.0.1", () =>
  console.error(`capturing on 127.0.0.1:${values.listen}`),
);

function save() {
  writeFileSync(values.out, `${JSON.stringify(frames, null, 1)}\n`);
  console.error(`wrote ${frames.length} frames to ${values.out}`);
  process.exit(0);
}
process.on("SIGTERM", save);
process.on("SIGINT", save);
