// Where `users set` gets the new password: the environment variable `--password-env` names, or
// stdin — its first line when piped, typed twice without echo on a terminal. Never argv, which
// `ps` and shell history would keep.
import { UsageError } from "./cli-errors.js";

export interface PasswordSource {
  /** The environment variable holding the password, if the operator chose one. */
  environmentVariable?: string;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  /** Where prompts go (stderr, so stdout stays the command's output). */
  prompts: NodeJS.WriteStream;
}

export async function readNewPassword(user: string, source: PasswordSource): Promise<string> {
  let password: string;
  if (source.environmentVariable !== undefined) {
    const value = source.env[source.environmentVariable];
    if (value === undefined)
      throw new UsageError(`--password-env names ${source.environmentVariable}, which is not set`);
    password = value;
  } else if (source.stdin.isTTY) {
    password = await promptHidden(source, `New password for ${user}: `);
    const again = await promptHidden(source, "Retype it: ");
    if (again !== password) throw new UsageError("the two passwords differ");
  } else {
    password = firstLine(await readAll(source.stdin));
  }
  if (password === "") throw new UsageError(`no password for ${user}: the password must not be empty`);
  return password;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? "";
}

async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads one line in raw mode so that nothing typed is echoed. */
function promptHidden(source: PasswordSource, prompt: string): Promise<string> {
  const { stdin, prompts } = source;
  prompts.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = "";
    const finish = (error?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      prompts.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const character of data.toString("utf8")) {
        if (character === "\r" || character === "\n") return finish();
        if (character === "\u0003" || character === "\u0004")
          return finish(new UsageError("no password given: input was interrupted"));
        if (character === "\u007f" || character === "\b") typed = [...typed].slice(0, -1).join("");
        else typed += character;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}
