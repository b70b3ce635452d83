// Versioned binary envelope: 50-byte header (AAD), ChaCha20-Poly1305 body, optional Ed25519 signature; strict open order.
import type { CryptoBackend } from './backend';
import { concatBytes, readU64be, utf8 } from './bytes';
import { aeadOpen, aeadSeal, AEAD_TAG_BYTES, ed25519Verify } from './primitives';
import type { ReplayWindow } from './replay';
import { LABELS } from './signed';

export const ENVELOPE_VERSION = 1;
export const HEADER_BYTES = 50;
export const SIGNATURE_BYTES = 64;
export const FLAG_SIGNED = 0x01;
const KNOWN_FLAGS = FLAG_SIGNED;
const ENVELOPE_LABEL = utf8(LABELS.envelope);
export const OFFSETS = { version: 0, flags: 1, senderKeyId: 2, recipientKeyId: 18, counter: 34, sentAt: 42, body: 50 } as const;

export type RejectReason = 'signature' | 'replay' | 'stale' | 'revoked' | 'expired' | 'malformed' | 'wrong-recipient'
  | 'unknown-key' | 'decrypt-failed' | 'old-epoch';

export class EnvelopeRejected extends Error {
  constructor(readonly reason: RejectReason, message: string) {
    super(message);
    this.name = 'EnvelopeRejected';
  }
}

export interface EnvelopeHeader {
  version: number; signed: boolean; senderKeyId: Uint8Array; recipientKeyId: Uint8Array; counter: number; sentAt: number;
}

/** Writes a big-endian u64 (0 ≤ n ≤ 2^53 − 1, checked by the callers) at `offset`. */
function putU64be(out: Uint8Array, offset: number, n: number): void {
  const hi = Math.floor(n / 0x1_0000_0000);
  const lo = n >>> 0;
  out[offset] = hi >>> 24; out[offset + 1] = (hi >>> 16) & 0xff; out[offset + 2] = (hi >>> 8) & 0xff; out[offset + 3] = hi & 0xff;
  out[offset + 4] = lo >>> 24; out[offset + 5] = (lo >>> 16) & 0xff; out[offset + 6] = (lo >>> 8) & 0xff; out[offset + 7] = lo & 0xff;
}

function writeHeader(out: Uint8Array, h: Omit<EnvelopeHeader, 'version'>): void {
  if (h.senderKeyId.length !== 16 || h.recipientKeyId.length !== 16) throw new RangeError('key ids are 16 bytes');
  if (!Number.isSafeInteger(h.counter) || h.counter < 0) throw new RangeError('u64 out of range');
  if (!Number.isSafeInteger(h.sentAt) || h.sentAt < 0) throw new RangeError('u64 out of range');
  out[OFFSETS.version] = ENVELOPE_VERSION;
  out[OFFSETS.flags] = h.signed ? FLAG_SIGNED : 0;
  out.set(h.senderKeyId, OFFSETS.senderKeyId);
  out.set(h.recipientKeyId, OFFSETS.recipientKeyId);
  putU64be(out, OFFSETS.counter, h.counter);
  putU64be(out, OFFSETS.sentAt, h.sentAt);
}

export function encodeHeader(h: Omit<EnvelopeHeader, 'version'>): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  writeHeader(out, h);
  return out;
}

/** 96-bit nonce = 4 zero bytes ‖ counter (u64 BE): unique because each direction has its own key and the counter only grows. */
export function nonceFor(counter: number): Uint8Array {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError('u64 out of range');
  const out = new Uint8Array(12);
  putU64be(out, 4, counter);
  return out;
}

export interface SealInput {
  sendKey: Uint8Array; counter: number; sentAt: number; senderKeyId: Uint8Array; recipientKeyId: Uint8Array;
  /** The sender's identity seed when envelopes are signed. */
  signingSeed?: Uint8Array;
}

export function sealEnvelope(backend: CryptoBackend, input: SealInput, plaintext: Uint8Array): Uint8Array {
  if (input.senderKeyId.length !== 16 || input.recipientKeyId.length !== 16) throw new RangeError('key ids are 16 bytes');
  if (!Number.isSafeInteger(input.counter) || input.counter < 1) throw new RangeError('counter out of range');
  const signed = input.signingSeed !== undefined;
  // One allocation for the whole envelope: the header is written in place and used as the AAD from there.
  const out = new Uint8Array(HEADER_BYTES + plaintext.length + AEAD_TAG_BYTES + (signed ? SIGNATURE_BYTES : 0));
  const header = out.subarray(0, HEADER_BYTES);
  writeHeader(header, { signed, senderKeyId: input.senderKeyId, recipientKeyId: input.recipientKeyId, counter: input.counter, sentAt: input.sentAt });
  const body = aeadSeal('chacha20-poly1305', input.sendKey, nonceFor(input.counter), header, plaintext, backend);
  out.set(body, HEADER_BYTES);
  if (!input.signingSeed) return out;
  const sig = backend.ed25519Sign(concatBytes(ENVELOPE_LABEL, header, body), input.signingSeed);
  out.set(sig, HEADER_BYTES + body.length);
  return out;
}

export interface ParsedEnvelope { header: EnvelopeHeader; headerBytes: Uint8Array; body: Uint8Array; signature: Uint8Array | null }

/** Step 1 (version and structure). Throws EnvelopeRejected('malformed') on anything unexpected. */
export function parseEnvelope(bytes: Uint8Array, maxBytes: number): ParsedEnvelope {
  if (bytes.length > maxBytes) throw new EnvelopeRejected('malformed', 'envelope too large');
  if (bytes.length < 1 || bytes[0] !== ENVELOPE_VERSION) throw new EnvelopeRejected('malformed', 'unknown envelope version');
  if (bytes.length < HEADER_BYTES + AEAD_TAG_BYTES) throw new EnvelopeRejected('malformed', 'envelope truncated');
  const flags = bytes[OFFSETS.flags]!;
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new EnvelopeRejected('malformed', 'unknown envelope flags');
  const signed = (flags & FLAG_SIGNED) !== 0;
  if (signed && bytes.length < HEADER_BYTES + AEAD_TAG_BYTES + SIGNATURE_BYTES) throw new EnvelopeRejected('malformed', 'envelope truncated');
  const counter = readU64be(bytes, OFFSETS.counter);
  const sentAt = readU64be(bytes, OFFSETS.sentAt);
  if (counter === null || counter < 1 || sentAt === null) throw new EnvelopeRejected('malformed', 'counter or timestamp out of range');
  const end = signed ? bytes.length - SIGNATURE_BYTES : bytes.length;
  return {
    header: {
      version: ENVELOPE_VERSION, signed, counter, sentAt,
      senderKeyId: bytes.slice(OFFSETS.senderKeyId, OFFSETS.senderKeyId + 16),
      recipientKeyId: bytes.slice(OFFSETS.recipientKeyId, OFFSETS.recipientKeyId + 16)
    },
    headerBytes: bytes.subarray(0, HEADER_BYTES),
    body: bytes.subarray(HEADER_BYTES, end),
    signature: signed ? bytes.subarray(end) : null
  };
}

/** What the caller's key lookup (step 2) returns for an envelope it accepts as addressed to it. */
export interface ReceiveContext { recvKey: Uint8Array; window: ReplayWindow; peerIdentityKey: Uint8Array }

export interface OpenOptions {
  now: number; freshnessTtlMs: number; maxBytes: number; requireSignature: boolean;
  /** Step 2: recipient and sender-key lookup; throws EnvelopeRejected (wrong-recipient, unknown-key, revoked, expired). */
  resolve(header: EnvelopeHeader): ReceiveContext;
}

export interface OpenResult { plaintext: Uint8Array; header: EnvelopeHeader; commit(): void }

/**
 * Checks in order: version/structure, recipient (and sender key), cheap counter-jump bound, signature, freshness,
 * replay, AEAD. Returns the plaintext and a `commit` that records the counter; nothing changes unless commit is called.
 */
export function openEnvelope(backend: CryptoBackend, bytes: Uint8Array, opts: OpenOptions): OpenResult {
  const env = parseEnvelope(bytes, opts.maxBytes);
  const { header } = env;
  const ctx = opts.resolve(header);
  if (ctx.window.tooFarAhead(header.counter)) throw new EnvelopeRejected('replay', 'counter jumps too far ahead');
  if (env.signature) {
    const signedBytes = concatBytes(ENVELOPE_LABEL, env.headerBytes, env.body);
    if (!ed25519Verify(backend, env.signature, signedBytes, ctx.peerIdentityKey)) throw new EnvelopeRejected('signature', 'bad envelope signature');
  } else if (opts.requireSignature) {
    throw new EnvelopeRejected('signature', 'unsigned envelope');
  }
  if (Math.abs(opts.now - header.sentAt) > opts.freshnessTtlMs) throw new EnvelopeRejected('stale', 'envelope outside the freshness window');
  if (ctx.window.check(header.counter) !== 'ok') throw new EnvelopeRejected('replay', 'counter already seen or too old');
  const plaintext = aeadOpen('chacha20-poly1305', ctx.recvKey, nonceFor(header.counter), env.headerBytes, env.body, backend);
  if (!plaintext) throw new EnvelopeRejected('decrypt-failed', 'authentication failed');
  return { plaintext, header, commit: () => ctx.window.commit(header.counter) };
}

/** Bytes added to a plaintext: header + tag (+ signature). */
export function envelopeOverhead(signed: boolean): number {
  return HEADER_BYTES + AEAD_TAG_BYTES + (signed ? SIGNATURE_BYTES : 0);
}
