// The leader's memory of where a partition's stored offsets live: blocks (object key, byte range,
// offset range) learned from its own commits and from PostgreSQL lookups, so that sequential
// catch-up reads do not ask PostgreSQL for every block. Bounded; a miss is answered by the catalog.

import type { StoredBlock } from "../storage/objects/object-catalog.js";

const DEFAULT_MAX_BLOCKS = 4096;

export class StoredBlockIndex {
  private blocks: StoredBlock[] = [];

  constructor(private readonly maxBlocks = DEFAULT_MAX_BLOCKS) {}

  get size(): number {
    return this.blocks.length;
  }

  /** The known block holding `offset`, if any. */
  find(offset: number): StoredBlock | undefined {
    const index = this.indexOf(offset);
    return index === -1 ? undefined : this.blocks[index];
  }

  /** Known blocks right after `block`, contiguous with it, at most `count` (read-ahead). */
  following(block: StoredBlock, count: number): StoredBlock[] {
    const found: StoredBlock[] = [];
    let index = this.indexOf(block.baseOffset);
    let end = block.endOffset;
    while (index !== -1 && found.length < count) {
      const next = this.blocks[index + 1];
      if (!next || next.baseOffset !== end) break;
      found.push(next);
      end = next.endOffset;
      index += 1;
    }
    return found;
  }

  /** Adds blocks (replacing known ones with the same base offset). */
  add(blocks: readonly StoredBlock[]): void {
    if (blocks.length === 0) return;
    const byBase = new Map(this.blocks.map((block) => [block.baseOffset, block]));
    for (const block of blocks) byBase.set(block.baseOffset, block);
    this.blocks = [...byBase.values()].sort((a, b) => a.baseOffset - b.baseOffset);
    // Overlaps mean a compaction replaced some blocks: the newest wins, older overlapping go.
    const kept: StoredBlock[] = [];
    for (const block of this.blocks) {
      const last = kept.at(-1);
      if (last && block.baseOffset < last.endOffset) {
        if (blocks.includes(block)) kept[kept.length - 1] = block;
        continue;
      }
      kept.push(block);
    }
    this.blocks = kept.length > this.maxBlocks ? kept.slice(kept.length - this.maxBlocks) : kept;
  }

  /** Replaces `replaced` (compacted away) by `blocks`. */
  replace(replaced: readonly StoredBlock[], blocks: readonly StoredBlock[]): void {
    const gone = new Set(replaced.map((block) => `${block.objectId}@${block.baseOffset}`));
    this.blocks = this.blocks.filter((block) => !gone.has(`${block.objectId}@${block.baseOffset}`));
    this.add(blocks);
  }

  /** Forgets blocks that end at or before `offset` (the log start offset moved). */
  dropBefore(offset: number): void {
    let drop = 0;
    while (drop < this.blocks.length && this.blocks[drop]!.endOffset <= offset) drop += 1;
    if (drop > 0) this.blocks = this.blocks.slice(drop);
  }

  clear(): void {
    this.blocks = [];
  }

  private indexOf(offset: number): number {
    let low = 0;
    let high = this.blocks.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const block = this.blocks[middle]!;
      if (offset < block.baseOffset) high = middle - 1;
      else if (offset >= block.endOffset) low = middle + 1;
      else return middle;
    }
    return -1;
  }
}
