//! The ASCII armor around a key block (RFC 9580 §6.2), read line by line in one pass.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::value::scan::{Stops, has_ascii_control};

const BEGIN: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const END: &str = "-----END PGP PUBLIC KEY BLOCK-----";
const BEGIN_PRIVATE: &str = "-----BEGIN PGP PRIVATE KEY BLOCK-----";

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

/// Why the armor cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ArmorError {
    /// A private key block's BEGIN line.
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

/// A block whose armor was read: its decoded packets and its canonical text (each line
/// trimmed, LF line endings).
pub(super) struct Armored {
    pub(super) packets: Vec<u8>,
    pub(super) canonical: String,
}

/// Reads an armored public key block (trimmed, ASCII, within its size bound).
pub(super) fn read(block: &str) -> Result<Armored, ArmorError> {
    // ASCII, and no control character but the line breaks (a carriage return only as
    // part of CRLF) and tabs: checked line by line, eight bytes a step.
    if !block.is_ascii() {
        return Err(ArmorError::Malformed);
    }
    let mut state = State::Begin;
    let mut body = String::with_capacity(block.len());
    let mut checksum = None;
    let mut canonical = String::with_capacity(block.len());
    let mut lines = lines(block);
    while let Some(raw) = lines.next() {
        if has_control(raw) {
            return Err(ArmorError::Malformed);
        }
        let line = raw.0.trim_ascii();
        state = match (state, line) {
            (State::Begin, BEGIN) => State::Headers,
            (State::Begin, BEGIN_PRIVATE) => {
                // Malformed rather than private if a later line would be.
                return Err(if lines.any(has_control) {
                    ArmorError::Malformed
                } else {
                    ArmorError::PrivateBlock
                });
            }
            (State::Headers, "") => State::Body,
            (State::Headers, header) if header.contains(": ") => State::Headers,
            (State::Body | State::Checksum, END) => State::Done,
            (State::Body, sum) if sum.len() == 5 && sum.starts_with('=') => {
                checksum = Some(&sum[1..]);
                State::Checksum
            }
            (State::Body, base64) if !base64.is_empty() => {
                body.push_str(base64);
                State::Body
            }
            _ => return Err(ArmorError::Malformed),
        };
        if !canonical.is_empty() {
            canonical.push('\n');
        }
        canonical.push_str(line);
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
    Ok(Armored { packets, canonical })
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
    fn reads(block: &str, expected: Result<(&[u8], &str), ArmorError>) {
        let got = read(block).map(|a| (a.packets, a.canonical));
        let expected = expected.map(|(p, c)| (p.to_vec(), c.to_owned()));
        assert_eq!(got, expected, "{block:?}");
    }

    #[test]
    fn armor_states() {
        // "mAIEAA==" is 0x98 0x02 0x04 0x00; its CRC-24 is written "=...." below.
        let crc = STANDARD.encode(&crc24(&[0x98, 2, 4, 0]).to_be_bytes()[1..]);
        let good = format!("{BEGIN}\nVersion: x\n\nmAIE\nAA==\n={crc}\n{END}");
        reads(&good, Ok((&[0x98, 2, 4, 0], &good)));
        let crlf = good.replace('\n', " \r\n");
        reads(&crlf, Ok((&[0x98, 2, 4, 0], &good)));
        reads(
            &format!("{BEGIN}\n\nmAIEAA==\n{END}"),
            Ok((&[0x98, 2, 4, 0], &format!("{BEGIN}\n\nmAIEAA==\n{END}"))),
        );
        reads(
            &format!("{BEGIN_PRIVATE}\n\nmAIEAA==\n{END}"),
            Err(ArmorError::PrivateBlock),
        );
        reads(
            &format!("{BEGIN}\nmAIEAA==\n{END}"),
            Err(ArmorError::Malformed),
        );
        reads(
            &format!("{BEGIN}\n\nmAIEAA==\n"),
            Err(ArmorError::Malformed),
        );
        reads(
            &format!("{BEGIN}\n\nmAIEAA==\n{END}\nmore"),
            Err(ArmorError::Malformed),
        );
        reads(
            &format!("{BEGIN}\n\nmAIEAA==\n=AAAA\n{END}"),
            Err(ArmorError::Checksum),
        );
        reads(
            &format!("{BEGIN}\n\nmAIEAA==\n=AAAA\nmAIE\n{END}"),
            Err(ArmorError::Malformed),
        );
        reads(
            &format!("{BEGIN}\n\nmAIE\rAA==\n{END}"),
            Err(ArmorError::Malformed),
        );
        reads(
            &format!("{BEGIN}\n\nm!IEAA==\n{END}"),
            Err(ArmorError::Malformed),
        );
        reads(
            &format!("{BEGIN}\n\n{END}"),
            Ok((&[], &format!("{BEGIN}\n\n{END}"))),
        );
        // Control characters anywhere make the block malformed, even a private one.
        reads(
            &format!("{BEGIN_PRIVATE}\n\nm\u{1}IEAA==\n{END}"),
            Err(ArmorError::Malformed),
        );
        reads(
            &format!("{BEGIN_PRIVATE}\r\n\r\nmAIEAA==\r\n{END}"),
            Err(ArmorError::PrivateBlock),
        );
        reads(
            &format!("{BEGIN}\n\nmAIEAA==\n{END}\r"),
            Err(ArmorError::Malformed),
        );
        reads(
            &format!("{BEGIN}\n\nmAIEAA==\u{7f}\n{END}"),
            Err(ArmorError::Malformed),
        );
        reads(
            &format!("{BEGIN}\n\nmAIEAA==\t\n{END}"),
            Ok((&[0x98, 2, 4, 0], &format!("{BEGIN}\n\nmAIEAA==\n{END}"))),
        );
    }
}
