// Hands out producer ids from blocks claimed in PostgreSQL, as Kafka's ProducerIdManager does: one
// UPDATE per block instead of per id, and blocks never overlap, whichever broker claims them.
import type { PrismaClient } from "@streambed/db";

export class ProducerIdBlocks {
  private next = 0n;
  private end = 0n;
  /** The claim in flight; concurrent callers wait for it rather than each claiming a block. */
  private claiming: Promise<void> | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly blockSize: number,
    private readonly brokerId: number | null,
  ) {
    if (!Number.isInteger(blockSize) || blockSize < 1)
      throw new RangeError(`Invalid producer id block size ${blockSize}`);
  }

  async allocate(): Promise<bigint> {
    while (this.next >= this.end) {
      this.claiming ??= this.claimBlock().finally(() => {
        this.claiming = null;
      });
      await this.claiming;
    }
    const producerId = this.next;
    this.next += 1n;
    return producerId;
  }

  private async claimBlock(): Promise<void> {
    const size = BigInt(this.blockSize);
    // The first claim ever inserts the row; later ones move it on. Either way one row lock orders the claims.
    const [row] = await this.prisma.$queryRaw<{ end: bigint }[]>`
      INSERT INTO producer_id_block AS b (id, next_producer_id, claimed_by, updated_at)
      VALUES (1, ${size}, ${this.brokerId}, now())
      ON CONFLICT (id) DO UPDATE SET
        next_producer_id = b.next_producer_id + ${size}, claimed_by = EXCLUDED.claimed_by, updated_at = now()
      RETURNING next_producer_id AS end`;
    if (!row) throw new Error("Claiming a producer id block returned no row");
    this.next = row.end - size;
    this.end = row.end;
  }
}
