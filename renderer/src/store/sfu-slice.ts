// SFU slice: whether the call runs through the room's Janus, and one entry per remote feed we show.
import type { StateCreator } from 'zustand';

export type SfuState = 'off' | 'connecting' | 'live' | 'failed' | 'closed';
/** `unproven` / `forged`: its frames open, but no signed digest of the member covers them / a digest names other frames (§22a). */
export type SfuFeedState = 'connecting' | 'waiting-key' | 'decrypting' | 'cannot-decrypt' | 'unproven' | 'forged';

export interface SfuFeedEntry {
  feedId: number;
  /** The member the feed claims to be (its Janus `display`): its frames open only under that member's keys. */
  peerId: string;
  state: SfuFeedState;
  /** Set only while its frames decrypt. */
  stream: MediaStream | null;
  /** Its video is held back by the video cap (audio still plays): the tile shows initials until the member speaks. */
  videoPaused?: boolean;
}

export interface SfuSlice {
  sfu: {
    state: SfuState; room: number | null; reason: string | null; send: 'waiting-key' | 'encrypting' | 'exhausted' | null;
    /** When the tokens in use expire (they are refreshed before). */
    expiresAt: number | null;
  };
  feeds: Record<number, SfuFeedEntry>;
  setSfu(patch: Partial<SfuSlice['sfu']>): void;
  upsertFeed(feed: SfuFeedEntry): void;
  removeFeed(feedId: number): void;
  clearSfu(): void;
}

const OFF: SfuSlice['sfu'] = { state: 'off', room: null, reason: null, send: null, expiresAt: null };

export const createSfuSlice: StateCreator<SfuSlice, [], [], SfuSlice> = (set) => ({
  sfu: OFF,
  feeds: {},
  setSfu: (patch) => set((s) => ({ sfu: { ...s.sfu, ...patch } })),
  upsertFeed: (feed) => set((s) => ({ feeds: { ...s.feeds, [feed.feedId]: feed } })),
  removeFeed: (feedId) => set((s) => {
    const { [feedId]: _gone, ...rest } = s.feeds;
    return { feeds: rest };
  }),
  clearSfu: () => set({ sfu: OFF, feeds: {} })
});
