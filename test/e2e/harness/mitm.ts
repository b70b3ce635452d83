// A malicious signaling server for tests: a socket.io man-in-the-middle that relays to the real server and tampers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import type { Relay } from './index';

type Json = Record<string, unknown>;

/** Switch attacks on and off while a test runs; each counts how often it fired. */
export interface Attacks {
  /** Corrupt the ephemeral key inside bundles the server hands out (join acks, room:joined, keys:published). */
  swapBundle: boolean;
  /** Replace the DTLS fingerprint in relayed offers/answers with one the attacker controls. */
  swapFingerprint: boolean;
  /** Replay the first rotation notice seen, after later ones went through. */
  replayRotation: boolean;
  fired: { swapBundle: number; swapFingerprint: number; replayRotation: number };
}

export function noAttacks(): Attacks {
  return { swapBundle: false, swapFingerprint: false, replayRotation: false, fired: { swapBundle: 0, swapFingerprint: 0, replayRotation: 0 } };
}

const ATTACKER_FP = 'sha-256 ' + Array.from({ length: 32 }, (_, i) => ((i * 37 + 11) & 0xff).toString(16).padStart(2, '0').toUpperCase()).join(':');

function flipB64u(s: string): string {
  const c = s[3] === 'A' ? 'B' : 'A';
  return s.slice(0, 3) + c + s.slice(4);
}

function tamperBundle(b: Json, a: Attacks): Json {
  a.fired.swapBundle++;
  return { ...b, ephemeralKey: flipB64u(String(b.ephemeralKey)) };
}

export async function startMitm(upstreamUrl: string, attacks: Attacks): Promise<Relay> {
  const httpServer = http.createServer();
  const ioServer = new Server(httpServer, { maxHttpBufferSize: 256 * 1024 });
  const rotations = new Map<string, Json[]>();
  const clients = new Set<{ emit(ev: string, ...a: unknown[]): unknown }>();

  const downstream = (event: string, payload: Json): Json => {
    if (attacks.swapBundle && event === 'room:joined') {
      const member = payload.member as Json;
      return { ...payload, member: { ...member, bundle: tamperBundle(member.bundle as Json, attacks) } };
    }
    if (attacks.swapBundle && event === 'keys:published') return { ...payload, bundle: tamperBundle(payload.bundle as Json, attacks) };
    if (attacks.swapFingerprint && event === 'signal:relay') {
      const signal = payload.signal as Json;
      if ((signal.type === 'offer' || signal.type === 'answer') && typeof signal.sdp === 'string') {
        attacks.fired.swapFingerprint++;
        const [alg, fp] = ATTACKER_FP.split(' ');
        return { ...payload, signal: { ...signal, sdp: signal.sdp.replace(/^a=fingerprint:\S+ \S+$/gm, `a=fingerprint:${alg} ${fp}`) } };
      }
    }
    return payload;
  };
  const downstreamAck = (event: string, res: Json): Json => {
    if (attacks.swapBundle && event === 'room:join' && res?.ok === true) {
      const value = res.value as Json;
      const members = (value.members as Json[]).map((m) => ({ ...m, bundle: tamperBundle(m.bundle as Json, attacks) }));
      return { ...res, value: { ...value, members } };
    }
    return res;
  };

  ioServer.on('connection', (client) => {
    const upstream = connect(upstreamUrl, { transports: ['websocket'], reconnection: false, forceNew: true });
    clients.add(client);
    client.onAny((event: string, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (res: unknown) => void) : null;
      if (ack) upstream.emit(event, ...args, (res: Json) => ack(downstreamAck(event, res)));
      else upstream.emit(event, ...args);
    });
    upstream.onAny((event: string, payload: Json) => {
      if (event === 'keys:rotated') {
        const notice = payload.notice as Json;
        const key = String(notice.identityKey);
        const seen = rotations.get(key) ?? [];
        seen.push(payload);
        rotations.set(key, seen);
        client.emit(event, downstream(event, payload));
        if (attacks.replayRotation && seen.length >= 2) {
          attacks.fired.replayRotation++;
          setTimeout(() => client.emit(event, seen[0]), 50);
        }
        return;
      }
      client.emit(event, downstream(event, payload));
    });
    upstream.on('disconnect', () => client.disconnect(true));
    client.on('disconnect', () => { clients.delete(client); upstream.disconnect(); });
  });

  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { void ioServer.close(() => resolve()); })
  };
}
