// Which leader epoch wrote which offsets (Kafka's leader-epoch checkpoint): each epoch's start
// offset, rebuilt from the batches' partitionLeaderEpoch, answering OffsetForLeaderEpoch.

export interface EpochStart {
  epoch: number;
  startOffset: number;
}

export interface EpochEndOffset {
  /** -1 (UNDEFINED_EPOCH) when unknown. */
  leaderEpoch: number;
  /** -1 (UNDEFINED_EPOCH_OFFSET) when unknown. */
  endOffset: number;
}

const UNDEFINED = -1;

export class LeaderEpochCache {
  private entries: EpochStart[] = [];

  /** Records that `epoch` wrote from `startOffset`; epochs only grow, older ones are ignored. */
  assign(epoch: number, startOffset: number): void {
    const latest = this.entries.at(-1);
    if (epoch < 0 || (latest && latest.epoch >= epoch)) return;
    this.entries.push({ epoch, startOffset });
  }

  latestEpoch(): number {
    return this.entries.at(-1)?.epoch ?? UNDEFINED;
  }

  /** Kafka's LeaderEpochFileCache.endOffsetFor: the largest epoch ≤ the requested one and the
   *  offset where the next higher epoch starts (the log end offset for the latest epoch). */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEndOffset {
    if (requestedEpoch === UNDEFINED) return { leaderEpoch: UNDEFINED, endOffset: UNDEFINED };
    if (requestedEpoch === this.latestEpoch())
      return { leaderEpoch: requestedEpoch, endOffset: logEndOffset };
    const higher = this.entries.findIndex((entry) => entry.epoch > requestedEpoch);
    if (higher === -1) return { leaderEpoch: UNDEFINED, endOffset: UNDEFINED };
    const floor = this.entries[higher - 1];
    return { leaderEpoch: floor?.epoch ?? requestedEpoch, endOffset: this.entries[higher]!.startOffset };
  }

  /** The log start offset moved: epochs that ended before it are dropped, the one spanning it
   *  now starts there. */
  truncateFromStart(logStartOffset: number): void {
    let keepFrom = 0;
    while (keepFrom + 1 < this.entries.length && this.entries[keepFrom + 1]!.startOffset <= logStartOffset) {
      keepFrom += 1;
    }
    this.entries = this.entries.slice(keepFrom);
    const first = this.entries[0];
    if (first && first.startOffset < logStartOffset)
      this.entries[0] = { ...first, startOffset: logStartOffset };
  }

  snapshot(): EpochStart[] {
    return this.entries.map((entry) => ({ ...entry }));
  }
}
