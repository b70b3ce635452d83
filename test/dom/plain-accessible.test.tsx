// Plain words and accessibility: contrast of every button from app.css, dialog focus and Escape, confirmed revoke, inline settings checks.
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsPanel } from '../../renderer/src/features/settings/SettingsPanel';
import { KeyChangeModal } from '../../renderer/src/features/trust/KeyChangeModal';
import { SecurityPanel } from '../../renderer/src/features/trust/SecurityPanel';
import { VerifyDialog } from '../../renderer/src/features/trust/VerifyDialog';
import { plainReason } from '../../renderer/src/lib/plain-words';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const MIB = 1024 * 1024;
const KEY = 'K'.repeat(43);

beforeEach(() => {
  localStorage.clear();
  useApp.setState({ peers: {}, keyChanges: [], verifyFor: null, contacts: {}, alerts: [], identity: null, myKey: null });
});
afterEach(cleanup);

describe('contrast (WCAG AA, 4.5:1) of every button style in app.css', () => {
  const css = readFileSync(resolvePath(process.cwd(), 'renderer/src/app/app.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const vars = new Map([...css.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
  const rules = [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].map((m) => ({
    selectors: m[1]!.split(',').map((s) => s.trim()),
    decls: new Map([...m[2]!.matchAll(/([\w-]+):\s*([^;]+)/g)].map((d) => [d[1]!, d[2]!.trim()]))
  }));
  const resolve = (v: string): string => v.replace(/var\((--[\w-]+)\)/g, (_, n: string) => resolve(vars.get(n) ?? 'missing'));
  const prop = (selector: string, name: string): string | undefined => {
    for (const r of rules) if (r.selectors.includes(selector)) {
      const v = r.decls.get(name) ?? (name === 'background-color' ? r.decls.get('background')?.split(/\s+/)[0] : undefined);
      if (v) return resolve(v);
    }
    return undefined;
  };
  const lum = (hex: string) => {
    const h = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex;
    expect(h, `a solid colour, not ${hex}`).toMatch(/^#[0-9a-f]{6}$/i);
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const ratio = (a: string, b: string) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x! + 0.05) / (y! + 0.05); };
  const text = resolve(vars.get('--text')!);
  // Each button style, with what it sits on when its own background is transparent.
  const cases: { selector: string; under: string }[] = [
    { selector: 'button', under: '--panel' }, { selector: 'button.primary', under: '--panel' }, { selector: 'button.danger', under: '--panel' },
    { selector: 'button.ghost', under: '--panel' }, { selector: 'button.ghost', under: '--bg' }, { selector: '.ctl.off', under: '--bg' },
    { selector: '.ctl.on', under: '--bg' }, { selector: '.tab', under: '--panel' }, { selector: '.tab.active', under: '--panel' },
    { selector: '.tab-count', under: '--panel' }, { selector: '.file-pick .button-like', under: '--panel' }, { selector: '.new-pill', under: '--panel' }
  ];
  for (const c of cases) {
    it(`${c.selector} on ${c.under}`, () => {
      const bg0 = prop(c.selector, 'background-color') ?? prop('button', 'background-color')!;
      const bg = bg0 === 'transparent' || bg0 === 'none' ? resolve(vars.get(c.under)!) : bg0;
      const fg0 = prop(c.selector, 'color') ?? (c.selector.startsWith('.tab') || c.selector.startsWith('.file') ? text : prop('button', 'color') ?? text);
      const fg = fg0 === 'inherit' ? text : fg0;
      expect(ratio(fg, bg), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    });
  }
});

describe('dialogs', () => {
  it('the verify dialog takes focus, closes on Escape and gives focus back', async () => {
    installFakeVeil({ 'trust:safetyNumber': () => ({ digits: '1'.repeat(60), groups: Array(12).fill('11111'), qrPayload: 'x' }) });
    useApp.getState().upsertPeer(KEY, { displayName: 'Bob', trust: 'known' });
    const opener = document.createElement('button');
    document.body.append(opener);
    opener.focus();
    render(<VerifyDialog />);
    act(() => useApp.getState().openVerify(KEY));
    const dialog = await screen.findByTestId('verify-dialog');
    expect(dialog.contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByTestId('verify-dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });

  it('the key-change warning takes focus but Escape does not dismiss the decision', () => {
    installFakeVeil({});
    useApp.getState().upsertPeer(KEY, { displayName: 'Bob', trust: 'changed', fingerprint: 'ffff' });
    act(() => useApp.getState().addKeyChange(KEY));
    render(<KeyChangeModal />);
    const modal = screen.getByTestId('key-change-modal');
    expect(modal.contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.getByTestId('key-change-modal')).toBeTruthy();
  });
});

describe('security panel', () => {
  it('asks before revoking, and shows no epoch, hex or raw audit types by default', async () => {
    const { calls } = installFakeVeil({ 'audit:tail': () => [{ at: 1, type: 'room-key-rotated', roomId: 'r', epoch: 1796153056 }] });
    const now = Date.now();
    useApp.setState({
      identity: { identityKey: 'k', fingerprint: 'abcd ef01', createdAt: 0 }, myDtls: 'sha-256 AB:CD:EF',
      myKey: { roomId: 'r', keyId: 'kid', epoch: 1796153056, createdAt: now, expiresAt: now + 86_400_000, bundle: {} as never }
    });
    render(<SecurityPanel />);
    await waitFor(() => expect(screen.getByTestId('audit-log').textContent).toMatch(/Your room key was replaced on schedule/));
    const advanced = screen.getByTestId('security-advanced') as HTMLDetailsElement;
    expect(advanced.open).toBe(false);
    const outside = [...screen.getByTestId('security-panel').children].filter((el) => el !== advanced).map((el) => el.textContent).join(' ');
    expect(outside).not.toMatch(/1796153056|AB:CD:EF|room-key-rotated|epoch/i);
    fireEvent.click(screen.getByTestId('revoke-now'));
    expect(screen.getByTestId('revoke-confirm')).toBeTruthy();
    fireEvent.click(screen.getByTestId('revoke-confirm-cancel'));
    expect(screen.queryByTestId('revoke-confirm')).toBeNull();
    expect(calls.some((c) => c.channel === 'keys:revoke')).toBe(false);
  });

  it('plain reasons replace codes', () => {
    expect(plainReason('ERR_DATA_CHANNEL')).toBe('the connection dropped');
    expect(plainReason('bad-arguments: settings:set: argument 0.rotationIntervalMs: too small')).toBe('a value was not accepted');
    expect(plainReason('too-large: file is larger than the maxFileBytes setting')).not.toMatch(/maxFileBytes/);
  });
});

describe('settings', () => {
  it('checks minutes and MiB inline, in plain words, before anything reaches main', async () => {
    const { calls } = installFakeVeil({ 'settings:get': () => ({ signMessages: true, rotationIntervalMs: 3_600_000, maxFileBytes: 4096 * MIB }) });
    render(<SettingsPanel />);
    await waitFor(() => expect((screen.getByTestId('settings-rotation') as HTMLInputElement).disabled).toBe(false));
    const save = screen.getByTestId('settings-save') as HTMLButtonElement;
    fireEvent.change(screen.getByTestId('settings-rotation'), { target: { value: '0' } });
    expect(screen.getByTestId('settings-rotation-problem').textContent).toBe('Choose between 1 and 1,440 minutes.');
    expect(save.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('settings-rotation'), { target: { value: '90' } });
    fireEvent.change(screen.getByTestId('settings-max-file'), { target: { value: '100000' } });
    expect(screen.getByTestId('settings-max-file-problem').textContent).toBe('Choose between 1 and 65,536 MiB.');
    fireEvent.change(screen.getByTestId('settings-server'), { target: { value: 'http://not a host' } });
    expect(screen.getByTestId('settings-server-problem').textContent).toMatch(/not a valid address/);
    fireEvent.click(save);
    expect(calls.some((c) => c.channel === 'settings:set')).toBe(false);
  });

  it('shows a refusal from main in words, not a zod path', async () => {
    installFakeVeil({
      'settings:get': () => ({ signMessages: true, rotationIntervalMs: 3_600_000, maxFileBytes: 4096 * MIB }),
      'settings:set': () => { throw Object.assign(new Error('settings:set: argument 0.rotationIntervalMs: Too small'), { code: 'bad-arguments' }); }
    });
    render(<SettingsPanel />);
    await waitFor(() => expect((screen.getByTestId('settings-save') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByTestId('settings-msg').textContent).toBe('Not saved: a value was not accepted.'));
  });

  it('desktop notifications are off by default', async () => {
    installFakeVeil({ 'settings:get': () => ({ signMessages: true, rotationIntervalMs: 3_600_000, maxFileBytes: 4096 * MIB }) });
    render(<SettingsPanel />);
    expect((screen.getByTestId('settings-notify') as HTMLInputElement).checked).toBe(false);
  });
});
