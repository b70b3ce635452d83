// ICE policy for a link: its RTCConfiguration, and with "always relay" on, which local candidates may leave the app.
//
// With `iceTransportPolicy: 'relay'` Chromium gathers only TURN candidates; the SDP filter below is defence in depth
// (a browser bug, a changed default or a new candidate type must not put our address into a signal).

export interface IcePolicyInput {
  iceServers: RTCIceServer[];
  certificate: RTCCertificate | null;
  /** The user's "Always relay my calls" setting. */
  alwaysRelay: boolean;
}

const TURN_URL = /^turns?:/i;
const urlsOf = (s: RTCIceServer): string[] => (Array.isArray(s.urls) ? [...s.urls] : [s.urls]);

/**
 * The configuration every RTCPeerConnection of a link is built with. Both ends are Veil (Chromium), so every media
 * section rides one bundled transport (`max-bundle`): the offerer gathers candidates for one transport, not one per
 * section. `iceCandidatePoolSize: 1` starts that gathering when the connection is made, so it overlaps the offer being
 * created and bound instead of following it (Veil does not trickle: the offer leaves once gathering is complete).
 */
export function buildRtcConfiguration(input: IcePolicyInput): RTCConfiguration {
  const config: RTCConfiguration = { bundlePolicy: 'max-bundle', iceCandidatePoolSize: 1 };
  if (input.alwaysRelay) {
    // Only TURN URLs: relay-only gathering has no use for STUN, and no STUN server needs to learn our address.
    config.iceServers = input.iceServers.flatMap((s) => {
      const urls = urlsOf(s).filter((u) => TURN_URL.test(u));
      return urls.length > 0 ? [{ ...s, urls }] : [];
    });
    config.iceTransportPolicy = 'relay';
  } else {
    config.iceServers = input.iceServers;
  }
  if (input.certificate) config.certificates = [input.certificate];
  return config;
}

/** The `typ` of an ICE candidate string (`candidate:…`) or SDP line (`a=candidate:…`); null when it does not parse. */
export function candidateType(candidate: string): string | null {
  const fields = candidate.trim().replace(/^a=/, '').split(/\s+/);
  if (!fields[0]?.startsWith('candidate:') || fields.length < 8 || fields[6] !== 'typ') return null;
  return fields[7] ?? null;
}

/** Only relay candidates may leave under "always relay" (anything unparseable is treated as not relay). */
export function isRelayCandidate(candidate: string): boolean {
  return candidateType(candidate) === 'relay';
}

/** A relay candidate's related address is our address as the TURN server saw it: it leaves blanked. */
export function blankRelatedAddress(candidate: string): string {
  return candidate.replace(/(\sraddr\s+)\S+(\s+rport\s+)\d+/, (_m, raddr: string, rport: string) => `${raddr}0.0.0.0${rport}0`);
}

export type LocalSdp = { ok: true; sdp: string } | { ok: false; reason: string };

export const NO_RELAY_CANDIDATE = 'always relay is on, but no TURN relay candidate was gathered (no reachable TURN server)';

/**
 * Keeps only relay candidates (related addresses blanked) and replaces any connection or RTCP address that is not
 * one of them by 0.0.0.0, since those lines repeat the default candidate's address. Refuses an SDP left without any
 * relay candidate: it could never connect, and the user gets the reason instead of a silent timeout.
 */
export function relayOnlySdp(sdp: string): LocalSdp {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const relayAddresses = new Set<string>();
  const kept: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (!line.startsWith('a=candidate:')) { kept.push(line); continue; }
    if (!isRelayCandidate(line)) continue;
    const address = line.split(/\s+/)[4];
    if (address) relayAddresses.add(address.toLowerCase());
    kept.push(blankRelatedAddress(line));
  }
  if (relayAddresses.size === 0) return { ok: false, reason: NO_RELAY_CANDIDATE };
  const known = (addr: string) => relayAddresses.has(addr.toLowerCase());
  const out = kept.map((line) => {
    const c = /^c=IN (IP4|IP6) (\S+)$/.exec(line);
    if (c && !known(c[2]!)) return 'c=IN IP4 0.0.0.0';
    const rtcp = /^a=rtcp:\d+ IN (IP4|IP6) (\S+)$/.exec(line);
    if (rtcp && !known(rtcp[2]!)) return 'a=rtcp:9 IN IP4 0.0.0.0';
    return line;
  });
  return { ok: true, sdp: out.join(eol) };
}

/** The local offer/answer SDP that may leave under `config` (unchanged unless the policy is relay-only). */
export function localSdpForPolicy(sdp: string, config: RTCConfiguration): LocalSdp {
  return config.iceTransportPolicy === 'relay' ? relayOnlySdp(sdp) : { ok: true, sdp };
}
