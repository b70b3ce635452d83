// UI actions: join/leave, media toggles, screen share and device switching, trust decisions.
import type { Contact } from '../../../protocol/ipc-e2ee';
import { load, rememberRoom, save, type RecentRoom } from '../lib/storage';
import { describeJoinFailure } from '../lib/join-errors';
import { errorText, unwrap } from '../lib/veil';
import { getLocalMedia, getScreen, listDevices } from '../rtc/media';
import { useApp } from '../store';
import { Room, type JoinParams } from './room';

let current: Room | null = null;
export const currentRoom = () => current;

export async function joinRoom(params: JoinParams): Promise<void> {
  const s = useApp.getState();
  const room = new Room(useApp, params);
  current = room;
  try {
    await room.start();
  } catch (err) {
    current = null;
    await room.leave().catch(() => {});
    const failure = describeJoinFailure(err, params.serverUrl);
    s.setSession({ phase: 'lobby', error: failure.message, errorDetail: failure.detail });
    return;
  }
  // Only a room actually joined becomes a recent room and the next prefill (a typo must not stick).
  // The room password is never stored: recent rooms keep the address and room name only.
  save('veil.lobby', { displayName: params.displayName, serverUrl: params.serverUrl });
  save('veil.recentRooms', rememberRoom(load<RecentRoom[]>('veil.recentRooms', []), { roomId: params.roomId, serverUrl: params.serverUrl, at: Date.now() }));
  void refreshContacts();
}

export async function leaveRoom(): Promise<void> {
  const room = current;
  current = null;
  await room?.leave();
}

export function toggleMute(): void {
  const s = useApp.getState();
  const muted = !s.muted;
  s.localStream?.getAudioTracks().forEach((t) => { t.enabled = !muted; });
  s.setMedia({ muted });
  void current?.announceMedia();
}

export function toggleCamera(): void {
  const s = useApp.getState();
  const cameraOff = !s.cameraOff;
  s.localStream?.getVideoTracks().forEach((t) => { t.enabled = !cameraOff; });
  s.setMedia({ cameraOff });
  void current?.announceMedia();
}

export async function toggleScreenShare(): Promise<void> {
  const s = useApp.getState();
  const room = current;
  if (!room?.mesh) return;
  if (room.screenTrack) {
    room.screenTrack.stop();
    room.screenTrack = null;
    await room.replaceTrack('video', s.localStream?.getVideoTracks()[0] ?? null);
    s.setMedia({ sharing: false });
    void room.announceMedia();
    return;
  }
  try {
    const track = await getScreen();
    room.screenTrack = track;
    track.addEventListener('ended', () => { if (room.screenTrack === track) void toggleScreenShare(); });
    await room.replaceTrack('video', track);
    s.setMedia({ sharing: true });
    void room.announceMedia();
  } catch (err) {
    s.pushAlert(`Screen share failed: ${errorText(err)}`);
  }
}

export async function switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
  const s = useApp.getState();
  const audioId = kind === 'audio' ? deviceId : s.audioDeviceId;
  const videoId = kind === 'video' ? deviceId : s.videoDeviceId;
  s.setMedia({ audioDeviceId: audioId, videoDeviceId: videoId });
  if (!s.localStream) return;
  try {
    const fresh = await getLocalMedia(audioId, videoId);
    const track = kind === 'audio' ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0];
    if (!track) return;
    const old = s.localStream;
    const next = new MediaStream([...old.getTracks().filter((t) => t.kind !== track.kind), track]);
    old.getTracks().filter((t) => t.kind === track.kind).forEach((t) => t.stop());
    fresh.getTracks().filter((t) => t !== track).forEach((t) => t.stop());
    if (kind === 'audio') track.enabled = !s.muted; else track.enabled = !s.cameraOff;
    if (!(kind === 'video' && current?.screenTrack)) await current?.replaceTrack(kind, track);
    s.setMedia({ localStream: next, devices: await listDevices() });
  } catch (err) {
    s.pushAlert(`Could not switch device: ${errorText(err)}`);
  }
}

/** The tile's "Try again" after a refused link: a fresh link that must authenticate from scratch. */
export function retryPeer(identityKey: string): void {
  current?.mesh?.retry(identityKey);
}

export async function refreshContacts(): Promise<void> {
  const r = await window.veil.trust.list();
  if (r.ok) useApp.getState().setContacts(r.value);
}

export async function setVerified(identityKey: string, verified: boolean): Promise<void> {
  const s = useApp.getState();
  try {
    const c = await unwrap(window.veil.trust.setVerified(identityKey, verified));
    s.setContact(c);
    if (s.peers[identityKey]) s.upsertPeer(identityKey, { trust: c.verified ? 'verified' : 'known' });
  } catch (err) {
    s.pushAlert(`Could not change verification: ${errorText(err)}`);
  }
}

/** A decision about a peer whose key or name was held back: record it in main, clear the block, then connect (the mesh re-checks trust first). */
async function decideTrust(identityKey: string, decide: () => Promise<Contact>, failure: string): Promise<void> {
  const s = useApp.getState();
  try {
    s.setContact(await decide());
    s.upsertPeer(identityKey, { trust: 'known', claims: undefined });
    s.resolveKeyChange(identityKey);
    // A link that gave up while the decision was pending is retried from our end; the other end answers it.
    current?.mesh?.settle(identityKey);
  } catch (err) {
    s.pushAlert(`${failure}: ${errorText(err)}`);
  }
}

/** "A different person": the peer becomes a contact of its own; the contact whose name it matched is untouched. */
export const markDistinct = (identityKey: string) =>
  decideTrust(identityKey, () => {
    // What the user wrote while this key claimed a contact's name was meant for that contact, not for this person.
    current?.chat.dropHeld(identityKey, 'not sent: you said this is a different person');
    return unwrap(window.veil.trust.markDistinct(identityKey));
  }, 'Could not record the decision');

/** The user explicitly accepts a peer's new identity key; verification starts over. */
export const acceptKeyChange = (identityKey: string) =>
  decideTrust(identityKey, () => unwrap(window.veil.trust.acceptChange(identityKey)), 'Could not accept the new key');

/** The SFU call asks Janus for the simulcast layer tiles of this width need. */
export function setSfuTileWidth(px: number): void {
  current?.sfu.setTileWidth(px);
}
