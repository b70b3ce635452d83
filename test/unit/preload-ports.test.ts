// Unit tests for the preload's port forwarding (file port and media-key port): exactly one port with a well-formed token reaches the page, each on its own event and data key.
import { describe, expect, it } from 'vitest';
import type { IpcRendererEvent } from 'electron';
import { FILE_PORT_EVENT, MEDIA_KEY_PORT_EVENT } from '../../protocol/ipc-channels';
import { forwardFilePorts, postToOwnWindow } from '../../preload/file-port';
import { forwardMediaKeyPorts } from '../../preload/media-key-port';

type Forward = typeof forwardFilePorts;
const kinds: [string, Forward, string, string][] = [
  ['file port', forwardFilePorts, FILE_PORT_EVENT, 'veilFilePort'],
  ['media-key port', forwardMediaKeyPorts as Forward, MEDIA_KEY_PORT_EVENT, 'veilMediaKeyPort']
];

describe.each(kinds)('preload %s forwarding', (_kind, forward, event, dataKey) => {
  function setup() {
    const listeners = new Map<string, (event: IpcRendererEvent, ...args: unknown[]) => void>();
    const posted: { data: unknown; ports: unknown[] }[] = [];
    forward((channel, listener) => listeners.set(channel, listener), (data, ports) => posted.push({ data, ports }));
    const emit = (ports: unknown[], ...args: unknown[]) => listeners.get(event)!({ ports } as unknown as IpcRendererEvent, ...args);
    return { listeners, posted, emit };
  }

  it('listens only on its own event', () => {
    expect([...setup().listeners.keys()]).toEqual([event]);
    expect(FILE_PORT_EVENT).not.toBe(MEDIA_KEY_PORT_EVENT);
  });
  it('forwards one port with its token, under its own data key', () => {
    const { posted, emit } = setup();
    const port = { fake: 'port' };
    emit([port], 'abcdefghijklmnopqrstuvwx');
    expect(posted).toEqual([{ data: { [dataKey]: 'abcdefghijklmnopqrstuvwx' }, ports: [port] }]);
  });
  it('drops events without exactly one port or with a malformed token', () => {
    const { posted, emit } = setup();
    emit([], 'abcdefghijklmnopqrstuvwx');
    emit([{}, {}], 'abcdefghijklmnopqrstuvwx');
    emit([{}], 'short');
    emit([{}], 'abcdefghijklmnopqrstuv/x');
    emit([{}], { token: 'abcdefghijklmnopqrstuvwx' });
    emit([{}]);
    expect(posted).toEqual([]);
  });
});

describe('postToOwnWindow', () => {
  it('posts to the page with its exact origin as the target, and to "*" only for an opaque origin', () => {
    const calls: unknown[][] = [];
    const win = (origin: string) => ({ location: { origin }, postMessage: (...a: unknown[]) => { calls.push(a); } }) as unknown as Window;
    const port = {} as MessagePort;
    postToOwnWindow(() => win('veil://app'))({ veilFilePort: 't' }, [port]);
    postToOwnWindow(() => win('null'))({ veilFilePort: 'u' }, [port]);
    expect(calls).toEqual([[{ veilFilePort: 't' }, 'veil://app', [port]], [{ veilFilePort: 'u' }, '*', [port]]]);
  });
});
