// Runs the external clients of the compatibility tests (kcat, the Debian Python clients) as child
// processes and turns their output into values: whole runs, streamed JSON lines, and JSON results.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** Debian's interpreter, which has `confluent_kafka` and `kafka` (kafka-python); the one on PATH may not. */
export const python = "/usr/bin/python3";

/** The folder of the Python client scripts driven by python.test.ts and durability.test.ts. */
export const pythonScripts = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "clients",
  "python",
);

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** Runs a command to completion (killing it after `timeoutMs`) and collects its output. */
export function runCommand(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

/** Like runCommand, but a non-zero exit (or a kill) is an error carrying stderr. */
export async function runChecked(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${result.code ?? result.signal}:\n${result.stderr}\n${result.stdout}`,
    );
  }
  return result.stdout;
}

/** Runs kcat against a broker; `-b` is added in front of `args`. */
export function kcat(bootstrap: string, args: string[], options: RunOptions = {}): Promise<string> {
  return runChecked("kcat", ["-b", bootstrap, ...args], options);
}

/** Parses newline-delimited JSON, skipping blank lines. */
export function parseJsonLines<T>(text: string): T[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

/** Output unbuffered (lines arrive as printed); no __pycache__ written beside the scripts. */
const pythonEnvironment = { PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" };

function scriptArgs(script: string, input: unknown): string[] {
  return [path.join(pythonScripts, script), JSON.stringify(input)];
}

/**
 * Runs one of the Python scripts with its parameters as a JSON argument and returns the JSON
 * object the script printed last on stdout.
 */
export async function runPython<T>(script: string, input: unknown, options: RunOptions = {}): Promise<T> {
  const stdout = await runChecked(python, scriptArgs(script, input), {
    timeoutMs: 90_000,
    ...options,
    env: { ...pythonEnvironment, ...options.env },
  });
  const lines = parseJsonLines<T>(stdout);
  if (lines.length === 0) throw new Error(`${script} printed no JSON`);
  return lines[lines.length - 1]!;
}

/** A Python script running in the background whose JSON lines are collected as they arrive. */
export class PythonStream<T> {
  readonly lines: T[] = [];
  readonly exited: Promise<CommandResult>;
  private readonly child: ChildProcess;
  private readonly listeners = new Set<() => void>();

  constructor(script: string, input: unknown) {
    const child = spawn(python, scriptArgs(script, input), {
      env: { ...process.env, ...pythonEnvironment },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const stderr: string[] = [];
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
    const reader = createInterface({ input: child.stdout! });
    reader.on("line", (line) => {
      if (line.trim() === "") return;
      this.lines.push(JSON.parse(line) as T);
      for (const listener of this.listeners) listener();
    });
    const closed = new Promise<void>((resolve) => reader.once("close", () => resolve()));
    this.exited = new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code, signal) => {
        closed.then(() => resolve({ code, signal, stdout: "", stderr: stderr.join("") }));
      });
    });
  }

  /** Resolves once `predicate` holds for the lines so far; rejects if the script exits first. */
  waitFor(predicate: (lines: T[]) => boolean, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (predicate(this.lines)) done();
      };
      const timer = setTimeout(
        () => done(new Error(`timed out after ${timeoutMs} ms with ${this.lines.length} lines`)),
        timeoutMs,
      );
      this.listeners.add(check);
      this.exited.then((result) => {
        if (!predicate(this.lines))
          done(new Error(`script exited (${result.code}) early:\n${result.stderr}`));
      });
      check();
    });
  }

  kill(): void {
    this.child.kill("SIGKILL");
  }
}

/** A topic (or group) name unique to this run, so tests sharing a broker never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Polls `probe` until it returns a value other than undefined. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ""}`);
}
