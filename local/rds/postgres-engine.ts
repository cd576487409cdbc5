import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { freePort } from '../free-port.js';
import { type DataDirSnapshot, filesystemFrom, snapshotDataDir, snapshotFromTar } from './data-dir-snapshot.js';
import { templateDataDirTar } from './template-data-dir.js';

/*
 * One local database: a real Postgres (PGlite, Postgres compiled to WASM, in this process) reachable over the
 * Postgres wire on a loopback port, with continuous backups: a snapshot of its data directory (data-dir-snapshot.ts)
 * taken whenever its WAL position has moved since the last look. The state at time T is the newest dump taken
 * at or before T, so point-in-time restore is as fine as the look interval (1 s by default).
 */

/** The data directory at one moment. */
export interface EngineDump {
  /** Epoch ms from which the dump holds the state: the end of the last statement before the look, or the look when one was under way. */
  readonly at: number;
  readonly data: DataDirSnapshot;
}

export interface PostgresEngineOptions {
  readonly host: string;
  /** Start from this data directory (a snapshot or a point-in-time dump); empty otherwise. */
  readonly restoreFrom?: DataDirSnapshot;
  /** How often the WAL position is read (a dump follows when it moved). 0: no continuous backups. */
  readonly backupIntervalMs: number;
  /** How long dumps are kept (the backup retention period); older ones go, except the base of the window. */
  readonly retentionMs: number;
  readonly log?: (line: string) => void;
}

/**
 * Postgres settings every engine starts with, beside PGlite's own: Postgres's shared memory is zeroed at each start
 * (emscripten's mmap), so 128 MB of shared_buffers cost ~0.1-0.2 CPU-s and 60 MB per engine; a local database's pages
 * are in MEMFS anyway.
 */
export const ENGINE_SETTINGS = { shared_buffers: '16MB' } as const;

/** Dumps kept per engine (each costs the 8 KB pages written since the engine's last snapshot): past this, older points in time coarsen. */
export const MAX_DUMPS_PER_ENGINE = 60;

/**
 * Drops dumps until at most `max` are left, each time the one whose neighbours are closest together (so the window
 * stays covered, just more coarsely where it was densest); the first (the window's base) and the last always stay.
 */
export function thinDumps<T extends { readonly at: number }>(dumps: T[], max: number): void {
  while (dumps.length > Math.max(2, max)) {
    let drop = 1;
    for (let index = 2; index < dumps.length - 1; index += 1) {
      if (dumps[index + 1]!.at - dumps[index - 1]!.at < dumps[drop + 1]!.at - dumps[drop - 1]!.at) drop = index;
    }
    dumps.splice(drop, 1);
  }
}

/** The empty data directory (see template-data-dir.ts) as a snapshot, once per process. */
let freshDataDirs: Promise<DataDirSnapshot> | undefined;

function freshDataDir(pglite: typeof PGlite): Promise<DataDirSnapshot> {
  freshDataDirs ??= templateDataDirTar(pglite)
    .then(snapshotFromTar)
    .catch((error: unknown) => {
      freshDataDirs = undefined;
      throw error;
    });
  return freshDataDirs;
}

/** What the engine's callers did since the last look at the WAL. */
interface EngineActivity {
  /** A statement ran (or started) since the last look. */
  ran: boolean;
  inFlight: number;
  /** Epoch ms the last statement ended. */
  lastSettledAt: number;
}

/** PGlite's ways in: a statement can move the WAL only through one of these. */
const STATEMENT_ENTRIES = new Set<PropertyKey>(['query', 'exec', 'sql', 'transaction', 'execProtocol', 'execProtocolRaw', 'execProtocolRawStream', 'execProtocolStream', 'runExclusive', 'listen']);

/**
 * The database as its servers and callers use it, noting whenever a statement is run or in flight: a look at the WAL
 * (a query of its own, ~3 ms of CPU) is only needed after one, so an idle engine's continuous backup costs nothing.
 */
function watched(db: PGlite, activity: EngineActivity): PGlite {
  return new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!STATEMENT_ENTRIES.has(property)) return value.bind(target);
      return (...args: unknown[]) => {
        activity.ran = true;
        activity.inFlight += 1;
        const settled = () => {
          activity.ran = true;
          activity.inFlight -= 1;
          activity.lastSettledAt = Date.now();
        };
        try {
          const result: unknown = value.apply(target, args);
          if (result instanceof Promise) return result.finally(settled);
          settled();
          return result;
        } catch (error) {
          settled();
          throw error;
        }
      };
    },
  });
}

export class PostgresEngine {
  private readonly dumps: EngineDump[] = [];
  private lastLsn: string | undefined;
  /** Epoch ms up to which the dumps hold every write (the last look at the WAL). */
  private confirmedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private backupRunning: Promise<void> | undefined;
  /** The engine's newest snapshot (a dump or a manual snapshot, or what it started from): the next one shares its unchanged pages. */
  private lastSnapshot: DataDirSnapshot | undefined;

  private constructor(
    /** The database, watched (see `watched`): use this, not PGlite itself, so its backups see every statement. */
    readonly db: PGlite,
    private readonly raw: PGlite,
    private readonly activity: EngineActivity,
    private readonly server: PGLiteSocketServer,
    readonly address: string,
    readonly port: number,
    private readonly options: PostgresEngineOptions,
  ) {}

  /** Starts PGlite (a few seconds: the WASM compiles) and its wire server; loaded only when a database is made. */
  static async start(options: PostgresEngineOptions): Promise<PostgresEngine> {
    const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
    const startFrom = options.restoreFrom ?? (await freshDataDir(PGlite));
    // The data directory is in place before PGlite looks for one: no initdb, no tar.
    const settings = Object.entries(ENGINE_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
    const raw = await PGlite.create({ fs: await filesystemFrom(startFrom), startParams: [...PGlite.defaultStartParams, ...settings] });
    const activity: EngineActivity = { ran: false, inFlight: 0, lastSettledAt: 0 };
    const db = watched(raw, activity);
    const port = await freePort(options.host);
    // Clients share the one PGlite connection; the server queues their queries (see docs/local-rds.md).
    const server = new PGLiteSocketServer({ db, host: options.host, port, maxConnections: 16 });
    await server.start();
    const engine = new PostgresEngine(db, raw, activity, server, options.host, port, options);
    // The first backup is what the engine started from: nothing has run on it yet, so no dump is needed.
    engine.lastSnapshot = startFrom;
    await engine.backUp(startFrom);
    engine.scheduleBackups();
    return engine;
  }

  /** The newest state at or before `at`, or undefined when the dumps start later. */
  stateAt(at: number): EngineDump | undefined {
    return this.dumps.findLast((dump) => dump.at <= at);
  }

  get earliestRestorableAt(): number | undefined {
    return this.dumps[0]?.at;
  }

  get latestRestorableAt(): number | undefined {
    return this.dumps.length === 0 ? undefined : this.confirmedAt;
  }

  /** The data directory now (a snapshot), sharing the last dump's copy of every unchanged file. */
  async dumpNow(): Promise<DataDirSnapshot> {
    // Under PGlite's query lock, as its own dumpDataDir: no statement is half done.
    return this.raw._runExclusiveQuery(async () => {
      await this.raw._checkReady(); // a concurrent stop may have closed it first
      this.lastSnapshot = snapshotDataDir(this.raw, this.lastSnapshot);
      return this.lastSnapshot;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.backupRunning;
    await this.server.stop();
    await this.raw.close();
  }

  private scheduleBackups(): void {
    if (this.options.backupIntervalMs <= 0 || this.stopped) return;
    this.timer = setTimeout(() => {
      this.backupRunning = this.backUp()
        .catch((error: unknown) => this.options.log?.(`local RDS: backup of the engine on port ${this.port} failed: ${(error as Error).message}`))
        .finally(() => this.scheduleBackups());
    }, this.options.backupIntervalMs);
    this.timer.unref();
  }

  /** Dumps when the WAL moved since the last look (the first look takes `initial`, the data the engine started from). */
  private async backUp(initial?: DataDirSnapshot): Promise<void> {
    if (this.stopped) return;
    const at = Date.now();
    // Nothing ran since the last look, and nothing is running: the WAL cannot have moved.
    if (initial === undefined && !this.activity.ran && this.activity.inFlight === 0 && this.dumps.length > 0) {
      this.confirmedAt = at;
      this.prune(at);
      return;
    }
    this.activity.ran = false;
    // With nothing in flight, the state is the same from the last statement's end until now: label the dump with
    // that end, so a restore to any time in between (a whole second, say) gets it, not the dump before.
    const quietSince = this.activity.inFlight === 0 ? Math.max(this.activity.lastSettledAt, this.dumps.at(-1)?.at ?? 0) : at;
    const lsn = (await this.raw.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]?.lsn;
    if (lsn !== this.lastLsn || this.dumps.length === 0) {
      const data = initial ?? (await this.dumpNow());
      this.dumps.push({ at: initial === undefined ? Math.min(quietSince, at) : at, data });
      this.lastLsn = lsn;
    }
    this.confirmedAt = at;
    this.prune(at);
  }

  private prune(now: number): void {
    const windowStart = now - this.options.retentionMs;
    // Keep the newest dump before the window: it is the state at the window's start.
    while (this.dumps.length > 1 && this.dumps[1]!.at <= windowStart) this.dumps.shift();
    thinDumps(this.dumps, MAX_DUMPS_PER_ENGINE);
  }
}
