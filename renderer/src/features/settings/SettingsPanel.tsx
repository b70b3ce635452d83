// Settings: server address, ICE servers, always relay, rotation interval, message signatures and the largest file to send or accept.
import { useEffect, useState } from 'react';
import { FILE_LIMITS } from '../../../../protocol/file-limits';
import type { E2eeSettings } from '../../../../protocol/ipc-e2ee';
import { currentRoom } from '../../app/actions';
import { load, save } from '../../lib/storage';
import { errorText, unwrap } from '../../lib/veil';
import { useApp } from '../../store';

export function parseIceServers(text: string): RTCIceServer[] | null {
  const urls = text.split(/[\s,]+/).map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0) return null;
  if (!urls.every((u) => /^(stun|turns?):/.test(u))) throw new Error('ICE servers must start with stun:, turn: or turns:');
  return urls.map((u) => ({ urls: u }));
}

const MIB = 1024 * 1024;

export function SettingsPanel() {
  const defaults = useApp((s) => s.iceServers);
  const [settings, setSettings] = useState<E2eeSettings | null>(null);
  const [server, setServer] = useState(load('veil.lobby', { displayName: '', serverUrl: '' }).serverUrl);
  const [ice, setIce] = useState((load<RTCIceServer[] | null>('veil.iceServers', null) ?? []).map((s) => String(s.urls)).join('\n'));
  const [minutes, setMinutes] = useState('');
  const [maxFileMiB, setMaxFileMiB] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  useEffect(() => {
    void unwrap(window.veil.settings.get()).then((s) => {
      setSettings(s);
      setMinutes(String(Math.round(s.rotationIntervalMs / 60000)));
      setMaxFileMiB(String(Math.round(s.maxFileBytes / MIB)));
    }, (e: unknown) => setMsg(errorText(e)));
  }, []);
  const apply = async () => {
    setMsg(null);
    try {
      save('veil.iceServers', parseIceServers(ice));
      const lobby = load('veil.lobby', { displayName: '', serverUrl: '' });
      save('veil.lobby', { ...lobby, serverUrl: server });
      const next = await unwrap(window.veil.settings.set({ rotationIntervalMs: Math.round(Number(minutes) * 60000),
        signMessages: settings?.signMessages ?? true, maxFileBytes: Math.round(Number(maxFileMiB) * MIB),
        alwaysRelay: settings?.alwaysRelay ?? false }));
      setSettings(next);
      currentRoom()?.setAlwaysRelay(next.alwaysRelay);
      await currentRoom()?.restartRotationTimer();
      setMsg('Saved.');
    } catch (err) {
      setMsg(errorText(err));
    }
  };
  return (
    <section className="settings" data-testid="settings-panel">
      <label>Server address (next join)
        <input value={server} onChange={(e) => setServer(e.target.value)} data-testid="settings-server" />
      </label>
      <label>ICE servers (one per line; empty = server defaults)
        <textarea rows={3} value={ice} onChange={(e) => setIce(e.target.value)} data-testid="settings-ice"
          placeholder={defaults.map((s) => String(s.urls)).join('\n') || 'stun:stun.example.org:3478'} />
      </label>
      <label>Rotate my room key every (minutes)
        {/* Disabled until main's values arrived, so a late load cannot overwrite what the user typed. */}
        <input type="number" min={1} max={1440} value={minutes} onChange={(e) => setMinutes(e.target.value)} data-testid="settings-rotation"
          disabled={!settings} />
      </label>
      <label>Largest file I send or accept (MiB)
        <input type="number" min={1} max={FILE_LIMITS.hardMaxFileBytes / MIB} value={maxFileMiB} onChange={(e) => setMaxFileMiB(e.target.value)}
          data-testid="settings-max-file" disabled={!settings} />
      </label>
      <label className="check">
        <input type="checkbox" checked={settings?.alwaysRelay ?? false} data-testid="settings-always-relay" disabled={!settings}
          onChange={(e) => setSettings((s) => (s ? { ...s, alwaysRelay: e.target.checked } : s))} />
        Always relay my calls: hides my IP address from other members (the TURN relay and the signaling server still see it;
        applies to connections made after saving)
      </label>
      <label className="check">
        <input type="checkbox" checked={settings?.signMessages ?? true} data-testid="settings-sign"
          onChange={(e) => setSettings((s) => (s ? { ...s, signMessages: e.target.checked } : s))} />
        Sign every message with my identity key
      </label>
      <button className="primary" onClick={() => void apply()} data-testid="settings-save" disabled={!settings}>Save</button>
      {msg && <p className="muted" data-testid="settings-msg">{msg}</p>}
    </section>
  );
}
