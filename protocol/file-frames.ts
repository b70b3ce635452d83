// Binary frames of encrypted file transfer: chunk frames on the data channel and request/reply frames on the renderer↔main port.
// Byte layouts are documented in docs/PROTOCOL.md ("File transfer"); every decoder returns null on anything malformed.

export const TRANSFER_ID_BYTES = 16;

/** Data-channel chunk frame: type u8 (0x01) ‖ transferId (16) ‖ attempt u32 BE ‖ index u32 BE ‖ ciphertext ‖ tag (16). */
export const CHUNK_FRAME_TYPE = 0x01;
export const CHUNK_FRAME_HEADER_BYTES = 25;
export const CHUNK_TAG_BYTES = 16;

export interface ChunkFrameHeader { transferId: Uint8Array; attempt: number; index: number }

const isU32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Writes the 25-byte chunk header at the start of `out` (which must be at least that long). */
export function writeChunkFrameHeader(out: Uint8Array, h: ChunkFrameHeader): void {
  if (h.transferId.length !== TRANSFER_ID_BYTES || !isU32(h.attempt) || !isU32(h.index)) throw new RangeError('bad chunk header');
  out[0] = CHUNK_FRAME_TYPE;
  out.set(h.transferId, 1);
  const v = view(out);
  v.setUint32(17, h.attempt);
  v.setUint32(21, h.index);
}

/** The header of a chunk frame, or null when the frame is not one (wrong type, shorter than header + tag). */
export function readChunkFrameHeader(frame: Uint8Array): ChunkFrameHeader | null {
  if (frame.length < CHUNK_FRAME_HEADER_BYTES + CHUNK_TAG_BYTES || frame[0] !== CHUNK_FRAME_TYPE) return null;
  const v = view(frame);
  return { transferId: frame.slice(1, 17), attempt: v.getUint32(17), index: v.getUint32(21) };
}

/**
 * Port frames between the renderer and main (an Electron MessagePort; a WebSocket in the browser test harness).
 * Request: op u8 ‖ reqId u32 ‖ transferId (16) ‖ attempt u32 ‖ index u32 ‖ payload.
 * Reply:   op|0x80 u8 ‖ reqId u32 ‖ status u8 ‖ payload (on error: UTF-8 message).
 */
export const PORT_OPS = {
  /* 0x01 was the version-1 prepare (hash) pass: not an op any more, so such a frame is not a request. */
  /** Seal plaintext chunk `index` of an outgoing transfer under `attempt`; the reply payload is the chunk frame. */
  seal: 0x02,
  /** Open a received chunk frame (payload = the whole frame; header fields of the request are zero). */
  open: 0x03,
  /**
   * Main reads chunk `index` of a file it opened itself (picked in its dialog or dropped) and seals it under `attempt`;
   * the request payload is empty and the reply payload is the chunk frame, so the page never holds the plaintext.
   */
  sealFromDisk: 0x04
} as const;
export type PortOp = (typeof PORT_OPS)[keyof typeof PORT_OPS];
export const PORT_REQUEST_HEADER_BYTES = 29;
export const PORT_REPLY_HEADER_BYTES = 6;
export const PORT_REPLY_FLAG = 0x80;

/** Port reply status: 0 is success; the rest name why, and say whether the transfer was aborted. */
export const PORT_STATUS = ['ok', 'not-found', 'decrypt-failed', 'out-of-order', 'hash-mismatch', 'too-large', 'bad-state',
  'stale-attempt', 'malformed', 'internal', 'file-changed'] as const;
export type PortStatus = (typeof PORT_STATUS)[number];

export interface PortRequest { op: PortOp; reqId: number; transferId: Uint8Array; attempt: number; index: number; payload: Uint8Array }
export interface PortReply { op: PortOp; reqId: number; status: PortStatus; payload: Uint8Array }

const OPS = new Set<number>(Object.values(PORT_OPS));

/** One allocation (header + payload), so the renderer can transfer its buffer instead of copying it again. */
export function encodePortRequest(r: PortRequest): Uint8Array {
  if (!OPS.has(r.op) || !isU32(r.reqId) || !isU32(r.attempt) || !isU32(r.index) || r.transferId.length !== TRANSFER_ID_BYTES) {
    throw new RangeError('bad port request');
  }
  const out = new Uint8Array(PORT_REQUEST_HEADER_BYTES + r.payload.length);
  out[0] = r.op;
  const v = view(out);
  v.setUint32(1, r.reqId);
  out.set(r.transferId, 5);
  v.setUint32(21, r.attempt);
  v.setUint32(25, r.index);
  out.set(r.payload, PORT_REQUEST_HEADER_BYTES);
  return out;
}

export function decodePortRequest(b: Uint8Array): PortRequest | null {
  if (b.length < PORT_REQUEST_HEADER_BYTES || !OPS.has(b[0]!)) return null;
  const v = view(b);
  return { op: b[0] as PortOp, reqId: v.getUint32(1), transferId: b.slice(5, 21), attempt: v.getUint32(21), index: v.getUint32(25),
    payload: b.subarray(PORT_REQUEST_HEADER_BYTES) };
}

/**
 * When the payload already sits right after `PORT_REPLY_HEADER_BYTES` free bytes at the start of its own buffer (a
 * sealed frame made with headroom), the header is written there and no copy is made; otherwise one allocation.
 */
export function encodePortReply(r: PortReply): Uint8Array {
  const status = PORT_STATUS.indexOf(r.status);
  if (!OPS.has(r.op) || !isU32(r.reqId) || status < 0) throw new RangeError('bad port reply');
  const p = r.payload;
  const inPlace = p.byteOffset === PORT_REPLY_HEADER_BYTES && p.buffer.byteLength === PORT_REPLY_HEADER_BYTES + p.length;
  const out = inPlace ? new Uint8Array(p.buffer, 0, PORT_REPLY_HEADER_BYTES + p.length) : new Uint8Array(PORT_REPLY_HEADER_BYTES + p.length);
  out[0] = r.op | PORT_REPLY_FLAG;
  view(out).setUint32(1, r.reqId);
  out[5] = status;
  if (!inPlace) out.set(p, PORT_REPLY_HEADER_BYTES);
  return out;
}

export function decodePortReply(b: Uint8Array): PortReply | null {
  if (b.length < PORT_REPLY_HEADER_BYTES || (b[0]! & PORT_REPLY_FLAG) === 0) return null;
  const op = b[0]! & ~PORT_REPLY_FLAG;
  const status = PORT_STATUS[b[5]!];
  if (!OPS.has(op) || !status) return null;
  return { op: op as PortOp, reqId: view(b).getUint32(1), status, payload: b.subarray(PORT_REPLY_HEADER_BYTES) };
}

/** Payload of a successful `open` reply: verifiedChunks u32 BE ‖ complete u8 (1 = every chunk verified and the SHA-256 matched). */
export interface OpenProgress { verifiedChunks: number; complete: boolean }

export function encodeOpenProgress(p: OpenProgress): Uint8Array {
  const out = new Uint8Array(5);
  view(out).setUint32(0, p.verifiedChunks);
  out[4] = p.complete ? 1 : 0;
  return out;
}

export function decodeOpenProgress(b: Uint8Array): OpenProgress | null {
  if (b.length !== 5 || b[4]! > 1) return null;
  return { verifiedChunks: view(b).getUint32(0), complete: b[4] === 1 };
}
