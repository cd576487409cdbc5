export type Release = () => void;

/**
 * A first-come, first-served readers-writer lock. Item writes to a table share it; whole-table work (the snapshot
 * that starts PITR, a backup's scan, deleting a PITR table) holds it alone, so it sees no write half done.
 */
class SharedExclusiveLock {
  private sharedHolders = 0;
  private exclusiveHeld = false;
  private readonly waiting: Array<{ readonly exclusive: boolean; readonly grant: (release: Release) => void }> = [];

  acquire(exclusive: boolean): Promise<Release> {
    return new Promise((grant) => {
      this.waiting.push({ exclusive, grant });
      this.pump();
    });
  }

  get idle(): boolean {
    return this.sharedHolders === 0 && !this.exclusiveHeld && this.waiting.length === 0;
  }

  private pump(): void {
    for (;;) {
      const next = this.waiting[0];
      if (!next || this.exclusiveHeld || (next.exclusive && this.sharedHolders > 0)) return;
      this.waiting.shift();
      let released = false;
      if (next.exclusive) {
        this.exclusiveHeld = true;
        next.grant(() => {
          if (released) return;
          released = true;
          this.exclusiveHeld = false;
          this.pump();
        });
        return;
      }
      this.sharedHolders += 1;
      next.grant(() => {
        if (released) return;
        released = true;
        this.sharedHolders -= 1;
        this.pump();
      });
    }
  }
}

/** One SharedExclusiveLock per table name; several are always taken in name order, so two callers cannot deadlock. */
export class TableLocks {
  private readonly locks = new Map<string, SharedExclusiveLock>();

  shared(tables: Iterable<string>): Promise<Release> {
    return this.acquire(tables, false);
  }

  exclusive(tables: Iterable<string>): Promise<Release> {
    return this.acquire(tables, true);
  }

  private async acquire(tables: Iterable<string>, exclusive: boolean): Promise<Release> {
    const releases: Release[] = [];
    for (const table of [...new Set(tables)].sort()) {
      let lock = this.locks.get(table);
      if (!lock) this.locks.set(table, (lock = new SharedExclusiveLock()));
      releases.push(await lock.acquire(exclusive));
    }
    return () => {
      for (const release of releases.reverse()) release();
      for (const [table, lock] of this.locks) if (lock.idle) this.locks.delete(table);
    };
  }
}

/** Mutual exclusion per item: a journaled write and its read-back run alone on their key. */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async lock(keys: Iterable<string>): Promise<Release> {
    const releases: Release[] = [];
    for (const key of [...new Set(keys)].sort()) releases.push(await this.lockOne(key));
    return () => {
      for (const release of releases.reverse()) release();
    };
  }

  private lockOne(key: string): Promise<Release> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let unlock: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (unlock = resolve));
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    return previous.then(() => () => {
      unlock();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
  }
}
