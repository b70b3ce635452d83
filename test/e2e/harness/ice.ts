// ICE assertions for browser tests: the selected candidate pair from getStats, and the candidates inside signals.

export interface SelectedPair { local: string | null; remote: string | null; localAddress: string | null; remoteAddress: string | null }

/** An expression: per connected peer connection, the candidate types of the selected pair (null when none yet). */
export const selectedPairsExpr = `(async () => {
  const out = [];
  for (const pc of window.__veilPcs) {
    if (pc.connectionState !== 'connected') continue;
    const st = await pc.getStats();
    let pair;
    st.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = st.get(s.selectedCandidatePairId); });
    if (!pair) st.forEach((s) => { if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s; });
    if (!pair) { out.push(null); continue; }
    const l = st.get(pair.localCandidateId), r = st.get(pair.remoteCandidateId);
    out.push({ local: l ? l.candidateType : null, remote: r ? r.candidateType : null,
      localAddress: l ? (l.address ?? null) : null, remoteAddress: r ? (r.address ?? null) : null });
  }
  return out;
})()`;

/** An expression: per open peer connection, its ICE and connection state and how many candidate pairs succeeded. */
export const iceProbeExpr = `(async () => {
  const out = [];
  for (const pc of window.__veilPcs) {
    if (pc.connectionState === 'closed') continue;
    let succeeded = 0;
    try { (await pc.getStats()).forEach((s) => { if (s.type === 'candidate-pair' && s.state === 'succeeded') succeeded++; }); } catch {}
    out.push({ ice: pc.iceConnectionState, conn: pc.connectionState, succeeded });
  }
  return out;
})()`;

export interface CandidateInfo { type: string; address: string; raddr: string | null; line: string }

/** Every candidate in a signal: `a=candidate:` lines of its SDP and a trickled `candidate` string. */
export function candidatesIn(signal: unknown): CandidateInfo[] {
  const s = (signal ?? {}) as { sdp?: unknown; candidate?: unknown };
  const lines: string[] = [];
  if (typeof s.sdp === 'string') for (const l of s.sdp.split(/\r?\n/)) if (l.startsWith('a=candidate:')) lines.push(l);
  const c = s.candidate;
  const trickled = typeof c === 'string' ? c : typeof c === 'object' && c && typeof (c as { candidate?: unknown }).candidate === 'string'
    ? (c as { candidate: string }).candidate : null;
  if (trickled) lines.push(trickled);
  return lines.map((line) => {
    const f = line.replace(/^a=/, '').split(' ');
    const at = (k: string) => { const i = f.indexOf(k); return i >= 0 ? f[i + 1] ?? null : null; };
    return { type: at('typ') ?? '?', address: f[4] ?? '', raddr: at('raddr'), line };
  });
}
