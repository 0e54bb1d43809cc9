//! The ASCII armor around a key block (RFC 9580 §6.2), read line by line in one pass.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::value::scan::{Stops, has_ascii_control};

const BEGIN: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const END: &str = "-----END PGP PUBLIC KEY BLOCK-----";
/// The BEGIN lines of a private key block: RFC 9580's, and PGP 2's.
const BEGIN_PRIVATE: [&str; 2] = [
    "-----BEGIN PGP PRIVATE KEY BLOCK-----",
    "-----BEGIN PGP SECRET KEY BLOCK-----",
];

/// Where a line ends.
const NEWLINE: Stops<1> = Stops::new(*b"\n");

/// The lines of a block, each without its `\n`, and whether a line break follows it.
/// Bounded by the block's length: each line but the last takes its line break.
fn lines(block: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut rest = Some(block);
    std::iter::from_fn(move || {
        let text = rest?;
        let end = NEWLINE.run(text.as_bytes());
        rest = text.get(end + 1..);
        Some((&text[..end], rest.is_some()))
    })
}

/// Whether one line (without its `\n`) holds a control character other than a tab, or
/// a carriage return that is not the line's last byte before a line break.
fn has_control((line, broken): (&str, bool)) -> bool {
    if !has_ascii_control(line.as_bytes()) {
        return false;
    }
    let line = match line.strip_suffix('\r') {
        Some(before) if broken => before,
        _ => line,
    };
    line.bytes().any(|b| b.is_ascii_control() && b != b'\t')
}

/// Whether a line (trimmed) begins a private key block.
fn begins_private(line: &str) -> bool {
    BEGIN_PRIVATE.contains(&line.trim_ascii())
}

/// Why the armor cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ArmorError {
    /// A private key block's BEGIN line, in any of the blocks sent.
    PrivateBlock,
    /// Anything that is not a well-formed public key block's armor.
    Malformed,
    /// The `=XXXX` line does not match the body.
    Checksum,
}

/// Where the reader is: each line moves it on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Expecting the BEGIN line.
    Begin,
    /// Reading `Name: value` headers up to the blank line.
    Headers,
    /// Reading base64 lines.
    Body,
    /// After the checksum line: only the END line may follow.
    Checksum,
    /// After the END line: nothing may follow.
    Done,
}

/// A block whose armor was read.
pub(super) struct Armored {
    /// The decoded packets.
    pub(super) packets: Vec<u8>,
    /// `Some(checksum)` when the block is, byte for byte, what [`write`] makes of its
    /// packets with or without a CRC line: no headers, lines of 64 but the last, no
    /// white space or CR to trim. A stored block sent back is mostly so.
    pub(super) written: Option<bool>,
}

/// Reads an armored public key block (trimmed, within its size bound) and gives its
/// decoded packets. Header values may be any UTF-8 text (RFC 9580 §6.2.2); every other
/// line is ASCII.
pub(super) fn read(block: &str) -> Result<Armored, ArmorError> {
    let mut state = State::Begin;
    let mut body = String::with_capacity(block.len());
    let mut checksum = None;
    let mut written = true;
    // A body line shorter than `LINE` was read: only the last may be.
    let mut short = false;
    let mut lines = lines(block);
    while let Some(raw) = lines.next() {
        // No control character but the line breaks (a carriage return only as part of
        // CRLF) and tabs: checked line by line, eight bytes a step.
        if has_control(raw) {
            return Err(ArmorError::Malformed);
        }
        let line = raw.0.trim_ascii();
        written &= line.len() == raw.0.len();
        state = match (state, line) {
            (State::Begin, BEGIN) => State::Headers,
            (_, line) if begins_private(line) => return Err(refusal(lines, true)),
            (State::Headers, "") => State::Body,
            (State::Headers, header) if header.contains(": ") => {
                written = false;
                State::Headers
            }
            (State::Body | State::Checksum, END) => State::Done,
            (State::Done, "") => {
                written = false;
                State::Done
            }
            (State::Body, sum) if sum.len() == 5 && sum.starts_with('=') => {
                checksum = Some(&sum[1..]);
                State::Checksum
            }
            (State::Body, base64) if !base64.is_empty() => {
                written &= !short && base64.len() <= LINE;
                short |= base64.len() < LINE;
                body.push_str(base64);
                State::Body
            }
            _ => return Err(refusal(lines, false)),
        };
    }
    if state != State::Done {
        return Err(ArmorError::Malformed);
    }
    let packets = STANDARD.decode(&body).map_err(|_| ArmorError::Malformed)?;
    if let Some(checksum) = checksum {
        let expected = STANDARD
            .decode(checksum)
            .map_err(|_| ArmorError::Malformed)?;
        if expected[..] != crc24(&packets).to_be_bytes()[1..] {
            return Err(ArmorError::Checksum);
        }
    }
    Ok(Armored {
        packets,
        written: written.then_some(checksum.is_some()),
    })
}

/// The refusal of a block whose armor broke off at a line (a private BEGIN line if
/// `private`): a control character in any later line makes it malformed; otherwise a
/// private BEGIN line there or later makes it a private key block. Cold: it reads the
/// rest of the block only to choose the code.
#[cold]
fn refusal<'a>(rest: impl Iterator<Item = (&'a str, bool)>, mut private: bool) -> ArmorError {
    for line in rest {
        if has_control(line) {
            return ArmorError::Malformed;
        }
        private |= begins_private(line.0);
    }
    if private {
        ArmorError::PrivateBlock
    } else {
        ArmorError::Malformed
    }
}

/// The characters of a body line: 48 octets, as GnuPG writes them.
const LINE: usize = 64;

/// `packets` armored as a public key block: no armor headers (RFC 9580 §6.2), lines of
/// 64 characters, LF line endings, and a CRC line if `checksum`.
pub(super) fn write(packets: &[u8], checksum: bool) -> String {
    let encoded = packets.len().div_ceil(3) * 4;
    let mut block = String::with_capacity(BEGIN.len() + END.len() + encoded + encoded / LINE + 12);
    block.push_str(BEGIN);
    block.push_str("\n\n");
    for chunk in packets.chunks(LINE / 4 * 3) {
        STANDARD.encode_string(chunk, &mut block);
        block.push('\n');
    }
    if checksum {
        block.push('=');
        STANDARD.encode_string(&crc24(packets).to_be_bytes()[1..], &mut block);
        block.push('\n');
    }
    block.push_str(END);
    block
}

/// CRC-24 of the armor checksum (RFC 9580 §6.1), eight bytes a step ("slicing by
/// eight": table `k` holds a byte's effect `k` bytes further on).
pub(super) fn crc24(data: &[u8]) -> u32 {
    const INIT: u32 = 0x00B7_04CE;
    const POLY: u32 = 0x0186_4CFB;
    const TABLES: [[u32; 256]; 8] = {
        let mut tables = [[0; 256]; 8];
        let mut i = 0;
        let mut byte: u32 = 0;
        while i < 256 {
            let mut crc = byte << 16;
            let mut bit = 0;
            while bit < 8 {
                crc <<= 1;
                if crc & 0x0100_0000 != 0 {
                    crc ^= POLY;
                }
                bit += 1;
            }
            tables[0][i] = crc & 0x00FF_FFFF;
            i += 1;
            byte += 1;
        }
        let mut k = 1;
        while k < 8 {
            let mut i = 0;
            while i < 256 {
                let previous = tables[k - 1][i];
                tables[k][i] =
                    ((previous << 8) ^ tables[0][((previous >> 16) & 0xFF) as usize]) & 0x00FF_FFFF;
                i += 1;
            }
            k += 1;
        }
        tables
    };
    let step = |crc: u32, byte: u8| {
        let index = ((crc >> 16) ^ u32::from(byte)) & 0xFF;
        ((crc << 8) ^ TABLES[0][index as usize]) & 0x00FF_FFFF
    };
    let mut chunks = data.chunks_exact(8);
    let mut crc = INIT;
    for chunk in &mut chunks {
        // The 24-bit register meets the chunk's first three bytes; the other five enter
        // clean.
        let [_, high, middle, low] = crc.to_be_bytes();
        let first = [high ^ chunk[0], middle ^ chunk[1], low ^ chunk[2]];
        crc = first
            .into_iter()
            .chain(chunk[3..].iter().copied())
            .enumerate()
            .fold(0, |crc, (i, byte)| crc ^ TABLES[7 - i][usize::from(byte)]);
    }
    chunks
        .remainder()
        .iter()
        .fold(crc, |crc, &byte| step(crc, byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bit-at-a-time definition from RFC 9580, to check the table against.
    fn crc24_bitwise(data: &[u8]) -> u32 {
        let mut crc: u32 = 0x00B7_04CE;
        for &byte in data {
            crc ^= u32::from(byte) << 16;
            for _ in 0..8 {
                crc <<= 1;
                if crc & 0x0100_0000 != 0 {
                    crc ^= 0x0186_4CFB;
                }
            }
        }
        crc & 0x00FF_FFFF
    }

    #[test]
    fn crc24_matches_the_definition() {
        assert_eq!(crc24(b""), 0x00B7_04CE);
        let varied: Vec<u8> = (0..=255u8).cycle().take(1031).collect();
        for data in [
            &b"a"[..],
            b"123456789",
            &[0xFF; 300],
            &[0; 17],
            b"abcd",
            b"abcde",
            &varied,
        ] {
            assert_eq!(crc24(data), crc24_bitwise(data));
        }
        // The check value of CRC-24/OPENPGP.
        assert_eq!(crc24(b"123456789"), 0x0021_CF02);
    }

    #[track_caller]
    fn reads(block: &str, expected: Result<&[u8], ArmorError>) {
        let got = read(block).map(|armored| armored.packets);
        assert_eq!(got, expected.map(<[u8]>::to_vec), "{block:?}");
    }

    /// 0x98 0x02 0x04 0x00, base64.
    const BODY: &str = "mAIEAA==";
    const PACKETS: &[u8] = &[0x98, 2, 4, 0];

    #[test]
    fn armor_states() {
        use ArmorError as E;
        let crc = STANDARD.encode(&crc24(PACKETS).to_be_bytes()[1..]);
        let good = format!("{BEGIN}\nVersion: x\n\nmAIE\nAA==\n={crc}\n{END}");
        reads(&good, Ok(PACKETS));
        reads(&good.replace('\n', " \r\n"), Ok(PACKETS));
        reads(&format!("{BEGIN}\n\n{BODY}\n{END}"), Ok(PACKETS));
        reads(&format!("{BEGIN}\n\n{BODY}\t\n{END}"), Ok(PACKETS));
        reads(&format!("{BEGIN}\n\n{END}"), Ok(&[]));
        // Header values may be UTF-8 (gpg --comment 'Jürgen Müller').
        reads(
            &format!("{BEGIN}\nComment: Jürgen Müller\n\n{BODY}\n{END}"),
            Ok(PACKETS),
        );
        // Nowhere else: a body or BEGIN line that is not ASCII.
        reads(&format!("{BEGIN}\n\nmAIEAA==é\n{END}"), Err(E::Malformed));
        reads(&format!("{BEGIN}é\n\n{BODY}\n{END}"), Err(E::Malformed));

        reads(&format!("{BEGIN}\n{BODY}\n{END}"), Err(E::Malformed));
        reads(&format!("{BEGIN}\n\n{BODY}\n"), Err(E::Malformed));
        reads(
            &format!("{BEGIN}\n\n{BODY}\n{END}\nmore"),
            Err(E::Malformed),
        );
        reads(
            &format!("{BEGIN}\n\n{BODY}\n=AAAA\n{END}"),
            Err(E::Checksum),
        );
        reads(
            &format!("{BEGIN}\n\n{BODY}\n=AAAA\nmAIE\n{END}"),
            Err(E::Malformed),
        );
        reads(&format!("{BEGIN}\n\nmAIE\rAA==\n{END}"), Err(E::Malformed));
        reads(&format!("{BEGIN}\n\nm!IEAA==\n{END}"), Err(E::Malformed));
        reads(&format!("{BEGIN}\n\n{BODY}\n{END}\r"), Err(E::Malformed));
        reads(
            &format!("{BEGIN}\n\n{BODY}\u{7f}\n{END}"),
            Err(E::Malformed),
        );
        // Two public blocks: a keyring, not one key.
        let block = format!("{BEGIN}\n\n{BODY}\n{END}");
        reads(&format!("{block}\n\n{block}"), Err(E::Malformed));
        // A header is a name, `: ` and a value; a blank line ends the headers, and none
        // may stand in the body.
        reads(
            &format!("{BEGIN}\nVersion\n\n{BODY}\n{END}"),
            Err(E::Malformed),
        );
        reads(
            &format!("{BEGIN}\n\nmAIE\n\nAA==\n{END}"),
            Err(E::Malformed),
        );
        // A body line of five characters is body, unless it begins with `=`.
        reads(&format!("{BEGIN}\n\nmAI\nEAA==\n{END}"), Ok(PACKETS));
    }

    #[test]
    fn a_private_block_anywhere_is_private() {
        use ArmorError as E;
        let public = format!("{BEGIN}\n\n{BODY}\n{END}");
        for begin in BEGIN_PRIVATE {
            let private = format!("{begin}\n\n{BODY}\n-----END PGP PRIVATE KEY BLOCK-----");
            reads(&private, Err(E::PrivateBlock));
            reads(&private.replace('\n', "\r\n"), Err(E::PrivateBlock));
            // After a public block, with or without lines between.
            reads(&format!("{public}\n{private}"), Err(E::PrivateBlock));
            reads(
                &format!("{public}\n\njunk\n{private}"),
                Err(E::PrivateBlock),
            );
            // Inside a public block's armor.
            reads(
                &format!("{BEGIN}\n\n{BODY}\n{private}"),
                Err(E::PrivateBlock),
            );
            // A control character anywhere makes the block malformed, even a private one.
            reads(
                &format!("{begin}\n\nm\u{1}IEAA==\n{END}"),
                Err(E::Malformed),
            );
            reads(&format!("{public}\n{private}\n\u{1}"), Err(E::Malformed));
        }
    }

    #[test]
    fn written_blocks_read_back() {
        let packets: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        for length in [0, 1, 2, 3, 47, 48, 49, 96, 1000] {
            for checksum in [false, true] {
                let block = write(&packets[..length], checksum);
                let armored = read(&block).unwrap();
                assert_eq!(armored.packets, packets[..length], "{length}");
                assert_eq!(armored.written, Some(checksum), "{block}");
                assert!(block.lines().all(|line| line.len() <= LINE), "{block}");
                assert_eq!(block.contains("\n="), checksum, "{block}");
            }
        }
        assert_eq!(write(PACKETS, false), format!("{BEGIN}\n\n{BODY}\n{END}"));
        // Blocks that are not as written: a header, a short line before the last, a
        // line too long, white space or CR to trim, a blank line after END.
        let long = STANDARD.encode(&packets[..96]);
        let (first, second) = long.split_at(LINE);
        for block in [
            format!("{BEGIN}\nVersion: 1\n\n{BODY}\n{END}"),
            format!(
                "{BEGIN}\n\n{}\n{}{second}\n{END}",
                &first[..60],
                &first[60..]
            ),
            // Only a short line before the last: each line within 64.
            format!(
                "{BEGIN}\n\n{}\n{}{}\n{}\n{END}",
                &first[..60],
                &first[60..],
                &second[..60],
                &second[60..]
            ),
            format!("{BEGIN}\n\n{long}\n{END}"),
            format!("{BEGIN}\n\n{BODY} \n{END}"),
            format!("{BEGIN}\r\n\r\n{BODY}\r\n{END}"),
            format!("{BEGIN}\n\n{BODY}\n{END}\n\n"),
        ] {
            assert_eq!(read(&block).unwrap().written, None, "{block}");
        }
        let crc = STANDARD.encode(&crc24(PACKETS).to_be_bytes()[1..]);
        assert_eq!(
            write(PACKETS, true),
            format!("{BEGIN}\n\n{BODY}\n={crc}\n{END}")
        );
    }
}
