// Applies the room's media path (mesh or an SFU room) one at a time, latest wins, with a bound on how often a server can make us start an SFU call.
import type { RoomPath } from '../../../protocol/sfu';

/** SFU calls we start per window at most: each makes main's call keys, a frame worker and Janus sessions. */
export const SFU_STARTS_PER_WINDOW = 4;
export const SFU_START_WINDOW_MS = 60_000;

export interface PathPacerDeps {
  /** Applies one path (never two at once). */
  apply(path: RoomPath | undefined): Promise<void>;
  /** A move to an SFU room is held for `ms`: the server moved the room more often than the bound. */
  held(ms: number): void;
  failed(err: unknown): void;
  now?: () => number;
}

/** The same path again (a token refresh) is no move; `undefined` and `mesh` are the mesh. */
function keyOf(path: RoomPath | undefined): string {
  return path?.path === 'sfu' ? `sfu ${path.url} ${path.room}` : 'mesh';
}

/**
 * The mesh is always applied at once (its links are pairwise authenticated and already up); a move to an SFU room
 * waits when `SFU_STARTS_PER_WINDOW` moves happened in the last `SFU_START_WINDOW_MS`, and is then made with the
 * latest path the server gave. An honest server moves a room at most twice per `SFU_MIN_DWELL_MS` (default 60 s).
 */
export class PathPacer {
  private running: Promise<void> | null = null;
  private next: { path: RoomPath | undefined } | null = null;
  private applied: string | null = null;
  private starts: number[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly d: PathPacerDeps) { this.now = d.now ?? Date.now; }

  /** Resolves once every path offered so far has been applied, or held. */
  offer(path: RoomPath | undefined): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.next = { path };
    this.running ??= this.drain().finally(() => { this.running = null; });
    return this.running;
  }

  close(): void {
    this.closed = true;
    this.next = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async drain(): Promise<void> {
    while (this.next && !this.closed) {
      const { path } = this.next;
      const key = keyOf(path);
      if (key !== this.applied && key !== 'mesh') {
        const now = this.now();
        this.starts = this.starts.filter((t) => now - t < SFU_START_WINDOW_MS);
        if (this.starts.length >= SFU_STARTS_PER_WINDOW) return this.hold(this.starts[0]! + SFU_START_WINDOW_MS - now);
        this.starts.push(now);
      }
      this.next = null;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.applied = key;
      await this.d.apply(path).catch((err: unknown) => this.d.failed(err));
    }
  }

  private hold(ms: number): void {
    if (this.timer) return;
    this.d.held(ms);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.next) void this.offer(this.next.path);
    }, ms);
  }
}
