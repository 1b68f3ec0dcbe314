// Benchmark of the broker's schema registry (registration, idempotent re-registration, lookups by id,
// compatibility checks) and of produce-time schema validation, against one broker on `deps.js`'s
// PostgreSQL + S3. Prints a table per part, then one JSON line. Run: npx jiti apps/broker/bench/schema-registry.ts

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { Agent, request } from "node:http";
import net from "node:net";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CompressionTypes, Kafka, logLevel, type Producer } from "kafkajs";

const USAGE = `Usage: npm run bench:schemas -- [options] [-- broker flags]

Starts PostgreSQL + S3 (apps/broker/dist/deps.js) and one broker, then measures its schema registry
and produce-time schema validation. Build first: npm run build.

Options:
  --parts <list>                 registration,lookup,compatibility,produce (default: all)
  --schemas <n>                  schemas registered per registration run (default 2000)
  --subjects <n>                 subjects they are spread over (default 100)
  --in-flight <n>                concurrent requests of the concurrent runs (default 8)
  --requests <n>                 requests per lookup run (default 1000)
  --compatibility-versions <n>   versions of the subject checked against (default 50)
  --compatibility-requests <n>   checks per compatibility level (default 300)
  --produce-seconds <s>          measured time per produce run (default 6)
  --batch-records <n>            records per send, one batch (default 500)
  --value-bytes <n>              bytes per record value, wire-format header included (default 200)
  --produce-in-flight <n>        concurrent sends (default 1)
  --partitions <n>               partitions per topic; sends rotate over them (default 1)
  --wal <file|object>            the broker's WAL (default file)
  --broker-arg=<flag>            a broker flag (repeatable); everything after a bare -- is passed too
  -h, --help                     this text
`;

const PARTS = ["registration", "lookup", "compatibility", "produce"] as const;
type Part = (typeof PARTS)[number];
// The harness chooses these; a broker flag naming one would point the broker elsewhere.
const HARNESS_FLAGS = [
  "--listen",
  "--http-listen",
  "--data-dir",
  "--wal",
  "--database-url",
  "--s3-endpoint",
  "--bucket",
  "--s3-region",
];

interface Options {
  parts: Part[];
  schemas: number;
  subjects: number;
  inFlight: number;
  requests: number;
  compatibilityVersions: number;
  compatibilityRequests: number;
  produceSeconds: number;
  batchRecords: number;
  valueBytes: number;
  produceInFlight: number;
  partitions: number;
  wal: "file" | "object";
  brokerArgs: string[];
}

function parseOptions(argv: string[]): Options | "help" {
  const separator = argv.indexOf("--");
  const own = separator === -1 ? argv : argv.slice(0, separator);
  const passed = separator === -1 ? [] : argv.slice(separator + 1);
  const { values } = parseArgs({
    args: own,
    options: {
      parts: { type: "string", default: PARTS.join(",") },
      schemas: { type: "string", default: "2000" },
      subjects: { type: "string", default: "100" },
      "in-flight": { type: "string", default: "8" },
      requests: { type: "string", default: "1000" },
      "compatibility-versions": { type: "string", default: "50" },
      "compatibility-requests": { type: "string", default: "300" },
      "produce-seconds": { type: "string", default: "6" },
      "batch-records": { type: "string", default: "500" },
      "value-bytes": { type: "string", default: "200" },
      "produce-in-flight": { type: "string", default: "1" },
      partitions: { type: "string", default: "1" },
      wal: { type: "string", default: "file" },
      "broker-arg": { type: "string", multiple: true, default: [] },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  const positive = (flag: keyof typeof values, minimum = 1): number => {
    const value = Number(values[flag]);
    if (!Number.isFinite(value) || value < minimum) {
      throw new Error(`--${flag} must be a number of at least ${minimum}, not "${values[flag]}"`);
    }
    return value;
  };
  const parts = String(values.parts)
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  for (const part of parts) {
    if (!(PARTS as readonly string[]).includes(part)) {
      throw new Error(`--parts: unknown part "${part}" (known: ${PARTS.join(", ")})`);
    }
  }
  if (values.wal !== "file" && values.wal !== "object") throw new Error(`--wal must be file or object`);
  const brokerArgs = [...values["broker-arg"], ...passed];
  const refused = brokerArgs.find((arg) => HARNESS_FLAGS.includes(arg.split("=")[0] ?? ""));
  if (refused) throw new Error(`${refused}: the benchmark sets this broker flag itself`);
  return {
    parts: parts as Part[],
    schemas: Math.floor(positive("schemas")),
    subjects: Math.floor(positive("subjects")),
    inFlight: Math.floor(positive("in-flight")),
    requests: Math.floor(positive("requests")),
    compatibilityVersions: Math.floor(positive("compatibility-versions")),
    compatibilityRequests: Math.floor(positive("compatibility-requests")),
    produceSeconds: positive("produce-seconds", 0.1),
    batchRecords: Math.floor(positive("batch-records")),
    valueBytes: Math.floor(positive("value-bytes", 16)),
    produceInFlight: Math.floor(positive("produce-in-flight")),
    partitions: Math.floor(positive("partitions")),
    wal: values.wal,
    brokerArgs,
  };
}

function progress(message: string): void {
  process.stderr.write(`[schema-registry bench] ${message}\n`);
}

// --- Processes: deps.js and the broker, each in its own process group so that a Ctrl-C in the
// terminal reaches only the benchmark, which stops the broker before its database and bucket.

const brokerDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BROKER_MAIN = path.join(brokerDirectory, "dist", "main.js");
const DEPS_MAIN = path.join(brokerDirectory, "dist", "deps.js");

interface Dependencies {
  databaseUrl: string;
  s3: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string };
}

interface Harness {
  directory: string;
  children: { name: string; child: ChildProcess }[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function logTail(file: string, characters = 4000): string {
  try {
    const text = readFileSync(file, "utf8");
    return text.length <= characters ? text : `[...]\n${text.slice(-characters)}`;
  } catch {
    return "(no output)";
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function startDependencies(harness: Harness): Promise<Dependencies> {
  const logFile = path.join(harness.directory, "deps.log");
  const child = spawn(
    process.execPath,
    [
      DEPS_MAIN,
      "--data-dir",
      path.join(harness.directory, "deps"),
      "--postgres-port",
      "0",
      "--s3-port",
      "0",
      "--json",
    ],
    { stdio: ["ignore", "pipe", openSync(logFile, "a")], detached: true },
  );
  harness.children.push({ name: "deps.js", child });
  const stdout = child.stdout;
  if (!stdout) throw new Error("deps.js has no stdout");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`deps.js not ready after 120 s:\n${logTail(logFile)}`)),
      120_000,
    );
    const lines = createInterface({ input: stdout });
    let first = true;
    lines.on("line", (line) => {
      if (!first) {
        // Keep draining so deps.js never blocks on a full pipe.
        appendFileSync(logFile, `${line}\n`);
        return;
      }
      first = false;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as Dependencies);
      } catch (error) {
        reject(new Error(`unexpected output from deps.js: ${line}`, { cause: error }));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`deps.js exited (${signal ?? code}):\n${logTail(logFile)}`));
    });
  });
}

interface Broker {
  bootstrap: string;
  httpPort: number;
  logFile: string;
  child: ChildProcess;
}

async function startBroker(harness: Harness, dependencies: Dependencies, options: Options): Promise<Broker> {
  const port = await freePort();
  const httpPort = await freePort();
  const logFile = path.join(harness.directory, "broker.log");
  const { DATABASE_URL: _database, STREAMBED_DATABASE_URL: _streambed, ...environment } = process.env;
  const child = spawn(
    process.execPath,
    [
      BROKER_MAIN,
      "--listen",
      `127.0.0.1:${port}`,
      "--http-listen",
      `127.0.0.1:${httpPort}`,
      "--data-dir",
      path.join(harness.directory, "broker"),
      "--database-url",
      dependencies.databaseUrl,
      "--s3-endpoint",
      dependencies.s3.endpoint,
      "--bucket",
      dependencies.s3.bucket,
      "--s3-region",
      dependencies.s3.region,
      "--wal",
      options.wal,
      "--log-level",
      "warn",
      // Last, so that e.g. a --log-level given here wins.
      ...options.brokerArgs,
    ],
    {
      stdio: ["ignore", openSync(logFile, "a"), openSync(logFile, "a")],
      detached: true,
      env: {
        ...environment,
        AWS_ACCESS_KEY_ID: dependencies.s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: dependencies.s3.secretAccessKey,
      },
    },
  );
  harness.children.push({ name: "broker", child });
  const broker = { bootstrap: `127.0.0.1:${port}`, httpPort, logFile, child };
  await waitReady(broker);
  return broker;
}

/** /health answers before the Kafka listener, and Metadata names no controller before the first cluster view. */
async function waitReady(broker: Broker): Promise<void> {
  const deadline = Date.now() + 90_000;
  const failIfExited = () => {
    if (exited(broker.child)) {
      throw new Error(
        `broker exited (${broker.child.signalCode ?? broker.child.exitCode}):\n${logTail(broker.logFile)}`,
      );
    }
  };
  for (;;) {
    failIfExited();
    if (Date.now() > deadline) throw new Error(`broker not healthy after 90 s:\n${logTail(broker.logFile)}`);
    const health = await httpJson(broker.httpPort, "GET", "/health").catch(() => undefined);
    if (health?.status === 200) break;
    await sleep(200);
  }
  const admin = kafka(broker).admin();
  try {
    for (;;) {
      failIfExited();
      if (Date.now() > deadline)
        throw new Error(`broker names no controller after 90 s:\n${logTail(broker.logFile)}`);
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.controller !== null && cluster.controller >= 0) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function stopChild(name: string, child: ChildProcess): Promise<void> {
  if (exited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      progress(`${name} did not stop within 60 s of SIGTERM: SIGKILL`);
      child.kill("SIGKILL");
    }, 60_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

let cleaning: Promise<void> | undefined;

/** Stops the broker, then PostgreSQL and S3, and deletes the directory; once, however often called. */
function cleanUp(harness: Harness): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, child } of [...harness.children].reverse()) await stopChild(name, child);
    rmSync(harness.directory, { recursive: true, force: true });
  })();
  return cleaning;
}

// --- HTTP: keep-alive connections to the broker's HTTP listener.

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const REGISTRY_TYPE = "application/vnd.schemaregistry.v1+json";

interface HttpAnswer {
  status: number;
  body: unknown;
}

function httpJson(port: number, method: string, requestPath: string, body?: unknown): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path: requestPath,
        agent,
        headers: {
          accept: `${REGISTRY_TYPE}, application/json`,
          ...(payload && { "content-type": REGISTRY_TYPE, "content-length": payload.length }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = text === "" ? undefined : JSON.parse(text);
          } catch {
            // not JSON: the text itself, for the error message
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
      },
    );
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
}

/** A registry request that must succeed; its answer's body. */
async function registry(
  broker: Broker,
  method: string,
  requestPath: string,
  body?: unknown,
): Promise<unknown> {
  const answer = await httpJson(broker.httpPort, method, requestPath, body);
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`${method} ${requestPath}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

function registeredId(body: unknown): number {
  const id = (body as { id?: unknown } | undefined)?.id;
  if (typeof id !== "number") throw new Error(`registration answered no id: ${JSON.stringify(body)}`);
  return id;
}

// --- Measurement

interface Latency {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function summarize(latencies: number[]): Latency {
  const sorted = [...latencies].sort((a, b) => a - b);
  const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
  return {
    p50Ms: round(percentile(0.5)),
    p95Ms: round(percentile(0.95)),
    p99Ms: round(percentile(0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
  };
}

interface Timed {
  seconds: number;
  latencies: number[];
}

/** Runs operation(0 … count-1) with `inFlight` of them at a time; the latency of each. */
async function measure(
  count: number,
  inFlight: number,
  operation: (index: number) => Promise<void>,
): Promise<Timed> {
  const latencies: number[] = [];
  let next = 0;
  let failed = false;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(inFlight, count) }, async () => {
      while (next < count && !failed) {
        const index = next++;
        const at = performance.now();
        try {
          await operation(index);
        } catch (error) {
          failed = true;
          throw error;
        }
        latencies.push(performance.now() - at);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies };
}

interface RequestRow extends Latency {
  operation: string;
  inFlight: number;
  requests: number;
  perSecond: number;
}

function requestRow(operation: string, inFlight: number, timed: Timed): RequestRow {
  return {
    operation,
    inFlight,
    requests: timed.latencies.length,
    perSecond: Math.round(timed.latencies.length / timed.seconds),
    ...summarize(timed.latencies),
  };
}

// --- Schemas: Avro records whose versions add optional fields with defaults, so that every
// version is compatible with every other one in both directions (FULL_TRANSITIVE passes).

function avroRecord(name: string, optionalFields: number): string {
  const fields: object[] = [{ name: "id", type: "string" }];
  for (let field = 1; field <= optionalFields; field++) {
    fields.push({ name: `field${field}`, type: ["null", "string"], default: null });
  }
  return JSON.stringify({ type: "record", name, namespace: "bench.schemas", fields });
}

interface Registered {
  subject: string;
  schema: string;
  id: number;
}

/**
 * Registers `count` distinct schemas round-robin over the subjects (registration i: subject i mod
 * subjects, version i div subjects + 1), so that concurrent requests mostly name different subjects.
 */
async function registerMany(
  broker: Broker,
  prefix: string,
  count: number,
  subjects: number,
  inFlight: number,
  registered: Registered[],
): Promise<Timed> {
  return measure(count, inFlight, async (index) => {
    const subjectIndex = index % subjects;
    const subject = `${prefix}-${subjectIndex}`;
    const schema = avroRecord(
      `${prefix.replaceAll("-", "_")}_${subjectIndex}`,
      Math.floor(index / subjects) + 1,
    );
    const id = registeredId(
      await registry(broker, "POST", `/subjects/${encodeURIComponent(subject)}/versions`, { schema }),
    );
    registered.push({ subject, schema, id });
  });
}

async function registrationPart(
  broker: Broker,
  options: Options,
  registered: Registered[],
): Promise<RequestRow[]> {
  const rows: RequestRow[] = [];
  for (const inFlight of [1, options.inFlight]) {
    progress(
      `registering ${options.schemas} schemas over ${options.subjects} subjects, ${inFlight} in flight`,
    );
    const timed = await registerMany(
      broker,
      `registration-${inFlight}`,
      options.schemas,
      options.subjects,
      inFlight,
      registered,
    );
    rows.push(requestRow("register new schema", inFlight, timed));
  }
  const ids = new Set(registered.map((entry) => entry.id));
  if (ids.size !== registered.length) {
    throw new Error(`${registered.length} distinct schemas got only ${ids.size} distinct ids`);
  }
  return rows;
}

async function lookupPart(broker: Broker, options: Options, registered: Registered[]): Promise<RequestRow[]> {
  if (registered.length === 0) {
    progress(`registering ${options.subjects} schemas to look up (the registration part did not run)`);
    await registerMany(broker, "lookup", options.subjects, options.subjects, options.inFlight, registered);
  }
  const rows: RequestRow[] = [];
  for (const inFlight of [1, options.inFlight]) {
    progress(`re-registering registered schemas, ${inFlight} in flight`);
    const again = await measure(options.requests, inFlight, async (index) => {
      const entry = registered[(index * 7919) % registered.length] as Registered;
      const body = await registry(broker, "POST", `/subjects/${encodeURIComponent(entry.subject)}/versions`, {
        schema: entry.schema,
      });
      if (registeredId(body) !== entry.id) {
        throw new Error(
          `re-registration in ${entry.subject} answered id ${registeredId(body)}, not ${entry.id}`,
        );
      }
    });
    rows.push(requestRow("re-register (idempotent)", inFlight, again));
  }
  for (const inFlight of [1, options.inFlight]) {
    progress(`GET /schemas/ids/{id}, ${inFlight} in flight`);
    const byId = await measure(options.requests, inFlight, async (index) => {
      const entry = registered[(index * 7919) % registered.length] as Registered;
      const body = (await registry(broker, "GET", `/schemas/ids/${entry.id}`)) as { schema?: unknown };
      if (typeof body.schema !== "string") throw new Error(`GET /schemas/ids/${entry.id} answered no schema`);
    });
    rows.push(requestRow("GET /schemas/ids/{id}", inFlight, byId));
  }
  return rows;
}

interface CompatibilityRow extends Latency {
  level: string;
  versions: number;
  requests: number;
  perSecond: number;
  compatible: boolean;
}

async function compatibilityPart(broker: Broker, options: Options): Promise<CompatibilityRow[]> {
  const subject = "compatibility-subject";
  const encoded = encodeURIComponent(subject);
  const versions = options.compatibilityVersions;
  progress(`registering ${versions} versions of ${subject}`);
  // Registered under FULL_TRANSITIVE, so the subject is what that level allows.
  await registry(broker, "PUT", `/config/${encoded}`, { compatibility: "FULL_TRANSITIVE" });
  for (let version = 1; version <= versions; version++) {
    await registry(broker, "POST", `/subjects/${encoded}/versions`, {
      schema: avroRecord("Compatibility", version),
    });
  }
  const candidate = { schema: avroRecord("Compatibility", versions + 1) };
  const rows: CompatibilityRow[] = [];
  for (const level of ["BACKWARD", "FULL_TRANSITIVE"]) {
    await registry(broker, "PUT", `/config/${encoded}`, { compatibility: level });
    progress(`${options.compatibilityRequests} compatibility checks at ${level}`);
    let compatible = true;
    const timed = await measure(options.compatibilityRequests, 1, async () => {
      const body = (await registry(
        broker,
        "POST",
        `/compatibility/subjects/${encoded}/versions?verbose=true`,
        candidate,
      )) as { is_compatible?: unknown };
      if (body.is_compatible !== true) compatible = false;
    });
    const { operation: _operation, inFlight: _inFlight, ...measured } = requestRow(level, 1, timed);
    rows.push({ level, versions, ...measured, compatible });
  }
  return rows;
}

// --- Produce: kafkajs, acks=-1, one batch of `batchRecords` per send, values in Confluent's wire
// format (magic byte 0, 4-byte schema id) followed by an Avro-encoded { sequence: long, note: string }.

const PRODUCE_SCHEMA = JSON.stringify({
  type: "record",
  name: "BenchRecord",
  namespace: "bench.produce",
  fields: [
    { name: "sequence", type: "long" },
    { name: "note", type: "string" },
  ],
});

function kafka(broker: Broker, level = logLevel.ERROR): Kafka {
  return new Kafka({
    clientId: "schema-registry-bench",
    brokers: [broker.bootstrap],
    logLevel: level,
    retry: { retries: 5 },
  });
}

/** Avro's long/int encoding of a non-negative number: zigzag (2n), then base-128 varint. */
function avroVarint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value * 2;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

function wireValue(schemaId: number, sequence: number, note: string): Buffer {
  const noteBytes = Buffer.from(note, "latin1");
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([
    header,
    Buffer.from(avroVarint(sequence)),
    Buffer.from(avroVarint(noteBytes.length)),
    noteBytes,
  ]);
}

interface ProduceRow {
  topic: string;
  validation: boolean;
  compression: string;
  sends: number;
  records: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  sendP50Ms: number;
  sendP99Ms: number;
  sendMaxMs: number;
  batchesChecked: number;
  batchesDecompressed: number;
  batchesRefused: number;
}

interface SchemaValidationStats {
  batchesChecked: number;
  batchesDecompressed: number;
  batchesRefused: number;
}

async function schemaValidationStats(broker: Broker): Promise<SchemaValidationStats> {
  const answer = await httpJson(broker.httpPort, "GET", "/stats");
  const stats = (answer.body as { schemaValidation?: SchemaValidationStats } | undefined)?.schemaValidation;
  if (answer.status !== 200 || !stats)
    throw new Error(`GET /stats has no schemaValidation: HTTP ${answer.status}`);
  return stats;
}

/** Whether the broker refuses a one-record batch (any error counts: kafkajs does not retry INVALID_RECORD). */
async function refuses(producer: Producer, topic: string, value: Buffer): Promise<boolean> {
  try {
    await producer.send({ topic, acks: -1, messages: [{ partition: 0, value }] });
    return false;
  } catch {
    return true;
  }
}

interface ValidationChecks {
  unframedValueRefused: boolean;
  unknownSchemaIdRefused: boolean;
  plainTopicAcceptsUnframed: boolean;
}

/** Proof that validation is on where it should be and off elsewhere; refusals are expected, so not logged. */
async function checkValidation(broker: Broker): Promise<ValidationChecks> {
  const producer = kafka(broker, logLevel.NOTHING).producer({
    allowAutoTopicCreation: false,
    retry: { retries: 0 },
  });
  await producer.connect();
  try {
    const unframed = Buffer.from("not in the wire format");
    return {
      unframedValueRefused: await refuses(producer, "validated", unframed),
      unknownSchemaIdRefused: await refuses(producer, "validated", wireValue(2 ** 31 - 1, 0, "unknown id")),
      plainTopicAcceptsUnframed: !(await refuses(producer, "plain", unframed)),
    };
  } finally {
    await producer.disconnect();
  }
}

async function produceRun(
  broker: Broker,
  producer: Producer,
  topic: { name: string; validation: boolean },
  compression: { name: string; type: CompressionTypes },
  schemaId: number,
  options: Options,
): Promise<ProduceRow> {
  const noteLength = Math.max(1, options.valueBytes - 5 - 4 - 2);
  let sequence = 0;
  let sendIndex = 0;
  let latencies: number[] = [];
  // Fresh random text per record: reused values would let gzip shrink a batch to almost nothing.
  const send = async (): Promise<number> => {
    const partition = sendIndex++ % options.partitions;
    const text = randomBytes(Math.ceil((noteLength * 3) / 4) * options.batchRecords).toString("base64");
    const messages = Array.from({ length: options.batchRecords }, (_, index) => ({
      partition,
      value: wireValue(schemaId, sequence++, text.slice(index * noteLength, (index + 1) * noteLength)),
    }));
    const bytes = messages.reduce((sum, message) => sum + message.value.length, 0);
    const at = performance.now();
    await producer.send({ topic: topic.name, acks: -1, compression: compression.type, messages });
    latencies.push(performance.now() - at);
    return bytes;
  };
  for (let warmup = 0; warmup < 3; warmup++) await send();
  latencies = [];
  const before = await schemaValidationStats(broker);
  let bytes = 0;
  const started = performance.now();
  const deadline = started + options.produceSeconds * 1000;
  await Promise.all(
    Array.from({ length: options.produceInFlight }, async () => {
      while (performance.now() < deadline) bytes += await send();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await schemaValidationStats(broker);
  const latency = summarize(latencies);
  const records = latencies.length * options.batchRecords;
  return {
    topic: topic.name,
    validation: topic.validation,
    compression: compression.name,
    sends: latencies.length,
    records,
    recordsPerSecond: Math.round(records / seconds),
    megabytesPerSecond: round(bytes / seconds / 1e6, 1),
    sendP50Ms: latency.p50Ms,
    sendP99Ms: latency.p99Ms,
    sendMaxMs: latency.maxMs,
    batchesChecked: after.batchesChecked - before.batchesChecked,
    batchesDecompressed: after.batchesDecompressed - before.batchesDecompressed,
    batchesRefused: after.batchesRefused - before.batchesRefused,
  };
}

interface ProduceResult extends ValidationChecks {
  schemaId: number;
  rows: ProduceRow[];
}

async function producePart(broker: Broker, options: Options): Promise<ProduceResult> {
  const topics = [
    { name: "plain", validation: false },
    { name: "validated", validation: true },
  ];
  const client = kafka(broker);
  const admin = client.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({
        topic: topic.name,
        numPartitions: options.partitions,
        configEntries: topic.validation ? [{ name: "confluent.value.schema.validation", value: "true" }] : [],
      })),
    });
  } finally {
    await admin.disconnect();
  }
  // One schema, registered under both value subjects, so the two topics differ only in the config.
  let schemaId = 0;
  for (const topic of topics) {
    schemaId = registeredId(
      await registry(broker, "POST", `/subjects/${topic.name}-value/versions`, { schema: PRODUCE_SCHEMA }),
    );
  }
  const checks = await checkValidation(broker);
  if (!checks.unframedValueRefused || !checks.unknownSchemaIdRefused || !checks.plainTopicAcceptsUnframed) {
    progress(`WARNING: schema validation did not refuse/accept as configured: ${JSON.stringify(checks)}`);
  }
  const producer = client.producer({ allowAutoTopicCreation: false, retry: { retries: 2 } });
  await producer.connect();
  try {
    const rows: ProduceRow[] = [];
    const compressions = [
      { name: "none", type: CompressionTypes.None },
      { name: "gzip", type: CompressionTypes.GZIP },
    ];
    for (const compression of compressions) {
      for (const topic of topics) {
        progress(`producing to ${topic.name} (${compression.name}) for ${options.produceSeconds} s`);
        rows.push(await produceRun(broker, producer, topic, compression, schemaId, options));
      }
    }
    return { schemaId, ...checks, rows };
  } finally {
    await producer.disconnect();
  }
}

// --- Main

async function run(options: Options, harness: Harness): Promise<void> {
  progress(`starting PostgreSQL and S3 (deps.js) under ${harness.directory}`);
  const dependencies = await startDependencies(harness);
  progress(`starting the broker (--wal ${options.wal})`);
  const broker = await startBroker(harness, dependencies, options);
  const report: Record<string, unknown> = {
    benchmark: "schema-registry",
    cpus: cpus().length,
    node: process.version,
    options: { ...options },
  };
  const registered: Registered[] = [];
  const stillRunning = () => {
    if (exited(broker.child)) throw new Error(`the broker exited:\n${logTail(broker.logFile)}`);
  };
  if (options.parts.includes("registration")) {
    const rows = await registrationPart(broker, options, registered);
    console.log(
      `\nRegistration: ${options.schemas} distinct Avro schemas over ${options.subjects} subjects per run`,
    );
    console.table(rows);
    report.registration = rows;
    stillRunning();
  }
  if (options.parts.includes("lookup")) {
    const rows = await lookupPart(broker, options, registered);
    console.log(
      `\nRegistered schemas: re-registration in their subject and GET by id (${options.requests} each)`,
    );
    console.table(rows);
    report.lookup = rows;
    stillRunning();
  }
  if (options.parts.includes("compatibility")) {
    const rows = await compatibilityPart(broker, options);
    console.log(
      `\nPOST /compatibility/subjects/{s}/versions?verbose=true against ${options.compatibilityVersions} versions`,
    );
    console.table(rows);
    report.compatibility = rows;
    stillRunning();
  }
  if (options.parts.includes("produce")) {
    const result = await producePart(broker, options);
    console.log(
      `\nProduce (kafkajs, acks=-1, ${options.batchRecords} records of ${options.valueBytes} B per send, ` +
        `${options.produceInFlight} send(s) in flight, ${options.produceSeconds} s each); ` +
        `validation refuses unframed: ${result.unframedValueRefused}, unknown id: ${result.unknownSchemaIdRefused}`,
    );
    console.table(result.rows);
    const comparison = ["none", "gzip"].map((compression) => {
      const of = (validation: boolean) =>
        result.rows.find((row) => row.compression === compression && row.validation === validation);
      const plain = of(false)?.recordsPerSecond ?? 0;
      const validated = of(true)?.recordsPerSecond ?? 0;
      return {
        compression,
        plainRecordsPerSecond: plain,
        validatedRecordsPerSecond: validated,
        changePercent: plain > 0 ? round(((validated - plain) / plain) * 100, 1) : 0,
      };
    });
    console.log("\nValidated vs plain topic");
    console.table(comparison);
    report.produce = { ...result, comparison };
    stillRunning();
  }
  console.log(JSON.stringify(report));
}

async function main(): Promise<number> {
  let options: Options | "help";
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  for (const file of [BROKER_MAIN, DEPS_MAIN]) {
    if (!existsSync(file)) {
      process.stderr.write(`${file} is missing: run \`npm run build\` first\n`);
      return 2;
    }
  }
  const directory = mkdtempSync(path.join(tmpdir(), "streambed-bench-schemas-"));
  // The embedded PostgreSQL runs as user postgres when we are root: it must enter the directory.
  chmodSync(directory, 0o755);
  mkdirSync(path.join(directory, "broker"));
  const harness: Harness = { directory, children: [] };
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // A second Ctrl-C: do not wait for orderly stops.
      for (const { child } of harness.children) if (!exited(child)) child.kill("SIGKILL");
      rmSync(directory, { recursive: true, force: true });
      process.exit(130);
    }
    interrupted = true;
    progress(`${signal}: stopping the broker and PostgreSQL/S3 (again to kill them)`);
    void cleanUp(harness).finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await run(options, harness);
    return 0;
  } catch (error) {
    if (interrupted) return 130;
    process.stderr.write(`schema-registry bench failed: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  } finally {
    progress("stopping the broker and PostgreSQL/S3");
    await cleanUp(harness);
  }
}

process.exitCode = await main();
agent.destroy();
