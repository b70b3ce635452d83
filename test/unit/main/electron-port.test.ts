// The MessagePortMain wrapper: binary frames in both directions, anything else dropped, close reported once started.
import { EventEmitter } from 'node:events';
import type { MessagePortMain } from 'electron';
import { describe, expect, it } from 'vitest';
import { messagePortEndpoint } from '../../../main/files/electron-port';

class FakeMessagePortMain extends EventEmitter {
  started = false;
  closed = false;
  readonly posted: unknown[] = [];
  start() { this.started = true; }
  close() { this.closed = true; }
  postMessage(message: unknown) { this.posted.push(message); }
}

describe('messagePortEndpoint', () => {
  it('starts the port, passes Uint8Array and ArrayBuffer frames on and drops everything else', () => {
    const port = new FakeMessagePortMain();
    const ep = messagePortEndpoint(port as unknown as MessagePortMain);
    expect(port.started).toBe(true);
    const got: Uint8Array[] = [];
    ep.onFrame((f) => got.push(f));
    port.emit('message', { data: new Uint8Array([1, 2, 3]) });
    port.emit('message', { data: new Uint8Array([4, 5]).buffer });
    port.emit('message', { data: 'text' });
    port.emit('message', { data: { op: 1 } });
    port.emit('message', { data: null });
    expect(got.map((g) => [...g])).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('posts replies, reports close and closes the port', () => {
    const port = new FakeMessagePortMain();
    const ep = messagePortEndpoint(port as unknown as MessagePortMain);
    let closes = 0;
    ep.onClose(() => closes++);
    ep.post(new Uint8Array([9]));
    expect(port.posted).toEqual([new Uint8Array([9])]);
    port.emit('close');
    expect(closes).toBe(1);
    ep.close();
    expect(port.closed).toBe(true);
  });
});
