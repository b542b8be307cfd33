#!/usr/bin/env python3
"""Remove the ACKs that answer a station's EAPOL-Key msg 2/4 from a radiotap pcap.

Makes the 'msg 2/4 on the air, never acknowledged' case (m2-not-received) out
of a real capture in which the AP did acknowledge them: every other frame,
and every byte of every kept frame, is left as it was, so the handshake's
cryptography stays real. Standard library only.

usage: drop_m2_acks.py IN.pcap OUT.pcap
"""
import struct
import sys


def records(data):
    magic = data[:4]
    endian = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
              b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}[magic]
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    assert linktype == 127, "radiotap (127) only"
    offset = 24
    while offset + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        end = offset + 16 + incl
        yield data[offset:offset + 16], data[offset + 16:end]
        offset = end


def dot11(packet):
    length = struct.unpack("<H", packet[2:4])[0]
    return packet[length:]


def is_m2(frame):
    if len(frame) < 24 + 8 + 4 + 95:
        return False
    fc = frame[0] | frame[1] << 8
    if (fc >> 2) & 3 != 2 or fc & 0x4000:
        return False
    header = 26 if (fc >> 4) & 0x8 else 24
    body = frame[header:]
    if body[:8] != b"\xaa\xaa\x03\x00\x00\x00\x88\x8e" or body[9] != 3:
        return False
    key_info = struct.unpack(">H", body[13:15])[0]
    key_data_len = struct.unpack(">H", body[8 + 97:8 + 99])[0]
    # Pairwise, MIC, no Ack, key data present: msg 2/4.
    return key_info & 0x0188 == 0x0108 and key_data_len > 0


def is_ack_to(frame, address):
    return len(frame) >= 10 and frame[0] == 0xD4 and frame[4:10] == address


def main(src, dst):
    data = open(src, "rb").read()
    out = [data[:24]]
    waiting_for = None
    dropped = 0
    for header, packet in records(data):
        frame = dot11(packet)
        if waiting_for is not None and is_ack_to(frame, waiting_for):
            dropped += 1
            waiting_for = None
            continue
        waiting_for = frame[10:16] if is_m2(frame) else None
        out.append(header + packet)
    open(dst, "wb").write(b"".join(out))
    print(f"{dst}: dropped {dropped} ACKs of msg 2/4", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
