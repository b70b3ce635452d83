// Settings and security panels in jsdom: what they send to main and what they show from it.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsPanel } from '../../renderer/src/features/settings/SettingsPanel';
import { SecurityPanel } from '../../renderer/src/features/trust/SecurityPanel';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const MIB = 1024 * 1024;

afterEach(() => { cleanup(); localStorage.clear(); });

describe('SettingsPanel', () => {
  it('saves the rotation interval, signatures and the file-size limit in main and ICE servers locally', async () => {
    const { calls } = installFakeVeil({
      'settings:get': () => ({ signMessages: true, rotationIntervalMs: 3_600_000, maxFileBytes: 4096 * MIB }),
      'settings:set': (patch) => ({ signMessages: true, rotationIntervalMs: 3_600_000, maxFileBytes: 4096 * MIB, ...(patch as object) })
    });
    render(<SettingsPanel />);
    await waitFor(() => expect((screen.getByTestId('settings-rotation') as HTMLInputElement).value).toBe('60'));
    expect((screen.getByTestId('settings-max-file') as HTMLInputElement).value).toBe('4096');
    fireEvent.change(screen.getByTestId('settings-rotation'), { target: { value: '5' } });
    fireEvent.change(screen.getByTestId('settings-max-file'), { target: { value: '100' } });
    fireEvent.click(screen.getByTestId('settings-sign'));
    fireEvent.change(screen.getByTestId('settings-ice'), { target: { value: 'stun:stun.example.org:3478' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByTestId('settings-msg').textContent).toBe('Saved.'));
    expect(calls.find((c) => c.channel === 'settings:set')?.args).toEqual([{ rotationIntervalMs: 300_000, signMessages: false, maxFileBytes: 100 * MIB,
      alwaysRelay: false }]);
    expect(JSON.parse(localStorage.getItem('veil.iceServers')!)).toEqual([{ urls: 'stun:stun.example.org:3478' }]);
  });

  it('shows "Always relay my calls" from main and saves it there', async () => {
    const { calls } = installFakeVeil({
      'settings:get': () => ({ signMessages: true, rotationIntervalMs: 3_600_000, maxFileBytes: 4096 * MIB, alwaysRelay: false }),
      'settings:set': (patch) => ({ signMessages: true, rotationIntervalMs: 3_600_000, maxFileBytes: 4096 * MIB, alwaysRelay: false, ...(patch as object) })
    });
    render(<SettingsPanel />);
    const box = screen.getByTestId('settings-always-relay') as HTMLInputElement;
    expect(box.disabled).toBe(true);
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByTestId('settings-msg').textContent).toBe('Saved.'));
    expect(calls.find((c) => c.channel === 'settings:set')?.args[0]).toMatchObject({ alwaysRelay: true });
    expect((screen.getByTestId('settings-always-relay') as HTMLInputElement).checked).toBe(true);
  });

  it('keeps the fields disabled until main answered, so a late load cannot overwrite typing', async () => {
    let answer: (v: unknown) => void = () => {};
    installFakeVeil({ 'settings:get': () => new Promise((r) => { answer = r; }) });
    render(<SettingsPanel />);
    expect((screen.getByTestId('settings-rotation') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByTestId('settings-save') as HTMLButtonElement).disabled).toBe(true);
    answer({ signMessages: true, rotationIntervalMs: 3_600_000, maxFileBytes: 4096 * MIB });
    await waitFor(() => expect((screen.getByTestId('settings-rotation') as HTMLInputElement).disabled).toBe(false));
  });

  it('refuses ICE servers that are not stun/turn URLs', async () => {
    installFakeVeil({ 'settings:get': () => ({ signMessages: true, rotationIntervalMs: 3_600_000, maxFileBytes: 4096 * MIB }) });
    render(<SettingsPanel />);
    await waitFor(() => expect((screen.getByTestId('settings-save') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.change(screen.getByTestId('settings-ice'), { target: { value: 'https://evil.example' } });
    expect(screen.getByTestId('settings-ice-problem').textContent).toMatch(/stun:/);
    expect((screen.getByTestId('settings-save') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('SecurityPanel', () => {
  it('shows my fingerprint, the room key epoch and the audit log', async () => {
    installFakeVeil({ 'audit:tail': () => [{ at: 1, type: 'room-key-created', roomId: 'r' }, { at: 2, type: 'session-opened', roomId: 'r' }] });
    const now = Date.now();
    useApp.setState({
      identity: { identityKey: 'k', fingerprint: 'abcd ef01', createdAt: 0 },
      myKey: { roomId: 'r', keyId: 'id', epoch: 7, createdAt: now, expiresAt: now + 86_400_000, bundle: {} as never }
    });
    render(<SecurityPanel />);
    expect(screen.getByTestId('my-fingerprint').textContent).toBe('abcd ef01');
    expect(screen.getByTestId('key-epoch').textContent).toBe('7');
    await waitFor(() => expect(screen.getByTestId('audit-log').querySelectorAll('li')).toHaveLength(2));
    expect(screen.getByTestId('audit-log').textContent).toMatch(/secure session with someone started.*room key was created/);
  });
});
