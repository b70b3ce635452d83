// Shared pieces of the link attack tests: what a victim's tile shows, page RTP counters, credentials, observation windows.
import type { Frame, Json } from './adversary';
import type { Peer } from './peer';
import { waitUntil } from './peer';

/** Mesh retry delay (renderer/src/rtc/mesh.ts RETRY_MS): a retry after a close shows up within this. */
export const MESH_RETRY_MS = 1500;
/** As `TIMEOUT_RETRIES` in renderer/src/rtc/mesh.ts: fresh offers after links of ours that timed out unproven. */
export const MESH_TIMEOUT_RETRIES = 2;
/** How long a test watches for something that must NOT happen after a refusal (a retry): two retry delays. */
export const NO_RETRY_WINDOW_MS = 2 * MESH_RETRY_MS + 500;

export interface TileView { conn: string; reason: string; hasStream: boolean }

/** The victim's tile for `name`: connection state, the reason line, and whether a remote stream is attached. */
export async function tileOf(p: Peer, name: string): Promise<TileView | null> {
  const tile = p.page.locator(`[data-testid="tile-peer"][data-name="${name}"]`);
  if (await tile.count() === 0) return null;
  return tile.first().evaluate((el) => ({
    conn: el.getAttribute('data-conn') ?? '',
    reason: el.querySelector('[data-testid="peer-reason"]')?.textContent ?? '',
    hasStream: Boolean((el.querySelector('video') as HTMLVideoElement | null)?.srcObject)
  }));
}

/**
 * Absence can only be observed over a window: true if `happened` became true within `windowMs`.
 * Used only for "no retry after a refusal", with a window derived from the mesh's retry delay.
 */
export async function happensWithin(happened: () => boolean | Promise<boolean>, windowMs = NO_RETRY_WINDOW_MS): Promise<boolean> {
  try {
    await waitUntil(happened, windowMs, 'observation window');
    return true;
  } catch {
    return false;
  }
}

export interface PageRtp { pcs: number; live: number; bytesSent: number; bytesReceived: number; packetsSent: number; packetsReceived: number }

/** RTP audio+video counters over every RTCPeerConnection this page ever made (window.__veilPcs, see bridge.ts). */
export async function pageRtp(p: Peer): Promise<PageRtp> {
  return p.page.evaluate(async () => {
    const out = { pcs: 0, live: 0, bytesSent: 0, bytesReceived: 0, packetsSent: 0, packetsReceived: 0 };
    const pcs = (window as unknown as { __veilPcs: RTCPeerConnection[] }).__veilPcs;
    for (const pc of pcs) {
      out.pcs++;
      if (pc.connectionState === 'closed') continue;
      // A link is a connection negotiated with someone; the spare one gathering ICE ahead of the next link has no
      // remote description, sends nothing and can reach no one until a verified answer is applied to it.
      if (pc.remoteDescription !== null) out.live++;
      (await pc.getStats()).forEach((s: { type: string; bytesSent?: number; bytesReceived?: number; packetsSent?: number; packetsReceived?: number }) => {
        if (s.type === 'outbound-rtp') { out.bytesSent += s.bytesSent ?? 0; out.packetsSent += s.packetsSent ?? 0; }
        if (s.type === 'inbound-rtp') { out.bytesReceived += s.bytesReceived ?? 0; out.packetsReceived += s.packetsReceived ?? 0; }
      });
    }
    return out;
  });
}

/**
 * The payload fields a page puts next to `to` and `signal` on its own offers/answers (today `attestation`;
 * a binding scheme may use another name): the adversary attaches credentials under the same field.
 */
export function credentialFields(frames: Frame[]): string[] {
  for (const f of frames) {
    const p = f.args[0] as Json | undefined;
    const extra = Object.keys(p ?? {}).filter((k) => k !== 'to' && k !== 'signal');
    if (extra.length > 0) return extra;
  }
  return ['attestation'];
}

/** The credential object(s) an offer/answer payload carried, keyed by field. */
export function credentialsOf(payload: Json): Json {
  const p = payload;
  return Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'to' && k !== 'signal'));
}

const FP = /^sha-\d+ ([0-9A-F]{2}:)*[0-9A-F]{2}$/;

/**
 * A forgery from a genuine credential: every fingerprint replaced by `fp`, every identity key by `identityKey`,
 * a `role` field set to `role`, sender/recipient fields swapped, and every signature/MAC-looking field (name matching sig/mac/tag) with one character
 * changed: it is refused only if the signature or MAC is really checked.
 */
export function forgeCredential(genuine: unknown, fp: string, identityKey: string, role: string): unknown {
  if (Array.isArray(genuine)) return genuine.map((g) => forgeCredential(g, fp, identityKey, role));
  if (!genuine || typeof genuine !== 'object') return genuine;
  const out: Json = {};
  // The genuine one is the victim's own (victim → peer): a forgery claiming to come from the peer names the reverse.
  const src = { ...(genuine as Json) };
  for (const k of Object.keys(src)) {
    const pair = k.replace(/^sender/, 'recipient');
    if (pair !== k && pair in src) [src[k], src[pair]] = [src[pair], src[k]];
  }
  for (const [k, v] of Object.entries(src)) {
    if (typeof v === 'string' && FP.test(v)) out[k] = fp;
    else if (k === 'role' && typeof v === 'string') out[k] = role;
    else if (typeof v === 'string' && /identitykey/i.test(k)) out[k] = identityKey;
    else if (typeof v === 'string' && /sig|mac|tag/i.test(k) && v.length > 4) out[k] = v.slice(0, 3) + (v[3] === 'A' ? 'B' : 'A') + v.slice(4);
    else out[k] = forgeCredential(v, fp, identityKey, role);
  }
  return out;
}

export interface CredentialRequest { roomId: string; peerIdentityKey: string; role: string; localFp: string; remoteFp: string }

/**
 * A script in the page obtains a credential for a certificate of its choosing through window.veil: the link binding
 * API when the build has one (`veil.link.bind(roomId, peerIdentityKey, role, localFp, remoteFp)`), else the
 * DTLS attestation signer (`veil.dtls.sign(roomId, fp)`). Resolves with the IPC result as the page saw it.
 */
export async function credentialFromPage(p: Peer, req: CredentialRequest): Promise<{ ok: boolean; value?: unknown; error?: unknown; via: string }> {
  return p.page.evaluate(async (r) => {
    const veil = (window as unknown as { veil: Record<string, Record<string, (...a: unknown[]) => Promise<{ ok: boolean; value?: unknown; error?: unknown }>> | undefined> }).veil;
    if (veil.link?.bind) return { ...await veil.link.bind(r.roomId, r.peerIdentityKey, r.role, r.localFp, r.remoteFp), via: 'link.bind' };
    return { ...await veil.dtls!.sign!(r.roomId, r.localFp), via: 'dtls.sign' };
  }, req);
}

/** Back to the lobby from wherever a test left the page; a pending key-change warning outlives leaving, so reload. */
export async function leaveIfInCall(p: Peer): Promise<void> {
  if (await p.page.getByTestId('key-change-modal').count()) return p.reload();
  if (await p.page.getByTestId('leave').count()) await p.leave();
}
