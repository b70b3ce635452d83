// The attacker's own media endpoint: a bare Chromium page with one RTCPeerConnection of its own, driven by the test.
//
// It has no app and no identity: it answers (or offers) with its own DTLS certificate, and what it RECEIVES is the
// proof of a media leak. Its page is the static server's 404 page, so it is a secure loopback context with the CSP.
import type { BrowserContext, Page } from 'playwright-core';
import type { Harness } from './index';
import { waitUntil } from './peer';

export interface AttackerStats {
  audioBytes: number; videoBytes: number; audioPackets: number; videoPackets: number;
  /** RTCPeerConnection.connectionState, ICE state and the DTLS transport state (did the handshake complete?). */
  connectionState: string; iceState: string; dtlsState: string;
}

export const fingerprintOf = (sdp: string): string | null => {
  const m = /^a=fingerprint:(\S+) (\S+)\s*$/m.exec(sdp);
  return m ? `${m[1]!.toLowerCase()} ${m[2]!.toUpperCase()}` : null;
};

export class AttackerEndpoint {
  private constructor(readonly context: BrowserContext, readonly page: Page) {}

  static async open(h: Harness): Promise<AttackerEndpoint> {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('[attacker] pageerror', err.message));
    await page.goto(`${h.web.origin}/attacker-endpoint`);
    return new AttackerEndpoint(context, page);
  }

  /** A fresh connection (the previous one is closed) that answers `offerSdp`; resolves with the complete answer SDP. */
  async answer(offerSdp: string): Promise<string> {
    return this.page.evaluate(async (offer) => {
      const w = window as unknown as { atk?: RTCPeerConnection };
      w.atk?.close();
      const pc = new RTCPeerConnection({ iceServers: [] });
      w.atk = pc;
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      await pc.setLocalDescription(await pc.createAnswer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
      });
      return pc.localDescription!.sdp;
    }, offerSdp);
  }

  /** A fresh connection that offers audio+video (receive only) and a data channel; resolves with the complete offer. */
  async offer(): Promise<string> {
    return this.page.evaluate(async () => {
      const w = window as unknown as { atk?: RTCPeerConnection };
      w.atk?.close();
      const pc = new RTCPeerConnection({ iceServers: [] });
      w.atk = pc;
      pc.addTransceiver('audio', { direction: 'recvonly' });
      pc.addTransceiver('video', { direction: 'recvonly' });
      pc.createDataChannel('attacker');
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
      });
      return pc.localDescription!.sdp;
    });
  }

  /** Applies the victim's answer to the attacker's offer. */
  async acceptAnswer(sdp: string): Promise<void> {
    await this.page.evaluate(async (answer) => {
      const pc = (window as unknown as { atk: RTCPeerConnection }).atk;
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    }, sdp);
  }

  async stats(): Promise<AttackerStats> {
    return this.page.evaluate(async () => {
      const pc = (window as unknown as { atk?: RTCPeerConnection }).atk;
      const out = { audioBytes: 0, videoBytes: 0, audioPackets: 0, videoPackets: 0, connectionState: 'none', iceState: 'none', dtlsState: 'none' };
      if (!pc) return out;
      out.connectionState = pc.connectionState;
      out.iceState = pc.iceConnectionState;
      (await pc.getStats()).forEach((s: { type: string; kind?: string; bytesReceived?: number; packetsReceived?: number; dtlsState?: string }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') { out.audioBytes += s.bytesReceived ?? 0; out.audioPackets += s.packetsReceived ?? 0; }
        if (s.type === 'inbound-rtp' && s.kind === 'video') { out.videoBytes += s.bytesReceived ?? 0; out.videoPackets += s.packetsReceived ?? 0; }
        if (s.type === 'transport' && s.dtlsState) out.dtlsState = s.dtlsState;
      });
      return out;
    });
  }

  /**
   * The received counts once they stopped moving (call after the victim's link is closed or refused): two
   * consecutive polls (150 ms apart, three stats refresh intervals) that agree. If media is still flowing after
   * `timeout` (the victim is still sending: the attack worked), the last reading is returned with `settled` false.
   */
  async finalStats(timeout = 10_000): Promise<AttackerStats & { settled: boolean }> {
    let prev = await this.stats();
    let last = prev;
    let settled = false;
    await waitUntil(async () => {
      last = await this.stats();
      settled = last.audioBytes === prev.audioBytes && last.videoBytes === prev.videoBytes;
      prev = last;
      return settled;
    }, timeout, 'attacker receive counters to settle').catch(() => {});
    return { ...last, settled };
  }

  async reset(): Promise<void> {
    await this.page.evaluate(() => {
      const w = window as unknown as { atk?: RTCPeerConnection };
      w.atk?.close();
      delete w.atk;
    });
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
  }
}
