// Counts failed authentications per client address in fixed one-minute windows; an address that
// reaches the limit is refused outright (without checking credentials) for the rest of its window.
const WINDOW_MS = 60_000;

interface Window {
  startedAt: number;
  failures: number;
}

export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly maxFailuresPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `address` has used up its failures for the current minute. */
  isBlocked(address: string): boolean {
    const window = this.current(address);
    return window !== undefined && window.failures >= this.maxFailuresPerMinute;
  }

  recordFailure(address: string): void {
    const window = this.current(address);
    if (window) window.failures++;
    else this.windows.set(address, { startedAt: this.now(), failures: 1 });
    this.forgetExpired();
  }

  /** Milliseconds until `address` may try again (0 when it may now). */
  retryAfterMs(address: string): number {
    const window = this.current(address);
    if (!window || window.failures < this.maxFailuresPerMinute) return 0;
    return window.startedAt + WINDOW_MS - this.now();
  }

  private current(address: string): Window | undefined {
    const window = this.windows.get(address);
    if (window && this.now() - window.startedAt >= WINDOW_MS) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }

  /** Keeps the map from growing with every address ever seen. */
  private forgetExpired(): void {
    if (this.windows.size < 1024) return;
    const now = this.now();
    for (const [address, window] of this.windows) {
      if (now - window.startedAt >= WINDOW_MS) this.windows.delete(address);
    }
  }
}
