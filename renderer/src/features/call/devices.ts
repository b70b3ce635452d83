// Audio outputs (speakers) for the output choice: listed here, since capture devices are rtc's and outputs are only the UI's.
import { useEffect, useState } from 'react';
import type { DeviceOption } from '../../store/media-slice';

export async function listSpeakers(): Promise<DeviceOption[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const all = await navigator.mediaDevices.enumerateDevices();
  return all.filter((d) => d.kind === 'audiooutput' && d.deviceId && d.deviceId !== 'default')
    .map((d, i) => ({ deviceId: d.deviceId, kind: d.kind, label: d.label || `Speaker ${i + 1}` }));
}

/** Output choice needs `setSinkId` on media elements (Chromium has it); without it, no choice is offered. */
export const canChooseSpeaker = () => typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

export function useSpeakers(): DeviceOption[] {
  const [list, setList] = useState<DeviceOption[]>([]);
  useEffect(() => {
    if (!canChooseSpeaker()) return;
    let live = true;
    const refresh = () => void listSpeakers().then((l) => { if (live) setList(l); }, () => {});
    refresh();
    navigator.mediaDevices?.addEventListener?.('devicechange', refresh);
    return () => { live = false; navigator.mediaDevices?.removeEventListener?.('devicechange', refresh); };
  }, []);
  return list;
}
