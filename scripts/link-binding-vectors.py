#!/usr/bin/env python3
# Writes test/vectors/veil/link-binding.json from docs/PROTOCOL.md §8 alone (Python stdlib), a second implementation the TS code must match.
import hashlib
import hmac
import json
import pathlib
import sys

LABEL = b"veil/v1/link-binding\0"
KEY_INFO = b"veil/v1/link-binding-key\0"
ROLE_BYTE = {"offer": 1, "answer": 2, "confirm": 3}


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    prk = hmac.new(salt or b"\0" * 32, ikm, hashlib.sha256).digest()
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:length]


def lp8(s: str) -> bytes:
    b = s.encode("utf-8")
    assert len(b) < 256
    return bytes([len(b)]) + b


def fingerprint(start: int, step: int) -> str:
    return "sha-256 " + ":".join(f"{(start + i * step) & 0xFF:02X}" for i in range(32))


def transcript(c: dict) -> bytes:
    t = (LABEL + bytes([ROLE_BYTE[c["role"]]]) + lp8(c["roomId"]) + bytes.fromhex(c["senderIdentityKey"])
         + bytes.fromhex(c["recipientIdentityKey"]) + bytes.fromhex(c["senderKeyId"]) + c["senderEpoch"].to_bytes(4, "big")
         + bytes.fromhex(c["recipientKeyId"]) + c["recipientEpoch"].to_bytes(4, "big")
         + lp8(c["senderFingerprint"]) + lp8(c["recipientFingerprint"]))
    if c["role"] == "answer":
        t += bytes.fromhex(c["offerDigest"])
    if c["role"] == "confirm":
        t += bytes.fromhex(c["answerDigest"])
    return t


def main() -> None:
    direction_key = bytes(range(0x40, 0x60))
    bind_key = hkdf_sha256(direction_key, b"", KEY_INFO, 32)
    offerer_fp, answerer_fp = fingerprint(0x00, 7), fingerprint(0xFF, -1)
    offer_sdp = ("v=0\r\no=- 2771836519021744125 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                 "a=ice-ufrag:Qm3d\r\na=ice-pwd:7bXhK0u2LwYt1vNfRq9eJc4s\r\na=fingerprint:" + offerer_fp + "\r\n")
    answer_sdp = ("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                  "a=ice-ufrag:Vx9q\r\na=ice-pwd:ZS1rV2Qbf0T8mPAbkVXWy9sG\r\n")
    common = {
        "roomId": "room-1",
        "senderIdentityKey": bytes(range(1, 33)).hex(), "recipientIdentityKey": bytes(range(0x81, 0xA1)).hex(),
        "senderKeyId": bytes(range(0x21, 0x31)).hex(), "senderEpoch": 1764600000,
        "recipientKeyId": bytes(range(0xA1, 0xB1)).hex(), "recipientEpoch": 1764600123,
    }
    cases = [
        {"role": "offer", **common, "senderFingerprint": offerer_fp, "recipientFingerprint": ""},
        {"role": "answer", **common, "senderFingerprint": answerer_fp, "recipientFingerprint": offerer_fp,
         "offerSdp": offer_sdp, "offerDigest": hashlib.sha256(offer_sdp.encode("utf-8")).hexdigest()},
        {"role": "confirm", **common, "senderFingerprint": offerer_fp, "recipientFingerprint": answerer_fp,
         "answerSdp": answer_sdp, "answerDigest": hashlib.sha256(answer_sdp.encode("utf-8")).hexdigest()},
    ]
    for c in cases:
        t = transcript(c)
        c["transcript"] = t.hex()
        c["mac"] = hmac.new(bind_key, t, hashlib.sha256).hexdigest()
    out = {
        "description": ("Veil link binding v2 (docs/PROTOCOL.md §8): bindKey = HKDF-SHA256(directionKey, salt empty, "
                        "info \"veil/v1/link-binding-key\\0\"); mac = HMAC-SHA256(bindKey, transcript). Written by "
                        "scripts/link-binding-vectors.py (Python stdlib) and checked against main/crypto/link-binding.ts on every backend. "
                        "An answer (role 2) appends offerDigest = SHA-256(offerSdp as UTF-8); a confirm (role 3), sent by the offerer "
                        "over both fingerprints, appends answerDigest = SHA-256(answerSdp as UTF-8)."),
        "directionKey": direction_key.hex(), "bindKey": bind_key.hex(), "cases": cases,
    }
    path = pathlib.Path(__file__).resolve().parent.parent / "test/vectors/veil/link-binding.json"
    text = json.dumps(out, indent=2) + "\n"
    if "--check" in sys.argv:
        sys.exit(0 if path.read_text() == text else "link-binding.json differs from what the spec gives")
    path.write_text(text)


if __name__ == "__main__":
    main()
