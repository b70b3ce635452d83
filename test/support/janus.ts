// A real Janus per test file (the launcher the `--sfu` dev mode uses), and a raw Janus WebSocket member for token tests.
import { existsSync } from 'node:fs';
import WebSocket from 'ws';
import { DEFAULT_JANUS_BIN, launchLocalJanus, type LocalJanus } from '../../signaling-server/sfu/launcher';

export const hasJanus = existsSync(process.env.JANUS_BIN ?? DEFAULT_JANUS_BIN);
export const startJanus = (secrets: { apiSecret?: string; tokenSecret?: string } = {}): Promise<LocalJanus> =>
  launchLocalJanus({ ...secrets, ...(process.env.JANUS_BIN ? { bin: process.env.JANUS_BIN } : {}) });

type Msg = Record<string, unknown> & { janus: string; transaction?: string };

/** One Janus API connection as a client would hold it: every answer is kept, requests wait for their transaction. */
export class JanusWire {
  private readonly ws: WebSocket;
  private readonly waiting = new Map<string, { accept: (m: Msg) => boolean; resolve: (m: Msg) => void }>();
  private seq = 0;
  readonly opened: Promise<void>;

  constructor(url: string) {
    this.ws = new WebSocket(url, 'janus-protocol');
    this.opened = new Promise((resolve, reject) => { this.ws.once('open', () => resolve()); this.ws.once('error', reject); });
    this.ws.on('message', (raw) => {
      const m = JSON.parse(String(raw)) as Msg;
      const w = m.transaction ? this.waiting.get(m.transaction) : undefined;
      if (w && w.accept(m)) { this.waiting.delete(m.transaction!); w.resolve(m); }
    });
  }

  /** Sends and resolves with the first answer that is not an `ack` (asynchronous plugin requests answer with an event). */
  async send(msg: Record<string, unknown>, ms = 10_000): Promise<Msg> {
    await this.opened;
    const transaction = `t${++this.seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Janus answer to ${JSON.stringify(msg)}`)), ms);
      this.waiting.set(transaction, {
        accept: (m) => m.janus !== 'ack' || msg.janus === 'keepalive',
        resolve: (m) => { clearTimeout(timer); resolve(m); }
      });
      this.ws.send(JSON.stringify({ ...msg, transaction }));
    });
  }

  close(): void { this.ws.terminate(); }
}

export interface JoinOutcome { step: 'create' | 'attach' | 'join'; ok: boolean; code?: number; reason?: string }

/**
 * What a member does with its path: create a session and attach the VideoRoom with `token`, then join `room` as a
 * publisher with `roomToken`. Reports the first refusal (Janus error or VideoRoom error_code).
 */
export async function joinAsPublisher(url: string, p: { token: string; roomToken?: string; room: number }): Promise<JoinOutcome> {
  const wire = new JanusWire(url);
  try {
    const created = await wire.send({ janus: 'create', token: p.token });
    if (created.janus !== 'success') return refusal('create', created);
    const session = (created.data as { id: number }).id;
    const attached = await wire.send({ janus: 'attach', session_id: session, plugin: 'janus.plugin.videoroom', token: p.token });
    if (attached.janus !== 'success') return refusal('attach', attached);
    const handle = (attached.data as { id: number }).id;
    const body = { request: 'join', ptype: 'publisher', room: p.room, display: 'veil-test', ...(p.roomToken ? { token: p.roomToken } : {}) };
    const joined = await wire.send({ janus: 'message', session_id: session, handle_id: handle, token: p.token, body });
    const data = (joined.plugindata as { data?: Record<string, unknown> } | undefined)?.data;
    if (joined.janus !== 'event' || !data) return refusal('join', joined);
    if (typeof data.error_code === 'number') return { step: 'join', ok: false, code: data.error_code, reason: String(data.error) };
    return { step: 'join', ok: data.videoroom === 'joined' };
  } finally {
    wire.close();
  }
}

function refusal(step: JoinOutcome['step'], m: Msg): JoinOutcome {
  const e = m.error as { code?: number; reason?: string } | undefined;
  return { step, ok: false, ...(e?.code !== undefined ? { code: e.code } : {}), ...(e?.reason ? { reason: e.reason } : {}) };
}
