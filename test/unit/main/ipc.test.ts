// IPC boundary: wrong types and sizes rejected by createDispatcher(buildIpcHandlers(...)); no result ever carries secret bytes.
import { afterEach, describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from '../../../protocol/ipc';
import { IPC_CHANNEL_NAMES } from '../../../protocol/ipc-channels';
import { e2eeIpc } from '../../../protocol/ipc-e2ee';
import { hostIpc } from '../../../protocol/ipc-host';
import { appIpc } from '../../../protocol/ipc-app';
import { mediaIpc } from '../../../protocol/ipc-media';
import { filesIpc } from '../../../protocol/ipc-files';
import { inviteIpc } from '../../../protocol/ipc-invite';
import { toB64u, toHex } from '../../../protocol/encoding';
import { LIMITS } from '../../../protocol/limits';
import { buildIpcHandlers } from '../../../main/ipc/handlers';
import { Clock, idOf, joinAll, makePeer, text, type Peer } from './harness';

let peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers) await p.services.dispose();
  peers = [];
});

describe('IPC contract', () => {
  it('the handler map fills every channel of the contract, and the name list equals the contract', async () => {
    const p = await makePeer('a', { clock: new Clock() });
    peers.push(p);
    expect(Object.keys(buildIpcHandlers(p.services)).sort()).toEqual([...IPC_CHANNELS].sort());
    expect([...IPC_CHANNEL_NAMES].sort()).toEqual([...Object.keys(appIpc), ...Object.keys(mediaIpc), ...Object.keys(e2eeIpc), ...Object.keys(hostIpc), ...Object.keys(filesIpc), ...Object.keys(inviteIpc)].sort());
  });

  it('arguments of wrong types or sizes are rejected as bad-arguments before any handler runs', async () => {
    const p = await makePeer('a', { clock: new Clock() });
    peers.push(p);
    const b = await makePeer('b', { clock: new Clock() });
    peers.push(b);
    await joinAll('r', [p, b]);
    const id = await idOf(b);
    const bundle = (await b.call('keys:get', 'r')).bundle;
    const bad: [string, unknown[]][] = [
      ['keys:create', []], ['keys:create', [42]], ['keys:create', ['bad room!']], ['keys:create', ['x'.repeat(65)]], ['keys:create', ['r', 'extra']],
      ['session:open', [{ ...bundle, extra: 1 }, 'b']], ['session:open', [{ ...bundle, identityKey: bundle.identityKey.slice(1) }, 'b']],
      ['session:open', [{ ...bundle, signature: '!'.repeat(86) }, 'b']], ['session:open', [bundle, '']], ['session:open', [bundle, 'x'.repeat(65)]],
      ['session:open', [{ ...bundle, v: 2 }, 'b']], ['session:open', [{ ...bundle, epoch: -1 }, 'b']], ['session:open', [null, 'b']],
      ['message:seal', ['r', id, 'plaintext as string']], ['message:seal', ['r', id.slice(2), text('x')]],
      ['message:seal', ['r', id, new Uint8Array(LIMITS.maxPlaintextBytes + 1)]], ['message:open', ['r', id, [1, 2, 3]]],
      ['message:open', ['r', id, new Uint8Array(LIMITS.maxEnvelopeBytes + 1)]], ['trust:setVerified', [id, 'yes']],
      ['link:bind', ['r', 'A'.repeat(43), 'offer', 'sha-256 zz', '']], ['link:bind', ['r', 'A'.repeat(43), 'pranswer', 'sha-256 AB', '']], ['audit:tail', [0]], ['audit:tail', [1001]], ['audit:tail', [1.5]],
      ['settings:set', [{ rotationIntervalMs: 1 }]], ['settings:set', [{ other: true }]], ['settings:set', [{ rotationIntervalMs: LIMITS.keyMaxAgeMs + 1 }]],
      ['trust:safetyNumber', [toB64u(new Uint8Array(31))]], ['identity:get', [1]]
    ];
    for (const [channel, args] of bad) {
      const r = await p.raw(channel, args);
      expect(r.ok ? 'ok' : r.error.code, `${channel} ${JSON.stringify(args).slice(0, 80)}`).toBe('bad-arguments');
    }
    expect((await p.raw('nope:nothing', [])).ok).toBe(false);
    expect(await p.dispatch('https://evil.example/', 'identity:get', [])).toMatchObject({ ok: false, error: { code: 'bad-sender' } });
    // Semantic check after the schema: a base64url string with non-zero trailing bits does not decode.
    const nonCanonical = id.slice(0, -1) + (id.endsWith('B') ? 'C' : 'B');
    const r = await p.raw('trust:safetyNumber', [nonCanonical]);
    expect(r.ok ? 'ok' : r.error.code).toBe('malformed');
  });
});

describe('no secret bytes in IPC results', () => {
  it('scans every result of a full scenario for every secret, raw, base64url and hex', async () => {
    const clock = new Clock();
    const secrets: Uint8Array[] = [];
    const ps = await Promise.all(['a', 'b', 'c'].map((n) => makePeer(n, { clock, secrets })));
    peers.push(...ps);
    const [a, b, c] = ps as [Peer, Peer, Peer];
    await joinAll('r', ps);
    const [ia, ib, ic] = [await idOf(a), await idOf(b), await idOf(c)];
    for (const p of ps) await p.call('identity:get');
    const e1 = await a.call('message:seal', 'r', ib, text('one'));
    await b.call('message:open', 'r', ia, e1);
    await b.call('keys:applyRotation', await a.call('keys:rotate', 'r'));
    await c.call('keys:applyRotation', (await a.call('keys:get', 'r')).lastRotation ?? (await a.call('keys:rotate', 'r')));
    const { revocation, replacement } = await b.call('keys:revoke', 'r');
    for (const p of [a, c]) {
      await p.call('keys:applyRevocation', revocation);
      await p.call('keys:applyRotation', replacement);
    }
    await c.call('message:open', 'r', ib, await b.call('message:seal', 'r', ic, text('two')));
    await a.call('settings:set', { signMessages: false });
    await b.call('message:open', 'r', ia, await a.call('message:seal', 'r', ib, text('three')));
    await a.call('trust:safetyNumber', ib);
    await a.call('trust:setVerified', ib, true);
    await a.call('trust:list');
    await b.call('link:verify', 'r', ia, await a.call('link:bind', 'r', ib, 'offer', 'sha-256 AB:CD', ''), 'sha-256 AB:CD', '');
    await b.raw('message:open', ['r', ia, e1]);
    for (const p of ps) {
      await p.call('stats:get');
      await p.call('audit:tail', 1000);
      await p.call('settings:get');
      await p.call('keys:get', 'r');
    }
    await a.call('session:close', 'r', ib);
    await c.call('room:leave', 'r');
    expect(secrets.length).toBeGreaterThan(20);
    const haystacks: string[] = [];
    const bytesOut: Buffer[] = [];
    const collect = (v: unknown) => {
      if (v instanceof Uint8Array) {
        bytesOut.push(Buffer.from(v));
        haystacks.push(toB64u(v), toHex(v));
      } else haystacks.push(JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? toHex(x) : x)));
    };
    for (const p of ps) for (const r of p.results) {
      collect(r);
      if (r && typeof r === 'object' && 'value' in r) {
        const v = (r as { value: unknown }).value;
        collect(v);
        if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x);
      }
    }
    const text2 = haystacks.join('\n');
    const files = ps.map((p) => p.services.audit.tail(1000)).flat();
    const auditText = JSON.stringify(files);
    for (const s of secrets) {
      const [b64, hx] = [toB64u(s), toHex(s)];
      expect(text2.includes(b64) || text2.includes(hx) || auditText.includes(b64) || auditText.includes(hx)).toBe(false);
      for (const out of bytesOut) expect(out.includes(Buffer.from(s))).toBe(false);
    }
  });
});
