// Settings: server address, ICE servers, always relay, key rotation, signatures, largest file, videos at once, desktop notifications; checked inline in their units.
import { useEffect, useState } from 'react';
import { FILE_LIMITS } from '../../../../protocol/file-limits';
import type { E2eeSettings } from '../../../../protocol/ipc-e2ee';
import { LIMITS } from '../../../../protocol/limits';
import { currentRoom } from '../../app/actions';
import { serverUrlProblem } from '../../lib/join-errors';
import { plainReason } from '../../lib/plain-words';
import { load, loadPrefs, save, savePrefs, SFU_VIDEO_FEED_CHOICES } from '../../lib/storage';
import { errorText, unwrap } from '../../lib/veil';
import { useApp } from '../../store';

export function parseIceServers(text: string): RTCIceServer[] | null {
  const urls = text.split(/[\s,]+/).map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0) return null;
  if (!urls.every((u) => /^(stun|turns?):/.test(u))) throw new Error('ICE servers must start with stun:, turn: or turns:');
  return urls.map((u) => ({ urls: u }));
}

const MIB = 1024 * 1024;
const MAX_ROTATION_MIN = LIMITS.keyMaxAgeMs / 60_000;
const MIN_FILE_MIB = FILE_LIMITS.minMaxFileBytes / MIB;
const MAX_FILE_MIB = FILE_LIMITS.hardMaxFileBytes / MIB;

/** A whole number between min and max typed in a field, or the problem in words (in the field's own unit). */
export function wholeNumberProblem(text: string, min: number, max: number, unit: string): string | null {
  const t = text.trim();
  if (!t) return `Enter a number of ${unit}.`;
  if (!/^\d+$/.test(t)) return `Use a whole number of ${unit}.`;
  const n = Number(t);
  if (n < min || n > max) return `Choose between ${min.toLocaleString('en-US')} and ${max.toLocaleString('en-US')} ${unit}.`;
  return null;
}

export const rotationProblem = (text: string) => wholeNumberProblem(text, 1, MAX_ROTATION_MIN, 'minutes');
export const maxFileProblem = (text: string) => wholeNumberProblem(text, MIN_FILE_MIB, MAX_FILE_MIB, 'MiB');

function iceProblem(text: string): string | null {
  try {
    parseIceServers(text);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function setNotifications(on: boolean): Promise<boolean> {
  if (on && typeof Notification !== 'undefined' && Notification.permission === 'default') {
    await Notification.requestPermission().catch(() => 'denied');
  }
  const granted = !on || (typeof Notification !== 'undefined' && Notification.permission === 'granted');
  savePrefs({ desktopNotifications: on && granted });
  return on && granted;
}

export function SettingsPanel() {
  const defaults = useApp((s) => s.iceServers);
  const [settings, setSettings] = useState<E2eeSettings | null>(null);
  const [server, setServer] = useState(load('veil.lobby', { displayName: '', serverUrl: '' }).serverUrl);
  const [ice, setIce] = useState((load<RTCIceServer[] | null>('veil.iceServers', null) ?? []).map((s) => String(s.urls)).join('\n'));
  const [minutes, setMinutes] = useState('');
  const [maxFileMiB, setMaxFileMiB] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const [notify, setNotify] = useState(loadPrefs().desktopNotifications);
  const [videoFeeds, setVideoFeeds] = useState(loadPrefs().sfuVideoFeeds);
  const problems = {
    server: server.trim() ? serverUrlProblem(server) : null,
    ice: iceProblem(ice),
    rotation: settings ? rotationProblem(minutes) : null,
    maxFile: settings ? maxFileProblem(maxFileMiB) : null
  };
  const valid = Object.values(problems).every((p) => p === null);
  useEffect(() => {
    void unwrap(window.veil.settings.get()).then((s) => {
      setSettings(s);
      setMinutes(String(Math.round(s.rotationIntervalMs / 60000)));
      setMaxFileMiB(String(Math.round(s.maxFileBytes / MIB)));
    }, (e: unknown) => setMsg(`Could not load the settings: ${plainReason(errorText(e))}.`));
  }, []);
  const apply = async () => {
    setMsg(null);
    if (!valid) return;
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
      setMsg(`Not saved: ${plainReason(errorText(err))}.`);
    }
  };
  return (
    <section className="settings" data-testid="settings-panel">
      <label>Server address (next join)
        <input value={server} onChange={(e) => setServer(e.target.value)} data-testid="settings-server" aria-invalid={problems.server !== null} />
      </label>
      {problems.server && <p className="hint" data-testid="settings-server-problem">{problems.server}</p>}
      <label>ICE servers (one per line; empty = server defaults)
        <textarea rows={3} value={ice} onChange={(e) => setIce(e.target.value)} data-testid="settings-ice"
          placeholder={defaults.map((s) => String(s.urls)).join('\n') || 'stun:stun.example.org:3478'} aria-invalid={problems.ice !== null} />
      </label>
      {problems.ice && <p className="hint" data-testid="settings-ice-problem">{problems.ice}</p>}
      <label>Rotate my room key every (minutes)
        {/* Disabled until main's values arrived, so a late load cannot overwrite what the user typed. */}
        <input type="number" min={1} max={MAX_ROTATION_MIN} step={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} data-testid="settings-rotation"
          disabled={!settings} aria-invalid={problems.rotation !== null} />
      </label>
      {problems.rotation && <p className="hint" data-testid="settings-rotation-problem">{problems.rotation}</p>}
      <label>Largest file I send or accept (MiB)
        <input type="number" min={MIN_FILE_MIB} max={MAX_FILE_MIB} step={1} value={maxFileMiB} onChange={(e) => setMaxFileMiB(e.target.value)}
          data-testid="settings-max-file" disabled={!settings} aria-invalid={problems.maxFile !== null} />
      </label>
      {problems.maxFile && <p className="hint" data-testid="settings-max-file-problem">{problems.maxFile}</p>}
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
      <label>Videos shown at once in large calls (the others are heard, and shown when they speak)
        <select value={videoFeeds} data-testid="settings-video-feeds"
          onChange={(e) => { const n = Number(e.target.value); setVideoFeeds(savePrefs({ sfuVideoFeeds: n }).sfuVideoFeeds); }}>
          {SFU_VIDEO_FEED_CHOICES.map((n) => <option key={n} value={n}>{n === 0 ? 'all' : n}</option>)}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={notify} data-testid="settings-notify"
          onChange={(e) => void setNotifications(e.target.checked).then(setNotify)} />
        Desktop notification for new messages while Veil is in the background (shows who wrote, never the text)
      </label>
      <button className="primary" onClick={() => void apply()} data-testid="settings-save" disabled={!settings || !valid}>Save</button>
      {msg && <p className="muted" data-testid="settings-msg">{msg}</p>}
    </section>
  );
}
