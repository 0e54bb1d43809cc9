#!/usr/bin/env python3
"""Writes the crafted key blocks beside this script: attempts to smuggle a secret key
(or more than one public key) through the `public_key` field, and damaged keys.

tests/gnupg.rs holds each block to its expected outcome and, where the crate accepts
one, holds GnuPG to importing no secret key and at most one public key from what the
crate stores. Each block's packets (its first armored block's) also seed the `packets`
fuzz target, as fuzz/corpus/packets/seed-crafted-NAME. The blocks are made from the
committed fixtures, so the output is the same on every run:
python3 tests/data/crafted/make.py
"""

import base64
import bz2
import pathlib
import zlib

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent
SEEDS = DATA.parent.parent / "fuzz" / "corpus" / "packets"


def crc24(data):
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def dearmor(text):
    lines = text.strip().splitlines()
    body = lines[lines.index("") + 1 :]
    return base64.b64decode("".join(l for l in body if not l.startswith(("=", "-----"))))


def armor(data, kind="PUBLIC KEY BLOCK", headers=(), checksum=True):
    encoded = base64.b64encode(data).decode()
    lines = [f"-----BEGIN PGP {kind}-----", *headers, ""]
    lines += [encoded[i : i + 64] for i in range(0, len(encoded), 64)]
    if checksum:
        lines.append("=" + base64.b64encode(crc24(data).to_bytes(3, "big")).decode())
    lines.append(f"-----END PGP {kind}-----")
    return "\n".join(lines) + "\n"


def length_octets(n, two_octet_limit):
    """A new-format length (RFC 9580 §4.2.1): one octet, two below `two_octet_limit`
    (8384 for a packet, whose 224-254 are partial lengths; 16320 for a subpacket), five."""
    if n < 192:
        return bytes([n])
    if n < two_octet_limit:
        return bytes([((n - 192) >> 8) + 192, (n - 192) & 0xFF])
    return b"\xff" + n.to_bytes(4, "big")


def new_packet(tag, body):
    return bytes([0xC0 | tag]) + length_octets(len(body), 8384) + body


def old_packet(tag, body):
    n = len(body)
    if n < 256:
        return bytes([0x80 | tag << 2]) + bytes([n]) + body
    if n < 65536:
        return bytes([0x81 | tag << 2]) + n.to_bytes(2, "big") + body
    return bytes([0x82 | tag << 2]) + n.to_bytes(4, "big") + body


def partial_packet(tag, body):
    """A new-format packet whose first part has a partial length of 512 octets."""
    assert len(body) > 512
    rest = body[512:]
    return bytes([0xC0 | tag, 0xE9]) + body[:512] + new_packet(0, rest)[1:]


def split(data):
    """The packets of `data` as (tag, body) pairs."""
    packets, i = [], 0
    while i < len(data):
        header = data[i]
        if header & 0x40:
            tag, first = header & 0x3F, data[i + 1]
            if first < 192:
                n, i = first, i + 2
            elif first < 224:
                n, i = ((first - 192) << 8) + data[i + 2] + 192, i + 3
            else:
                n, i = int.from_bytes(data[i + 2 : i + 6], "big"), i + 6
        else:
            tag, kind = (header >> 2) & 0xF, header & 3
            size = {0: 1, 1: 2, 2: 4}[kind]
            n, i = int.from_bytes(data[i + 1 : i + 1 + size], "big"), i + 1 + size
        packets.append((tag, data[i : i + n]))
        i += n
    return packets


def join(packets, frame=new_packet):
    return b"".join(frame(tag, body) for tag, body in packets)


def read(name):
    return (DATA / name).read_text()


PUB = dearmor(read("keys/rsa2048.pub.asc"))
SEC = dearmor(read("keys/rsa2048.secret.asc"))
ED_PUB = dearmor(read("ed25519.pub.asc"))
RSA4096 = dearmor(read("keys/rsa4096.pub.asc"))
DSA = dearmor(read("keys/dsa-elgamal.pub.asc"))
PUB_PACKETS = split(PUB)
SEC_PACKETS = split(SEC)
DSA_PACKETS = split(DSA)

COMPRESSIONS = {
    "uncompressed": (0, lambda data: data),
    "zip": (1, lambda data: zlib.compress(data, 9)[2:-4]),
    "zlib": (2, lambda data: zlib.compress(data, 9)),
    "bzip2": (3, lambda data: bz2.compress(data, 9)),
}

# An image subpacket's header (RFC 9580 §5.12.1): its length 16, little-endian, version
# 1, JPEG, 12 reserved zeros.
IMAGE_HEADER = b"\x10\x00\x01\x01" + bytes(12)


def subpacket(kind, data):
    return length_octets(len(data) + 1, 16320) + bytes([kind]) + data


def with_unhashed(signature, area):
    """A v4 signature body with `area` appended to its unhashed subpackets."""
    hashed = int.from_bytes(signature[4:6], "big")
    at = 6 + hashed
    unhashed = int.from_bytes(signature[at : at + 2], "big")
    start, end = at + 2, at + 2 + unhashed
    new = signature[start:end] + area
    return signature[:at] + len(new).to_bytes(2, "big") + new + signature[end:]


def blocks():
    """(name, armored text) of every crafted block."""
    out = {}
    for name, (algo, compress) in COMPRESSIONS.items():
        inner = bytes([algo]) + compress(SEC)
        out[f"compressed-{name}-new"] = armor(PUB + new_packet(8, inner))
        out[f"compressed-{name}-old"] = armor(PUB + old_packet(8, inner))
        out[f"compressed-{name}-alone"] = armor(new_packet(8, inner))
    out["compressed-zlib-whole"] = armor(new_packet(8, b"\x02" + zlib.compress(PUB + SEC)))
    out["compressed-partial-length"] = armor(PUB + partial_packet(8, b"\x00" + SEC))
    literal = b"b\x00\x00\x00\x00\x00" + SEC
    out["literal-data"] = armor(PUB + new_packet(11, literal))
    out["literal-data-old"] = armor(PUB + old_packet(11, literal))
    out["encrypted-sed"] = armor(PUB + new_packet(9, SEC))
    out["encrypted-seipd"] = armor(PUB + new_packet(18, b"\x01" + SEC))
    out["encrypted-aead"] = armor(PUB + new_packet(20, b"\x01\x09\x02\x06" + bytes(16) + SEC))
    out["unknown-critical-tag"] = armor(PUB + new_packet(30, SEC))
    out["unknown-noncritical-tag"] = armor(PUB + new_packet(60, SEC))
    # Secret keys as opaque data inside packets a key holds: gpg must not open them.
    uid, sig = PUB_PACKETS[1], PUB_PACKETS[2]
    photo = (17, subpacket(1, IMAGE_HEADER + SEC))
    out["user-attribute"] = armor(join(PUB_PACKETS + [photo]))
    out["user-id"] = armor(join([PUB_PACKETS[0], (13, SEC), sig]))
    notation = b"\x80\x00\x00\x00" + (4).to_bytes(2, "big") + len(SEC).to_bytes(2, "big")
    notation += b"key@" + SEC
    signed = with_unhashed(sig[1], subpacket(20, notation))
    out["notation"] = armor(join([PUB_PACKETS[0], uid, (2, signed)]))
    # A secret key's body in a public key's packet, a secret subkey's in a subkey's.
    out["secret-body-as-public"] = armor(
        join([(6, SEC_PACKETS[0][1])] + SEC_PACKETS[1:])
    )
    out["secret-body-as-subkey"] = armor(
        join(DSA_PACKETS[:3] + [(14, SEC_PACKETS[0][1]), DSA_PACKETS[-1]])
    )
    # Secret packets themselves, in both header formats and armors.
    out["secret-appended"] = armor(PUB + SEC)
    out["secret-appended-old"] = armor(PUB + join(SEC_PACKETS, old_packet))
    out["secret-alone"] = armor(SEC)
    out["secret-block-after-public"] = armor(PUB) + armor(SEC, "PRIVATE KEY BLOCK")
    out["secret-block-pgp2"] = armor(SEC, "SECRET KEY BLOCK")
    # Damaged key material.
    primary = PUB_PACKETS[0][1]
    out["material-truncated"] = armor(join([(6, primary[:-1])] + PUB_PACKETS[1:]))
    out["material-padded"] = armor(join([(6, primary + b"\x00")] + PUB_PACKETS[1:]))
    out["signature-truncated"] = armor(join(PUB_PACKETS[:2] + [(2, sig[1][:-1])]))
    out["signature-padded"] = armor(join(PUB_PACKETS[:2] + [(2, sig[1] + b"\x00")]))
    out["junk-version-alone"] = armor(new_packet(6, b"\x04"))
    out["junk-version-zeros"] = armor(new_packet(6, b"\x04" + bytes(40)))
    out["junk-version-zeros-uid"] = armor(new_packet(6, b"\x04" + bytes(40)) + join([uid]))
    out["no-user-id"] = armor(join(PUB_PACKETS[:1]))
    out["subkey-unbound"] = armor(join(DSA_PACKETS[:-1]))
    # More than one key.
    out["duplicate-primary"] = armor(PUB + PUB)
    out["keyring-three"] = armor(PUB + ED_PUB + RSA4096)
    out["keyring-three-armored"] = armor(PUB) + armor(ED_PUB) + armor(RSA4096)
    # Accepted: what is skipped, header formats, a UTF-8 header value.
    marker, trust, padding = (10, b"PGP"), (12, b"\x00\x78"), (21, bytes(32))
    out["skipped-packets"] = armor(
        join([marker, PUB_PACKETS[0], trust, uid, trust, sig, padding, (60, b"x")])
    )
    out["old-format-headers"] = armor(join(PUB_PACKETS, old_packet))
    out["new-format-headers"] = armor(join(PUB_PACKETS, new_packet))
    out["comment-utf8"] = armor(PUB, headers=["Comment: Jürgen Müller"])
    out["no-checksum"] = armor(PUB, checksum=False)
    return out


def main():
    for old in [*HERE.glob("*.asc"), *SEEDS.glob("seed-crafted-*")]:
        old.unlink()
    for name, text in blocks().items():
        (HERE / f"{name}.asc").write_text(text)
        first = text[: text.index("-----END")]
        (SEEDS / f"seed-crafted-{name}").write_bytes(dearmor(first))


if __name__ == "__main__":
    main()
