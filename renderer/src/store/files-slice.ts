// Files slice: every transfer of this room (both directions) with its progress, smoothed speed and ETA, plus offer notices.
import type { StateCreator } from 'zustand';

/**
 * out: preparing (hashing) → waiting (offer sent, for the accept) → sending → done; paused while the link is down.
 * in:  offered → receiving → verified → saved; paused while the link to the sender is down.
 * Both end in declined / cancelled / failed otherwise.
 */
export type TransferUiState = 'offered' | 'preparing' | 'waiting' | 'sending' | 'receiving' | 'paused' | 'verified' | 'saved'
  | 'done' | 'declined' | 'cancelled' | 'failed';

export const FINAL_STATES: ReadonlySet<TransferUiState> = new Set(['saved', 'done', 'declined', 'cancelled', 'failed', 'verified']);

export interface RateSample { at: number; bytes: number }

export interface TransferEntry {
  /** The transfer id (base64url), or a local id while the file is still being prepared. */
  id: string;
  direction: 'in' | 'out';
  /** The peer's identity key. */
  peer: string;
  peerName: string;
  name: string;
  size: number;
  state: TransferUiState;
  /** out: bytes the recipient acknowledged as verified; in: bytes verified here. */
  bytesDone: number;
  /** Bytes per second, smoothed; 0 until measured. */
  speed: number;
  etaSeconds: number | null;
  error?: string;
  /** Informational status next to the state ("waiting for connection"). */
  note?: string;
  /** When bytes started to flow (accept), ms; for the UI and benchmarks. */
  startedAt?: number;
  finishedAt?: number;
  /** Last point the speed was measured from. */
  sample?: RateSample;
}

export interface FileNotice { id: number; transferId: string; text: string }

export interface FilesSlice {
  transfers: Record<string, TransferEntry>;
  fileNotices: FileNotice[];
  /** `all` or one peer identity key: who a picked file goes to. */
  fileRecipient: string;
  addTransfer(t: TransferEntry): void;
  /** Swaps a preparing row (local id) for the real transfer, keeping its place in the list. */
  replaceTransfer(oldId: string, t: TransferEntry): void;
  patchTransfer(id: string, patch: Partial<TransferEntry>): void;
  setTransferProgress(id: string, bytesDone: number, now: number): void;
  pushFileNotice(transferId: string, text: string): void;
  dismissFileNotice(id: number): void;
  setFileRecipient(value: string): void;
  clearFiles(): void;
}

/** Speed is measured over at least this long, so one burst of chunks does not read as a spike. */
export const RATE_WINDOW_MS = 250;
/** Weight of the newest measurement in the exponential moving average. */
export const RATE_SMOOTHING = 0.3;

/** Next speed and ETA from a new byte count; pure, so the math is testable on its own. */
export function nextRate(t: Pick<TransferEntry, 'size' | 'speed' | 'sample'>, bytesDone: number, now: number):
  { speed: number; etaSeconds: number | null; sample: RateSample } {
  const eta = (speed: number) => (speed > 0 ? Math.max(0, Math.ceil((t.size - bytesDone) / speed)) : null);
  if (!t.sample) return { speed: t.speed, etaSeconds: eta(t.speed), sample: { at: now, bytes: bytesDone } };
  const dt = now - t.sample.at;
  if (dt < RATE_WINDOW_MS) return { speed: t.speed, etaSeconds: eta(t.speed), sample: t.sample };
  const instant = (Math.max(0, bytesDone - t.sample.bytes) * 1000) / dt;
  const speed = t.speed > 0 ? t.speed * (1 - RATE_SMOOTHING) + instant * RATE_SMOOTHING : instant;
  return { speed, etaSeconds: eta(speed), sample: { at: now, bytes: bytesDone } };
}

let noticeSeq = 0;
const MAX_NOTICES = 5;

export const createFilesSlice: StateCreator<FilesSlice, [], [], FilesSlice> = (set) => ({
  transfers: {},
  fileNotices: [],
  fileRecipient: 'all',
  addTransfer: (t) => set((s) => ({ transfers: { ...s.transfers, [t.id]: t } })),
  replaceTransfer: (oldId, t) => set((s) => ({
    transfers: Object.fromEntries(Object.entries(s.transfers).map(([id, x]) => (id === oldId ? [t.id, t] : [id, x])))
  })),
  patchTransfer: (id, patch) => set((s) => {
    const prev = s.transfers[id];
    return prev ? { transfers: { ...s.transfers, [id]: { ...prev, ...patch } } } : s;
  }),
  setTransferProgress: (id, bytesDone, now) => set((s) => {
    const prev = s.transfers[id];
    if (!prev) return s;
    return { transfers: { ...s.transfers, [id]: { ...prev, bytesDone, ...nextRate(prev, bytesDone, now) } } };
  }),
  pushFileNotice: (transferId, text) => set((s) => ({ fileNotices: [...s.fileNotices.slice(1 - MAX_NOTICES), { id: ++noticeSeq, transferId, text }] })),
  dismissFileNotice: (id) => set((s) => ({ fileNotices: s.fileNotices.filter((n) => n.id !== id) })),
  setFileRecipient: (value) => set({ fileRecipient: value }),
  clearFiles: () => set({ transfers: {}, fileNotices: [], fileRecipient: 'all' })
});
