// DTLS fingerprints: read from SDP (`a=fingerprint:`) and from the live transport's remote certificate stats.

/** `sha-256 AB:CD:...` from the first fingerprint line of an SDP, normalised to upper-case hex. */
export function fingerprintFromSdp(sdp: string): string | null {
  const m = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp);
  if (!m) return null;
  return `${m[1]!.toLowerCase()} ${m[2]!.toUpperCase()}`;
}

/** All fingerprint lines of an SDP; a well-formed Veil SDP carries exactly one distinct value. */
export function allFingerprints(sdp: string): string[] {
  const out = new Set<string>();
  for (const m of sdp.matchAll(/^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/gm)) out.add(`${m[1]!.toLowerCase()} ${m[2]!.toUpperCase()}`);
  return [...out];
}

interface StatsLike { forEach(cb: (value: Record<string, unknown>) => void): void }

/** The remote certificate fingerprint of the selected transport, or null if DTLS is not up yet. */
export function remoteFingerprintFromStats(report: StatsLike): string | null {
  const byId = new Map<string, Record<string, unknown>>();
  report.forEach((s) => byId.set(String(s.id), s));
  for (const s of byId.values()) {
    if (s.type !== 'transport' || typeof s.remoteCertificateId !== 'string') continue;
    const cert = byId.get(s.remoteCertificateId);
    if (cert && typeof cert.fingerprint === 'string' && typeof cert.fingerprintAlgorithm === 'string') {
      return `${cert.fingerprintAlgorithm.toLowerCase()} ${cert.fingerprint.toUpperCase()}`;
    }
  }
  return null;
}
