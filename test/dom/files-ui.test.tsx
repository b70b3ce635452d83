// Files slice math (speed, ETA, ordering) and the Files panel: rows, data attributes, buttons, picker and recipients.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FilesPanel } from '../../renderer/src/features/files/FilesPanel';
import { FileNotices } from '../../renderer/src/features/files/FileNotices';
import type { FileActions } from '../../renderer/src/features/files/file-actions';
import { formatBytes, formatEta } from '../../renderer/src/features/files/format';
import { createAppStore, useApp } from '../../renderer/src/store';
import { nextRate, type TransferEntry } from '../../renderer/src/store/files-slice';

const row = (patch: Partial<TransferEntry>): TransferEntry => ({
  id: 'id', direction: 'in', peer: 'B', peerName: 'Bob', name: 'a.bin', size: 1000, state: 'offered', bytesDone: 0, speed: 0, etaSeconds: null, ...patch
});

describe('files slice', () => {
  it('measures speed over at least 250 ms, smooths it and derives the ETA', () => {
    const first = nextRate({ size: 10_000, speed: 0 }, 0, 1000);
    expect(first).toEqual({ speed: 0, etaSeconds: null, sample: { at: 1000, bytes: 0 } });
    const early = nextRate({ size: 10_000, speed: 0, sample: first.sample }, 500, 1100);
    expect(early.sample).toEqual(first.sample);
    const second = nextRate({ size: 10_000, speed: 0, sample: first.sample }, 1000, 2000);
    expect(second.speed).toBe(1000);
    expect(second.etaSeconds).toBe(9);
    const third = nextRate({ size: 10_000, speed: second.speed, sample: second.sample }, 3000, 3000);
    // 0.7 × 1000 + 0.3 × 2000
    expect(third.speed).toBeCloseTo(1300);
    expect(third.etaSeconds).toBe(Math.ceil(7000 / 1300));
  });

  it('updates progress, keeps a replaced row in place and bounds notices', () => {
    const s = createAppStore();
    s.getState().addTransfer(row({ id: 'local-1', state: 'preparing' }));
    s.getState().addTransfer(row({ id: 'other' }));
    s.getState().replaceTransfer('local-1', row({ id: 'real', state: 'waiting' }));
    expect(Object.keys(s.getState().transfers)).toEqual(['real', 'other']);
    s.getState().setTransferProgress('real', 100, 0);
    s.getState().setTransferProgress('real', 600, 1000);
    expect(s.getState().transfers.real).toMatchObject({ bytesDone: 600, speed: 500, etaSeconds: 1 });
    for (let i = 0; i < 8; i++) s.getState().pushFileNotice('real', `n${i}`);
    expect(s.getState().fileNotices.map((n) => n.text)).toEqual(['n3', 'n4', 'n5', 'n6', 'n7']);
  });

  it('formats sizes and times left', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500_000)).toBe('1.4 MiB');
    expect(formatBytes(1024 * 1024)).toBe('1.0 MiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(formatEta(75)).toBe('1 min 15 s left');
    expect(formatEta(null)).toBe('');
  });
});

describe('FilesPanel', () => {
  let actions: { [K in keyof FileActions]: ReturnType<typeof vi.fn> };
  beforeEach(() => {
    actions = { pick: vi.fn(async () => {}), drop: vi.fn(async () => {}), send: vi.fn(async () => {}), accept: vi.fn(async () => {}), decline: vi.fn(async () => {}), cancel: vi.fn(async () => {}), save: vi.fn(async () => {}) };
    useApp.getState().clearFiles();
    useApp.getState().clearPeers();
    useApp.getState().upsertPeer('B', { displayName: 'Bob', sessionOpen: true });
    useApp.getState().upsertPeer('C', { displayName: 'Carol', sessionOpen: true });
  });
  afterEach(cleanup);

  it('lists recipients by name; "Choose a file…" asks main\'s dialog, a drop and a paste hand over the File objects only', () => {
    render(<FilesPanel actions={actions as unknown as FileActions} />);
    const select = screen.getByTestId('file-recipient') as HTMLSelectElement;
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([['all', 'Everyone connected'], ['B', 'Bob'], ['C', 'Carol']]);
    fireEvent.change(select, { target: { value: 'C' } });
    // No file input in the page: the pick is main's own dialog.
    expect(screen.queryByTestId('file-input')).toBeNull();
    fireEvent.click(screen.getByTestId('file-pick'));
    expect(actions.pick).toHaveBeenCalledWith('C');
    const file = new File(['hello'], 'hello.txt', { type: 'text/plain' });
    fireEvent.drop(screen.getByTestId('file-drop'), { dataTransfer: { files: [file] } });
    expect(actions.drop).toHaveBeenLastCalledWith([file], 'C');
    fireEvent.paste(screen.getByTestId('files'), { clipboardData: { files: [file] } });
    expect(actions.send).toHaveBeenLastCalledWith([file], 'C');
    expect(actions.send).toHaveBeenCalledTimes(1);
  });

  it('renders each transfer with its state attributes and the buttons that state allows', () => {
    const s = useApp.getState();
    s.addTransfer(row({ id: 'in1', name: 'offer.bin', state: 'offered' }));
    s.addTransfer(row({ id: 'in2', name: 'got.bin', state: 'verified', bytesDone: 1000, startedAt: 5, finishedAt: 9 }));
    s.addTransfer(row({ id: 'out1', name: 'up.bin', direction: 'out', peerName: 'Carol', state: 'sending', bytesDone: 400, speed: 2_000_000, etaSeconds: 3, startedAt: 7 }));
    s.addTransfer(row({ id: 'out2', name: 'bad.bin', direction: 'out', state: 'failed', error: 'A chunk failed to decrypt' }));
    render(<FilesPanel actions={actions as unknown as FileActions} />);
    const rows = screen.getAllByTestId('transfer');
    const by = (name: string) => rows.find((r) => r.getAttribute('data-name') === name)!;
    expect(by('offer.bin').dataset).toMatchObject({ direction: 'in', state: 'offered', peer: 'Bob', bytes: '0' });
    expect(by('offer.bin').hasAttribute('data-started-at')).toBe(false);
    expect(by('got.bin').dataset).toMatchObject({ state: 'verified', startedAt: '5', finishedAt: '9' });
    expect(by('up.bin').dataset).toMatchObject({ direction: 'out', state: 'sending', peer: 'Carol', bytes: '400', startedAt: '7' });
    expect(within(by('up.bin')).getByTestId('transfer-speed').textContent).toBe('1.9 MiB/s');
    expect(within(by('up.bin')).getByTestId('transfer-eta').textContent).toBe('3 s left');
    expect((within(by('up.bin')).getByTestId('transfer-progress') as HTMLProgressElement).value).toBe(400);
    expect(within(by('bad.bin')).getByTestId('transfer-error').textContent).toMatch(/decrypt/);
    expect(within(by('bad.bin')).queryByTestId('transfer-cancel')).toBeNull();
    expect(within(by('offer.bin')).queryByTestId('transfer-cancel')).toBeNull();
    expect(within(by('got.bin')).queryByTestId('transfer-accept')).toBeNull();

    fireEvent.click(within(by('offer.bin')).getByTestId('transfer-accept'));
    fireEvent.click(within(by('offer.bin')).getByTestId('transfer-decline'));
    fireEvent.click(within(by('got.bin')).getByTestId('transfer-save'));
    fireEvent.click(within(by('up.bin')).getByTestId('transfer-cancel'));
    expect(actions.accept).toHaveBeenCalledWith('in1');
    expect(actions.decline).toHaveBeenCalledWith('in1');
    expect(actions.save).toHaveBeenCalledWith('in2');
    expect(actions.cancel).toHaveBeenCalledWith('out1');
  });

  it('raises a notice for an incoming offer that opens the Files tab', () => {
    useApp.getState().addTransfer(row({ id: 'in1' }));
    useApp.getState().addTransfer(row({ id: 'in2', state: 'receiving' }));
    useApp.getState().pushFileNotice('in2', 'already accepted');
    useApp.getState().pushFileNotice('in1', 'Bob wants to send you "a.bin"');
    useApp.setState({ panel: 'chat' });
    render(<FileNotices />);
    expect(screen.getByTestId('file-notice').textContent).toMatch(/Bob wants to send you/);
    fireEvent.click(screen.getByText('Show'));
    expect(useApp.getState().panel).toBe('files');
    expect(screen.queryByTestId('file-notice')).toBeNull();
  });
});
