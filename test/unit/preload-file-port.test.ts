// Unit tests for the preload's file-port forwarding: exactly one port with a well-formed token reaches the page.
import { describe, expect, it } from 'vitest';
import type { IpcRendererEvent } from 'electron';
import { FILE_PORT_EVENT } from '../../protocol/ipc-channels';
import { forwardFilePorts, postToOwnWindow } from '../../preload/file-port';

function setup() {
  const listeners = new Map<string, (event: IpcRendererEvent, ...args: unknown[]) => void>();
  const posted: { data: unknown; ports: unknown[] }[] = [];
  forwardFilePorts((channel, listener) => listeners.set(channel, listener), (data, ports) => posted.push({ data, ports }));
  const emit = (ports: unknown[], ...args: unknown[]) => listeners.get(FILE_PORT_EVENT)!({ ports } as unknown as IpcRendererEvent, ...args);
  return { listeners, posted, emit };
}

describe('preload file-port forwarding', () => {
  it('listens only on the file-port event', () => {
    expect([...setup().listeners.keys()]).toEqual([FILE_PORT_EVENT]);
  });
  it('forwards one port with its token', () => {
    const { posted, emit } = setup();
    const port = { fake: 'port' };
    emit([port], 'abcdefghijklmnopqrstuvwx');
    expect(posted).toEqual([{ data: { veilFilePort: 'abcdefghijklmnopqrstuvwx' }, ports: [port] }]);
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
  it('posts to the page with its exact origin as the target, and to "*" only for an opaque origin', () => {
    const calls: unknown[][] = [];
    const win = (origin: string) => ({ location: { origin }, postMessage: (...a: unknown[]) => { calls.push(a); } }) as unknown as Window;
    const port = {} as MessagePort;
    postToOwnWindow(() => win('veil://app'))({ veilFilePort: 't' }, [port]);
    postToOwnWindow(() => win('null'))({ veilFilePort: 'u' }, [port]);
    expect(calls).toEqual([[{ veilFilePort: 't' }, 'veil://app', [port]], [{ veilFilePort: 'u' }, '*', [port]]]);
  });
});
