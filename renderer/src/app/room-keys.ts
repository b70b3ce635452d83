// Our room key's lifecycle in a call: the rotation timer, rotate and revoke, told to peers directly and through the server.
import { errorText, unwrap } from '../lib/veil';
import type { SignalingClient } from '../net/signaling';
import type { Mesh } from '../rtc/mesh';
import type { AppStore } from '../store';
import { encodeNoticeFrame, type NoticeFrame } from './notices';

export interface RoomKeysDeps {
  store: AppStore;
  roomId: string;
  mesh: () => Mesh | null;
  signaling: () => SignalingClient | null;
}

export class RoomKeys {
  private rotationTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly d: RoomKeysDeps) {}

  private get s() { return this.d.store.getState(); }

  /** (Re)reads the interval from main's settings; 0 turns the timer off. */
  async startTimer(): Promise<void> {
    const settings = await unwrap(window.veil.settings.get()).catch(() => null);
    this.stopTimer();
    if (settings && settings.rotationIntervalMs > 0) {
      this.rotationTimer = setInterval(() => void this.rotate().catch((e: unknown) => this.s.pushAlert(`Rotation failed: ${errorText(e)}`)), settings.rotationIntervalMs);
    }
  }

  stopTimer(): void {
    if (this.rotationTimer) clearInterval(this.rotationTimer);
    this.rotationTimer = null;
  }

  /** Rotates our room key (main signs the notice) and tells everyone, peer to peer and through the server. */
  async rotate(): Promise<void> {
    const notice = await unwrap(window.veil.keys.rotate(this.d.roomId));
    this.s.setSession({ myKey: await unwrap(window.veil.keys.get(this.d.roomId)) });
    this.broadcastFrame({ t: 'keys', rotation: notice });
    await this.d.signaling()?.request('keys:rotate', { notice });
  }

  /** Revokes our current key and moves to its replacement; the server refusing to relay does not stop the peers learning it. */
  async revoke(): Promise<void> {
    const { revocation, replacement } = await unwrap(window.veil.keys.revoke(this.d.roomId));
    this.s.setSession({ myKey: await unwrap(window.veil.keys.get(this.d.roomId)) });
    this.broadcastFrame({ t: 'keys', revocation, rotation: replacement });
    const failures: string[] = [];
    const sig = this.d.signaling();
    await sig?.request('keys:revoke', { notice: revocation }).catch((e: unknown) => failures.push(errorText(e)));
    await sig?.request('keys:rotate', { notice: replacement }).catch((e: unknown) => failures.push(errorText(e)));
    if (failures.length > 0) this.s.pushAlert(`The server did not relay the revocation (${failures.join('; ')}); connected peers got it directly.`);
  }

  /** Sends signed notices to every authenticated peer directly (works while signaling is down or lying). */
  private broadcastFrame(frame: NoticeFrame): void {
    const bytes = encodeNoticeFrame(frame);
    const mesh = this.d.mesh();
    for (const key of Object.keys(this.s.peers)) {
      if (mesh?.isReady(key)) { try { mesh.send(key, bytes); } catch { /* link just closed */ } }
    }
  }
}
