// Test harness for SFU media keys: peers with a captured key port, joined into one call, blobs routed between their mains.
import type { KeyPortMessage } from '../../../protocol/media-keys';
import type { MediaKeyOutgoing } from '../../../protocol/ipc-media';
import type { MediaKeyPortOpener } from '../../../main/media/key-port';
import { Clock, idOf, joinAll, makePeer, type Peer } from './harness';

export const ROOM = 'sfu-room';
/** Short enough that a test waits a few ticks for a switch, long enough that a slow machine still delivers first. */
export const SWITCH_MS = 40;
/** Our first key and a join's ratchet (receivers pre-derive it) switch sooner. */
export const QUICK_SWITCH_MS = 10;

export interface Member { name: string; peerId: string; identityKey: string; peer: Peer; port: KeyPortMessage[]; fromWorker: (data: unknown) => void }

/** A key port endpoint that keeps a structured-clone copy of every message, as Electron's port does; `fromWorker` plays the worker. */
export function capturedPort(): { messages: KeyPortMessage[]; opener: MediaKeyPortOpener; fromWorker: (data: unknown) => void } {
  const messages: KeyPortMessage[] = [];
  const handlers: ((data: unknown) => void)[] = [];
  return {
    messages,
    fromWorker: (data) => { for (const h of handlers) h(structuredClone(data)); },
    opener: async () => ({ post: (m) => { messages.push(structuredClone(m)); }, onMessage: (h) => { handlers.push(h); }, onClose: () => {}, close: () => {} })
  };
}

export async function makeMember(name: string, clock: Clock): Promise<Member> {
  const { messages, opener, fromWorker } = capturedPort();
  const peer = await makePeer(name, { clock, media: { openMediaKeyPort: opener, mediaKeySwitchDelayMs: SWITCH_MS, mediaKeyQuickSwitchDelayMs: QUICK_SWITCH_MS } });
  return { name, peerId: `peer-${name}-000`, identityKey: await idOf(peer), peer, port: messages, fromWorker };
}

/** Room keys and pairwise sessions between all, then each starts its call and opens its key port. */
export async function startCall(names: string[], clock = new Clock()): Promise<Member[]> {
  const members = await Promise.all(names.map((n) => makeMember(n, clock)));
  await joinAll(ROOM, members.map((m) => m.peer));
  for (const m of members) {
    await m.peer.call('media:startCall', ROOM, m.peerId);
    await m.peer.call('media:keyPort');
  }
  return members;
}

/** Delivers every blob of `out` (from `from`) to its recipient's main; returns what each recipient answered. */
export async function route(from: Member, out: MediaKeyOutgoing, all: Member[]): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const d of out.outgoing) {
    const to = all.find((m) => m.peerId === d.to);
    if (!to) throw new Error(`no member ${d.to}`);
    answers.push(await to.peer.call('media:receiveKey', ROOM, from.peerId, d.blob));
  }
  return answers;
}

/** Everyone tells its main about everyone else, then the blobs flow. */
export async function introduceAll(members: Member[]): Promise<void> {
  const sent: [Member, MediaKeyOutgoing][] = [];
  for (const a of members) {
    for (const b of members) if (a !== b) sent.push([a, await a.peer.call('media:memberJoined', ROOM, b.peerId, b.identityKey)]);
  }
  for (const [from, out] of sent) await route(from, out, members);
}

export const receiveKeys = (m: Member, senderId?: string) =>
  m.port.filter((x): x is Extract<KeyPortMessage, { type: 'set-receive-key' }> => x.type === 'set-receive-key' && (!senderId || x.senderId === senderId));
export const sendKeys = (m: Member) => m.port.filter((x): x is Extract<KeyPortMessage, { type: 'set-send-key' }> => x.type === 'set-send-key');
export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Polls (no fixed sleep) until `cond` holds. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
