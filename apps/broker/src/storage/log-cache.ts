// The log cache: the most recent appends of every partition kept in memory for tailing fetches,
// under one byte budget, evicting the oldest appends (across all partitions) first.

/** One append's record batches, covering offsets [baseOffset, nextOffset). */
export interface CachedAppend {
  baseOffset: number;
  nextOffset: number;
  data: Buffer;
}

export interface LogCache {
  /** Adds a partition's newest append; appends of one partition arrive in offset order. */
  put(partitionKey: string, append: CachedAppend): void;
  /** The cached append holding `offset`, if it is still in memory. */
  get(partitionKey: string, offset: number): CachedAppend | undefined;
  /** Drops a partition's appends that end at or before `offset` (log start offset moved). */
  truncateBefore(partitionKey: string, offset: number): void;
  dropPartition(partitionKey: string): void;
  readonly sizeBytes: number;
  readonly budgetBytes: number;
}

interface Slot {
  partitionKey: string;
  /** null once evicted or dropped: the age queue may still hold the slot, not its bytes. */
  append: CachedAppend | null;
}

/** A queue with O(1) removal at the head, compacted as it drains. */
class SlotQueue {
  items: Slot[] = [];
  head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  at(index: number): Slot | undefined {
    return this.items[this.head + index];
  }

  push(slot: Slot): void {
    this.items.push(slot);
  }

  shift(): Slot | undefined {
    const slot = this.items[this.head];
    if (slot === undefined) return undefined;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return slot;
  }
}

export class MemoryLogCache implements LogCache {
  private readonly partitions = new Map<string, SlotQueue>();
  /** Every live slot in insertion order: the eviction order. */
  private readonly age = new SlotQueue();
  private bytes = 0;

  constructor(readonly budgetBytes: number) {}

  get sizeBytes(): number {
    return this.bytes;
  }

  put(partitionKey: string, append: CachedAppend): void {
    const slot: Slot = { partitionKey, append };
    let queue = this.partitions.get(partitionKey);
    if (!queue) {
      queue = new SlotQueue();
      this.partitions.set(partitionKey, queue);
    }
    queue.push(slot);
    this.age.push(slot);
    this.bytes += append.data.length;
    this.evict();
  }

  get(partitionKey: string, offset: number): CachedAppend | undefined {
    const queue = this.partitions.get(partitionKey);
    if (!queue || queue.length === 0) return undefined;
    let low = 0;
    let high = queue.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const append = queue.at(middle)!.append!;
      if (offset < append.baseOffset) high = middle - 1;
      else if (offset >= append.nextOffset) low = middle + 1;
      else return append;
    }
    return undefined;
  }

  truncateBefore(partitionKey: string, offset: number): void {
    const queue = this.partitions.get(partitionKey);
    while (queue && queue.length > 0 && queue.at(0)!.append!.nextOffset <= offset) {
      this.release(queue.shift()!);
    }
  }

  dropPartition(partitionKey: string): void {
    const queue = this.partitions.get(partitionKey);
    if (!queue) return;
    while (queue.length > 0) this.release(queue.shift()!);
    this.partitions.delete(partitionKey);
  }

  private evict(): void {
    while (this.bytes > this.budgetBytes) {
      const slot = this.age.shift();
      if (!slot) return;
      if (slot.append === null) continue;
      // A partition's slots enter in order and leave oldest first, so the evicted one is its head.
      const queue = this.partitions.get(slot.partitionKey)!;
      queue.shift();
      this.release(slot);
      if (queue.length === 0) this.partitions.delete(slot.partitionKey);
    }
  }

  private release(slot: Slot): void {
    if (slot.append === null) return;
    this.bytes -= slot.append.data.length;
    slot.append = null;
  }
}
