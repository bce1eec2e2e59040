/**
 * Ids for processes and tasks come from blocks reserved in
 * flowlane_sequence, so a step can write all its rows in multi-row
 * INSERTs without RETURNING and know every id (for tokens and links)
 * before anything is written. A block reserved inside a transaction that
 * rolls back is dropped, never reused.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { DialectName } from './connect.ts';

export const ID_BLOCK = 1000;

export class IdAllocator {
  private next = 0;
  private end = 0;
  /** Set while the current block was reserved by a transaction that has not committed yet. */
  private uncommitted = false;
  /** The reservation in flight: concurrent steps that run out wait for one block, not one each. */
  private reserving: Promise<void> | undefined;

  /** `db` is where server databases reserve blocks: `OpenDatabase.sequence`. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    private readonly blockSize = ID_BLOCK,
  ) {}

  /** Takes `count` ids, reserving a new block with `trx` when the current one runs out. */
  async take(trx: Kysely<Database>, count: number): Promise<number[]> {
    const ids: number[] = [];
    while (ids.length < count) {
      if (this.next < this.end) {
        ids.push(this.next++);
        continue;
      }
      this.reserving ??= this.reserve(trx, Math.max(this.blockSize, count - ids.length)).finally(() => {
        this.reserving = undefined;
      });
      await this.reserving;
    }
    return ids;
  }

  committed(): void {
    this.uncommitted = false;
  }

  rolledBack(): void {
    if (this.uncommitted) {
      this.next = this.end = 0;
      this.uncommitted = false;
    }
  }

  /** SQLite has one connection, so the block is reserved in the step's own
   * transaction (and dropped if it rolls back). Server databases reserve it
   * in a statement of its own that commits at once, on a connection of its
   * own: no step holds the sequence row locked, no other step can share a
   * block that vanishes, and steps holding every pooled connection while
   * they need ids cannot starve the reservation. */
  private async reserve(trx: Kysely<Database>, size: number): Promise<void> {
    let last: number;
    if (this.dialect === 'sqlite') {
      last = await this.bump(trx, size);
      this.uncommitted = true;
    } else if (this.dialect === 'mysql') {
      last = await this.db.connection().execute(async (conn) => {
        await sql`update flowlane_sequence set next_id = last_insert_id(next_id + ${size}) where name = 'id'`.execute(conn);
        const row = await sql<{ id: number }>`select last_insert_id() as id`.execute(conn);
        return Number(row.rows[0]!.id);
      });
    } else {
      last = await this.bump(this.db, size);
    }
    this.next = last - size;
    this.end = last;
  }

  private async bump(db: Kysely<Database>, size: number): Promise<number> {
    const row = await sql<{ next_id: number }>`update flowlane_sequence set next_id = next_id + ${size} where name = 'id' returning next_id`.execute(db);
    return Number(row.rows[0]!.next_id);
  }
}
