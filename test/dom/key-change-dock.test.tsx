// The key-change warning leaves the call usable (not modal, no focus trap) and offers "Verify now" for that peer.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyChangeModal } from '../../renderer/src/features/trust/KeyChangeModal';
import { VerifyDialog } from '../../renderer/src/features/trust/VerifyDialog';
import { useApp } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const KEY = 'K'.repeat(43);

beforeEach(() => {
  useApp.setState({ phase: 'call', peers: {}, contacts: {}, keyChanges: [], verifyFor: null, alerts: [] });
});
afterEach(cleanup);

describe('key-change warning', () => {
  it('is not modal: no overlay, no aria-modal, Tab leaves it for the call controls', () => {
    installFakeVeil({});
    useApp.getState().upsertPeer(KEY, { displayName: 'Bob', trust: 'changed', fingerprint: 'ffff' });
    act(() => useApp.getState().addKeyChange(KEY));
    render(<><button data-testid="mute">Mute</button><KeyChangeModal /></>);
    const dock = screen.getByTestId('key-change-modal');
    expect(dock.closest('.overlay')).toBeNull();
    expect(dock.getAttribute('aria-modal')).not.toBe('true');
    expect(dock.contains(document.activeElement)).toBe(true);
    // No focus trap: a Tab from the last button is not pulled back into the warning.
    const buttons = dock.querySelectorAll('button');
    const last = buttons[buttons.length - 1] as HTMLButtonElement;
    last.focus();
    const tab = fireEvent.keyDown(last, { key: 'Tab' });
    expect(tab).toBe(true);
    screen.getByTestId('mute').focus();
    expect(document.activeElement).toBe(screen.getByTestId('mute'));
  });

  it('"Verify now" opens the safety number of that peer, and the warning stays until decided', async () => {
    const { calls } = installFakeVeil({ 'trust:safetyNumber': () => ({ digits: '1'.repeat(60), groups: '1'.repeat(60).match(/.{5}/g), qrPayload: 'veil-sn' }) });
    useApp.getState().upsertPeer(KEY, { displayName: 'Bob', trust: 'changed', fingerprint: 'ffff' });
    act(() => useApp.getState().addKeyChange(KEY));
    render(<><KeyChangeModal /><VerifyDialog /></>);
    fireEvent.click(screen.getByTestId('key-change-verify'));
    expect(useApp.getState().verifyFor).toBe(KEY);
    await waitFor(() => expect(screen.getByTestId('verify-dialog')).toBeTruthy());
    await waitFor(() => expect(screen.getByTestId('safety-number').getAttribute('data-digits')).toBe('1'.repeat(60)));
    expect(calls.find((c) => c.channel === 'trust:safetyNumber')?.args).toEqual([KEY]);
    expect(screen.getByTestId('key-change-modal')).toBeTruthy();
  });
});
