// Sizes and flow-control numbers of file transfer, shared by main and renderer so both enforce the same bounds.
export const FILE_LIMITS = {
  /** Plaintext bytes per chunk (the manifest carries it; receivers accept the range below). */
  chunkBytes: 64 * 1024,
  minChunkBytes: 4 * 1024,
  maxChunkBytes: 192 * 1024,
  maxNameLength: 255,
  maxMimeLength: 127,
  /** Default of the `maxFileBytes` setting, and the most it may be set to. */
  defaultMaxFileBytes: 4 * 1024 ** 3,
  hardMaxFileBytes: 64 * 1024 ** 3,
  /** The smallest `maxFileBytes` setting accepted (1 MiB). */
  minMaxFileBytes: 1024 * 1024,
  /** One offer (manifest ‖ signature) is small; anything larger is refused before parsing. */
  maxOfferBytes: 2048,
  maxRecipients: 32,
  /**
   * Transfers main keeps at once for our own work: prepares, our sends and offers we accepted. Unanswered incoming
   * offers do not count (they have their own quota below), so peers cannot lock us out of sending.
   */
  maxTransfers: 64,
  /** Unanswered incoming offers held per (room, sender) and in all; one more is refused as `over-quota` at once. */
  maxPendingOffersPerPeer: 4,
  maxPendingOffers: 16,
  /** Sender may run at most this many chunks ahead of the receiver's last ack (8 MiB at 64 KiB): bounds receiver memory. */
  windowChunks: 128,
  /** Receiver acks every this many verified chunks (and at the end). */
  ackEveryChunks: 16,
  /** Data-channel backpressure: stop sending above `highWater` buffered bytes, resume at `lowWater`. */
  highWaterBytes: 4 * 1024 * 1024,
  lowWaterBytes: 1024 * 1024,
  /** Port requests one transfer keeps in flight to main. */
  portPipeline: 8,
  /**
   * An incoming offer nobody answers is dropped after this long: a person answers a prompt within a minute or two,
   * and a short life frees the quota soon after a flood. The sender may offer again.
   */
  offerTtlMs: 3 * 60 * 1000,
  /**
   * A recipient that opened every chunk waits this long for the sender's signed final message (sent right after the
   * last chunk), then fails the transfer: a file is never kept without it.
   */
  finalWaitMs: 60 * 1000,
  /** A prepared file (picked, dropped or pasted) not offered is dropped after this long. */
  prepareTtlMs: 30 * 60 * 1000
} as const;

/** The negotiated (no in-band announcement) data channel for file chunks, created by both sides on every link. */
export const FILES_DATA_CHANNEL = { label: 'veil-files', id: 1000 } as const;
