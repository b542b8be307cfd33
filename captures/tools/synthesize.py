#!/usr/bin/env python3
"""Make the failure modes the radio lab cannot produce out of a real capture.

Each mode changes a few bytes of captures/handshake-ok-radiotap.pcap (a real
WPA2-PSK handshake) so that exactly one of the checks hostapd or
wpa_supplicant make fails, and leaves every MIC-covered byte alone unless the
mode says otherwise: the cryptography stays real. Standard library only.

usage: synthesize.py MODE IN.pcap OUT.pcap
modes:
  descriptor  msg 1/4 claims key descriptor version 3 (AES-CMAC) on a CCMP/PSK link
  anonce      msg 1/4 carries another ANonce than msg 3/4; msg 4/4 removed
  replay      msg 1/4's replay counter jumps ahead of the msg 2/4 and 3/4 that follow; msg 4/4 removed
  assoc-ie    the association request's RSN element differs from the one in msg 2/4
  beacon-ie   the Beacons' and Probe Responses' RSN element differs from the one in msg 3/4
  m4-missed   msg 4/4 and the ACK right after it removed, as a sniffer that missed them
"""
import struct
import sys

from drop_m2_acks import dot11, records


def header_len(frame):
    fc = frame[0] | frame[1] << 8
    ftype, subtype = (fc >> 2) & 3, (fc >> 4) & 0xF
    length = 24
    if ftype == 2:
        if fc & 0x0300 == 0x0300:
            length += 6
        if subtype & 0x8:
            length += 2
            if fc & 0x8000:
                length += 4
    return length


def eapol_offset(frame):
    """Offset of the EAPOL-Key frame inside an unprotected data frame, or None."""
    fc = frame[0] | frame[1] << 8
    if (fc >> 2) & 3 != 2 or fc & 0x4000:
        return None
    at = header_len(frame)
    if frame[at:at + 8] != b"\xaa\xaa\x03\x00\x00\x00\x88\x8e":
        return None
    at += 8
    return at if frame[at + 1] == 3 else None


def message(frame):
    at = eapol_offset(frame)
    if at is None:
        return None, None
    key_info = struct.unpack(">H", frame[at + 5:at + 7])[0]
    data_len = struct.unpack(">H", frame[at + 97:at + 99])[0]
    if key_info & 0x0080:
        return ("M3" if key_info & 0x0100 else "M1"), at
    return ("M2" if data_len else "M4"), at


def subtype(frame):
    fc = frame[0] | frame[1] << 8
    return (fc >> 2) & 3, (fc >> 4) & 0xF


def rsn_element(frame, fixed):
    """Offset of the RSN element's body in a management frame, or None."""
    at = 24 + fixed
    while at + 2 <= len(frame):
        element, length = frame[at], frame[at + 1]
        if element == 48:
            return at + 2, length
        at += 2 + length
    return None


def mutate(mode, frame):
    """Returns the changed frame, or None to drop it."""
    frame = bytearray(frame)
    kind, at = message(frame)
    ftype, sub = subtype(frame)
    if mode == "descriptor" and kind == "M1":
        frame[at + 6] = (frame[at + 6] & 0xF8) | 3
    elif mode == "anonce" and kind == "M1":
        frame[at + 17 + 31] ^= 0x5A
    elif mode == "replay" and kind == "M1":
        frame[at + 16] = (frame[at + 16] + 4) & 0xFF
    elif mode in ("anonce", "replay", "m4-missed") and kind == "M4":
        return None
    elif mode == "assoc-ie" and ftype == 0 and sub == 0:
        found = rsn_element(frame, 4)
        if found:
            body, length = found
            frame[body + length - 2] ^= 0x80  # RSN capabilities: PMF capable
    elif mode == "beacon-ie" and ftype == 0 and sub in (5, 8):
        found = rsn_element(frame, 12)
        if found:
            body, length = found
            frame[body + length - 2] ^= 0x01  # RSN capabilities: preauth
    return bytes(frame)


def main(mode, src, dst):
    data = open(src, "rb").read()
    out = [data[:24]]
    changed = dropped = 0
    after_dropped = False
    for header, packet in records(data):
        radiotap = struct.unpack("<H", packet[2:4])[0]
        frame = dot11(packet)
        new = mutate(mode, frame)
        # The sniffer that missed msg 4/4 missed its ACK too.
        if mode == "m4-missed" and after_dropped and subtype(frame) == (1, 13):
            new = None
        after_dropped = new is None
        if new is None:
            dropped += 1
            continue
        if new != frame:
            changed += 1
        out.append(header + packet[:radiotap] + new)
    open(dst, "wb").write(b"".join(out))
    print(f"{dst}: {changed} frames changed, {dropped} dropped", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
