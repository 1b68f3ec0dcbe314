// Polling for what a broker or the console does in the background (a group member joining, an upload
// to object storage): read until a condition holds, failing with the last value read after 30 s.

const TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 250;

/** Reads until `done` holds and returns that value; `what` names what was awaited in the failure. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    value = await read();
  }
  return value;
}
