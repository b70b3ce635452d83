// Audio levels from MediaStreams (WebAudio AnalyserNode): the active-speaker highlight, the muted nudge, the lobby mic meter.
import { useEffect, useState } from 'react';

/** RMS above this (about -34 dBFS) counts as speech; held for HOLD_MS so a tile does not flicker between words. */
export const SPEAKING_RMS = 0.02;
const HOLD_MS = 600;
const SAMPLE_MS = 100;

let shared: AudioContext | null = null;
function audioContext(): AudioContext | null {
  if (typeof AudioContext === 'undefined') return null;
  shared ??= new AudioContext();
  if (shared.state === 'suspended') void shared.resume().catch(() => {});
  return shared;
}

/**
 * Calls `onLevel(rms)` every 100 ms for the stream's first audio track until the returned stop is called. `clone`
 * measures a copy of the track, so a muted (disabled) microphone can still be heard by the "you are muted" nudge
 * without anything leaving this device. No audio track or no WebAudio: never calls back.
 */
export function watchLevel(stream: MediaStream | null | undefined, onLevel: (rms: number) => void, clone = false): () => void {
  const track = stream?.getAudioTracks()[0];
  const ctx = track ? audioContext() : null;
  if (!track || !ctx) return () => {};
  const measured = clone ? track.clone() : track;
  if (clone) measured.enabled = true;
  let source: MediaStreamAudioSourceNode;
  try {
    source = ctx.createMediaStreamSource(new MediaStream([measured]));
  } catch {
    if (clone) measured.stop();
    return () => {};
  }
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const x of buf) sum += x * x;
    onLevel(Math.sqrt(sum / buf.length));
  }, SAMPLE_MS);
  return () => {
    clearInterval(timer);
    source.disconnect();
    if (clone) measured.stop();
  };
}

/** A speaking highlight may start this much later than its tile, at the latest. */
export const SPEAKING_START_LATEST_MS = 1000;

/**
 * Runs `start` once the page is idle (within SPEAKING_START_LATEST_MS): the WebAudio graph of a tile (tens of ms of main
 * thread on a loaded machine: the context, the stream source) is not built in the same task as the render that showed
 * the tile, which at a link-up is also when the first chat messages arrive. Returns a cancel that also stops what started.
 */
export function startWhenIdle(start: () => () => void): () => void {
  let stop: (() => void) | null = null;
  let cancelled = false;
  const run = () => { if (!cancelled) stop = start(); };
  const idle = typeof requestIdleCallback === 'function' ? requestIdleCallback(run, { timeout: SPEAKING_START_LATEST_MS }) : null;
  const timer = idle === null ? setTimeout(run, 0) : null;
  return () => {
    cancelled = true;
    if (idle !== null) cancelIdleCallback(idle);
    if (timer !== null) clearTimeout(timer);
    stop?.();
  };
}

/** Speaking or not, with a hold time; re-renders only when that changes. */
export function useSpeaking(stream: MediaStream | null | undefined, opts: { clone?: boolean; enabled?: boolean } = {}): boolean {
  const [speaking, setSpeaking] = useState(false);
  const enabled = opts.enabled ?? true;
  useEffect(() => {
    setSpeaking(false);
    if (!enabled) return;
    let lastLoud = 0;
    return startWhenIdle(() => watchLevel(stream, (rms) => {
      const now = Date.now();
      if (rms >= SPEAKING_RMS) lastLoud = now;
      setSpeaking(now - lastLoud < HOLD_MS);
    }, opts.clone ?? false));
  }, [stream, enabled, opts.clone]);
  return speaking;
}

/** The level itself (0..1, a loudness scale for a meter), for the lobby's mic check. */
export function useLevel(stream: MediaStream | null | undefined): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    setLevel(0);
    // sqrt spreads quiet speech over the meter; RMS of speech rarely passes 0.3.
    return watchLevel(stream, (rms) => setLevel(Math.min(1, Math.sqrt(rms / 0.3))));
  }, [stream]);
  return level;
}
