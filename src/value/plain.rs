//! "Plain text" (the README's "Fields"): NFC; no control, format, private-use,
//! unassigned or default-ignorable character, nor any that changes direction, except the
//! joiners and variation selectors that scripts and emoji need; a bounded number of
//! combining marks per base character; lengths in Unicode scalar values after NFC.
//!
//! Every property comes from `icu_properties`, which carries Unicode's own tables (the
//! README names the Unicode version), never from a hand-written list.

use std::borrow::Cow;

use compact_str::CompactString;
use icu_properties::props::{
    CanonicalCombiningClass, DefaultIgnorableCodePoint, Emoji, EmojiModifier, ExtendedPictographic,
    GeneralCategory, GeneralCategoryGroup, JoiningType,
};
use icu_properties::{CodePointMapData, CodePointSetData};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::error::ErrorKind;
use crate::value::scan::first_ascii_control;

/// The most scalar values that NFC composes into one (the longest canonical
/// decomposition; a test checks it against the normalization tables). A value of more
/// than `max × MAX_DECOMPOSITION` characters cannot be brought within `max` by NFC.
pub(crate) const MAX_DECOMPOSITION: usize = 4;

/// The most bytes one scalar value takes in UTF-8.
const MAX_UTF8: usize = 4;

/// The most combining marks that may follow one base character (UAX #15's stream-safe
/// limit).
pub(crate) const MAX_MARKS: usize = 30;

/// Refuses, before any normalization, a value that no normalization could bring within
/// `max` characters: cheap checks on bytes, then on characters.
pub(crate) fn check_raw_length(s: &str, max: usize) -> Result<(), ErrorKind> {
    let too_long = s.len() > max * MAX_DECOMPOSITION * MAX_UTF8
        || (s.len() > max * MAX_DECOMPOSITION && s.chars().count() > max * MAX_DECOMPOSITION);
    if too_long {
        Err(ErrorKind::TooLong { max })
    } else {
        Ok(())
    }
}

/// The value in NFC, borrowed when it already is. A value that NFC could not bring
/// within `max` characters and `max_marks` combining marks on one base is refused
/// before it is normalized ([`check_before_nfc`]), and normalizing stops at the
/// character past `max`; the quick check runs only on a value of at most `max`
/// characters (a longer one that is NFC already is too long, which normalizing finds
/// at that character). So the work is bounded by what the value may become, not by
/// what was sent, and a value given back has at most `max` characters unless it is
/// ASCII (given back as it is: the caller counts its bytes).
pub(crate) fn nfc(s: &str, max: usize, max_marks: usize) -> Result<Cow<'_, str>, ErrorKind> {
    if s.is_ascii() {
        return Ok(Cow::Borrowed(s));
    }
    let short = s.len() <= max || s.chars().count() <= max;
    if short && is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return Ok(Cow::Borrowed(s));
    }
    check_before_nfc(s, max, max_marks)?;
    let mut normalized = String::with_capacity(s.len());
    for (count, c) in s.nfc().enumerate() {
        if count == max {
            return Err(ErrorKind::TooLong { max });
        }
        normalized.push(c);
    }
    Ok(Cow::Owned(normalized))
}

/// A joiner (U+200C, U+200D) is no base character: the marks on either side of it
/// count as one run. (A variation selector is a mark itself.)
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// The most characters NFC composes into one starter (a character of canonical
/// combining class 0) and the starter itself: a composite of `k` characters has a
/// canonical decomposition of `k + 1` ([`MAX_DECOMPOSITION`]).
const ABSORBED: usize = MAX_DECOMPOSITION - 1;

/// The most a starter can take off the normalized length: `ABSORBED` for each starter
/// of its canonical decomposition, less the characters that decomposition adds (a
/// Hangul syllable of three jamo takes the most; a test reads it from the tables).
const STARTER_DEBT: usize = 6;

/// Refuses, before normalization, a value that NFC could not bring within `max`
/// characters, or with a run of combining marks it could not bring within `max_marks`
/// on one base. What it rests on (each held by a test over every code point): a
/// character of combining class other than 0 is a mark, and decomposes into one or more
/// such characters; a mark decomposes into marks; NFC only merges characters into
/// starters, at most [`ABSORBED`] into each. So each character but a starter adds at
/// least one to the normalized length, and a starter takes at most [`STARTER_DEBT`]
/// off it; in a run of marks likewise, less the [`ABSORBED`] the base before it may
/// take. The raw count of a run is bounded too, since normalizing sorts a run whole:
/// more than `MAX_DECOMPOSITION × max_marks + ABSORBED` marks cannot come within
/// `max_marks`.
pub(crate) fn check_before_nfc(s: &str, max: usize, max_marks: usize) -> Result<(), ErrorKind> {
    let category = CodePointMapData::<GeneralCategory>::new();
    let class = CodePointMapData::<CanonicalCombiningClass>::new();
    let most_raw = MAX_DECOMPOSITION * max_marks + ABSORBED;
    // What each character adds to the normalized length at least, and what it may take
    // off at most; likewise for the marks of the run being read.
    let (mut gain, mut debt) = (0, 0);
    let (mut run, mut run_gain, mut run_debt) = (0, 0, ABSORBED);
    let mut too_many_marks = false;
    for c in s.chars() {
        let starter = c.is_ascii() || class.get(c) == CanonicalCombiningClass::NotReordered;
        let (adds, takes) = if starter { (0, STARTER_DEBT) } else { (1, 0) };
        (gain, debt) = (gain + adds, debt + takes);
        // A character of a combining class is a mark: only a starter needs the look-up.
        let mark =
            !c.is_ascii() && (!starter || GeneralCategoryGroup::Mark.contains(category.get(c)));
        if mark {
            (run, run_gain, run_debt) = (run + 1, run_gain + adds, run_debt + takes);
            too_many_marks |= run > most_raw || run_gain > max_marks + run_debt;
        } else if !is_joiner(c) {
            (run, run_gain, run_debt) = (0, 0, ABSORBED);
        }
    }
    if gain > max + debt {
        Err(ErrorKind::TooLong { max })
    } else if too_many_marks {
        Err(ErrorKind::TooManyMarks { max: max_marks })
    } else {
        Ok(())
    }
}

/// The refusal of the invisible character at byte `i` of `s`, naming where it stands as
/// a person counts: characters from 1 (counted only when refused).
#[cold]
fn invisible_at(s: &str, i: usize) -> ErrorKind {
    let position = s.get(..i).map_or(0, |before| before.chars().count()) + 1;
    ErrorKind::InvisibleCharacter { position }
}

/// Refuses control characters (but those `control_ok` allows: line breaks in a
/// description, white space between list entries) and invisible or direction-changing
/// ones; a joiner or variation selector passes only where the plain-text rules allow
/// it. Gives the most combining marks in a row, for [`checked`] to bound after the
/// length.
pub(crate) fn check_characters(s: &str, control_ok: fn(char) -> bool) -> Result<usize, ErrorKind> {
    if s.is_ascii() {
        // ASCII holds no format or unassigned character, and no mark.
        return check_ascii_controls(s, control_ok).map(|()| 0);
    }
    let category = CodePointMapData::<GeneralCategory>::new();
    // The combining marks in a row, counted with the look-up made anyway.
    let (mut marks, mut most_marks) = (0, 0);
    for (i, c) in s.char_indices() {
        if c.is_ascii() {
            // No ASCII character is invisible or a mark; its controls are C0 and DEL.
            if c.is_ascii_control() && !control_ok(c) {
                return Err(ErrorKind::ControlCharacter {});
            }
            marks = 0;
            continue;
        }
        let category = category.get(c);
        if GeneralCategoryGroup::Mark.contains(category) {
            marks += 1;
            most_marks = most_marks.max(marks);
        } else if !is_joiner(c) {
            marks = 0;
        }
        let control = match category {
            GeneralCategory::Control => !control_ok(c),
            GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => true,
            _ => false,
        };
        if control {
            return Err(ErrorKind::ControlCharacter {});
        }
        if is_invisible(c, category) && !joiner_in_context(s, i, c) {
            return Err(invisible_at(s, i));
        }
    }
    Ok(most_marks)
}

/// Whether `c`, of general category `category`, is invisible or changes direction: a
/// format, private-use, surrogate or unassigned character, or one that is
/// `Default_Ignorable_Code_Point` or `Bidi_Control`. Every `Bidi_Control` character is a
/// format character, and every other default-ignorable one a non-spacing mark of
/// combining class 0 or an other letter (a test holds this to both sets for every code
/// point), so most characters need no look-up in either set: the combining class, a
/// trie, is cheaper than the set's search, and most marks have one.
fn is_invisible(c: char, category: GeneralCategory) -> bool {
    let ignorable = || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c);
    match category {
        GeneralCategory::Format
        | GeneralCategory::PrivateUse
        | GeneralCategory::Surrogate
        | GeneralCategory::Unassigned => true,
        GeneralCategory::NonspacingMark => {
            CodePointMapData::<CanonicalCombiningClass>::new().get(c)
                == CanonicalCombiningClass::NotReordered
                && ignorable()
        }
        GeneralCategory::OtherLetter => ignorable(),
        _ => false,
    }
}

/// Whether `c` at byte `i` of `s` is a joiner or variation selector where it is allowed:
/// U+200C and U+200D by RFC 5892's CONTEXTJ rules; U+200D between two
/// `Extended_Pictographic` characters (the first may carry U+FE0F or an
/// `Emoji_Modifier`), not between digits, `#`, `*`, `©` or `®`, which have the `Emoji`
/// property without being pictographs; U+FE0E and U+FE0F right after an `Emoji`
/// character (keycaps such as `1️⃣` included).
fn joiner_in_context(s: &str, i: usize, c: char) -> bool {
    let before = || s[..i].chars().rev();
    let mut after = s[i + c.len_utf8()..].chars();
    match c {
        '\u{200C}' => after_virama(before()) || between_joining_letters(before(), after),
        '\u{200D}' => {
            let pictograph = CodePointSetData::new::<ExtendedPictographic>();
            let modifier = CodePointSetData::new::<EmojiModifier>();
            let mut back = before();
            let left = match back.next() {
                Some(b) if b == '\u{FE0F}' || modifier.contains(b) => back.next(),
                other => other,
            };
            after_virama(before())
                || (left.is_some_and(|b| pictograph.contains(b))
                    && after.next().is_some_and(|a| pictograph.contains(a)))
        }
        '\u{FE0E}' | '\u{FE0F}' => before()
            .next()
            .is_some_and(|b| CodePointSetData::new::<Emoji>().contains(b)),
        _ => false,
    }
}

/// RFC 5892 A.1/A.2: the character before is a virama.
fn after_virama(mut before: impl Iterator<Item = char>) -> bool {
    let ccc = CodePointMapData::<CanonicalCombiningClass>::new();
    before
        .next()
        .is_some_and(|b| ccc.get(b) == CanonicalCombiningClass::Virama)
}

/// RFC 5892 A.1: a left- or dual-joining letter before and a right- or dual-joining one
/// after, with only transparent characters between. Bounded by the value's length.
fn between_joining_letters(
    before: impl Iterator<Item = char>,
    after: impl Iterator<Item = char>,
) -> bool {
    let joining = CodePointMapData::<JoiningType>::new();
    let solid = |chars: &mut dyn Iterator<Item = char>| {
        chars
            .map(|c| joining.get(c))
            .find(|&t| t != JoiningType::Transparent)
    };
    let left = solid(&mut before.into_iter());
    let right = solid(&mut after.into_iter());
    matches!(
        left,
        Some(JoiningType::LeftJoining | JoiningType::DualJoining)
    ) && matches!(
        right,
        Some(JoiningType::RightJoining | JoiningType::DualJoining)
    )
}

/// Whether `c` is a combining mark (general category M); no ASCII character is.
pub(crate) fn is_mark(c: char) -> bool {
    !c.is_ascii()
        && GeneralCategoryGroup::Mark.contains(CodePointMapData::<GeneralCategory>::new().get(c))
}

/// Whether `c` is a letter (general category L); in ASCII, exactly `A–Z a–z`.
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    GeneralCategoryGroup::Letter.contains(CodePointMapData::<GeneralCategory>::new().get(c))
}

/// Refuses more than `max` combining marks after one base character: the rule
/// [`check_characters`] counts as it goes, written plainly for the tests.
#[cfg(test)]
pub(crate) fn check_marks(s: &str, max: usize) -> Result<(), ErrorKind> {
    if s.is_ascii() {
        return Ok(());
    }
    let mut run = 0;
    for c in s.chars() {
        if is_mark(c) {
            run += 1;
        } else if !is_joiner(c) {
            run = 0;
        }
        if run > max {
            return Err(ErrorKind::TooManyMarks { max });
        }
    }
    Ok(())
}

/// Refuses a value of more than `max` scalar values.
pub(crate) fn check_length(s: &str, max: usize) -> Result<(), ErrorKind> {
    // Bytes bound characters from above: most values need no count at all.
    if s.len() > max && s.chars().count() > max {
        Err(ErrorKind::TooLong { max })
    } else {
        Ok(())
    }
}

/// Trims, refuses an empty value, bounds its raw length, normalizes to NFC and checks
/// plain text of at most `max` characters and `marks` combining marks per base.
/// Returns the canonical text.
pub(crate) fn plain_text(s: &str, max: usize, marks: usize) -> Result<CompactString, ErrorKind> {
    let s = non_empty(s)?;
    check_raw_length(s, max)?;
    checked(s, max, marks, |_| false)
}

/// Normalizes to NFC and checks plain text, once trimmed and bounded: the controls
/// `control_ok` allows, at most `max` characters and `marks` combining marks per base.
/// Returns the canonical text.
pub(crate) fn checked(
    s: &str,
    max: usize,
    marks: usize,
    control_ok: fn(char) -> bool,
) -> Result<CompactString, ErrorKind> {
    if s.is_ascii() {
        // ASCII is NFC and holds no invisible character and no mark; its characters
        // are its bytes.
        if s.len() > max {
            return Err(ErrorKind::TooLong { max });
        }
        check_ascii_controls(s, control_ok)?;
        return Ok(CompactString::new(s));
    }
    // At most `max` characters once normalized: `nfc` refuses more.
    let s = nfc(s, max, marks)?;
    let most_marks = check_characters(&s, control_ok)?;
    if most_marks > marks {
        return Err(ErrorKind::TooManyMarks { max: marks });
    }
    Ok(CompactString::from(s))
}

/// Refuses the controls of ASCII text (C0 and DEL) but those `control_ok` allows.
fn check_ascii_controls(s: &str, control_ok: fn(char) -> bool) -> Result<(), ErrorKind> {
    let bytes = s.as_bytes();
    let mut from = 0;
    // Bounded: each turn starts past the control it looked at.
    while let Some(at) = bytes.get(from..).and_then(first_ascii_control) {
        let at = from + at;
        if !control_ok(char::from(bytes[at])) {
            return Err(ErrorKind::ControlCharacter {});
        }
        from = at + 1;
    }
    Ok(())
}

/// The value trimmed of surrounding white space (`str::trim`, Unicode's
/// `White_Space`). Most values neither start nor end with it: when both end bytes are
/// printable ASCII (`!` to `~`, none of them white space), the value is returned as it
/// is, without decoding a character from either end.
pub(crate) fn trim(s: &str) -> &str {
    let plain_end = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    let bytes = s.as_bytes();
    if plain_end(bytes.first()) && plain_end(bytes.last()) {
        s
    } else {
        s.trim()
    }
}

/// The value trimmed of surrounding white space; empty is an error.
pub(crate) fn non_empty(s: &str) -> Result<&str, ErrorKind> {
    let s = trim(s);
    if s.is_empty() {
        Err(ErrorKind::EmptyValue {})
    } else {
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use icu_properties::props::BidiControl;

    use super::*;

    #[track_caller]
    fn plain(input: &str, max: usize, expected: Result<&str, ErrorKind>) {
        assert_eq!(
            plain_text(input, max, MAX_MARKS),
            expected.map(CompactString::from),
            "{input:?}"
        );
    }

    const fn invisible(position: usize) -> Result<&'static str, ErrorKind> {
        Err(ErrorKind::InvisibleCharacter { position })
    }
    const CONTROL: Result<&str, ErrorKind> = Err(ErrorKind::ControlCharacter {});

    #[test]
    fn trim_is_str_trim() {
        for (input, expected) in [
            ("", ""),
            ("a", "a"),
            (" a\t", "a"),
            ("\u{B}a\u{C}", "a"),
            ("\u{A0}a b\u{3000}", "a b"),
            ("\u{2028}", ""),
            ("é", "é"),
            ("é ", "é"),
            ("a\u{200B}", "a\u{200B}"),
            ("\u{1F}a\u{7F}", "\u{1F}a\u{7F}"),
            ("~a!", "~a!"),
            ("\u{85}a\r\n", "a"),
        ] {
            assert_eq!(trim(input), expected, "{input:?}");
            assert_eq!(trim(input), input.trim(), "{input:?}");
        }
    }

    proptest::proptest! {
        /// On any ends (ASCII controls and white space, Unicode white space, letters),
        /// the fast path and `str::trim` agree.
        #[test]
        fn trim_as_str_trim(
            s in "[\\x00-\\x7f\u{85}\u{A0}\u{2028}\u{3000}é]{0,3}[a-z ]{0,3}[\\x00-\\x7f\u{85}\u{A0}\u{3000}é]{0,3}"
        ) {
            proptest::prop_assert_eq!(trim(&s), s.trim());
        }
    }

    #[test]
    fn plain_text_rules() {
        plain("  Dr  ", 64, Ok("Dr"));
        plain("Cafe\u{301}", 64, Ok("Café"));
        plain("", 64, Err(ErrorKind::EmptyValue {}));
        plain(" \t ", 64, Err(ErrorKind::EmptyValue {}));
        plain("a\tb", 64, CONTROL);
        plain("a\nb", 64, CONTROL);
        plain("a\0b", 64, CONTROL);
        plain("a\u{85}b", 64, CONTROL);
        plain(&"é".repeat(64), 64, Ok(&"é".repeat(64)));
        // 64 characters once composed, 128 before.
        plain(&"e\u{301}".repeat(64), 64, Ok(&"é".repeat(64)));
        plain(&"é".repeat(65), 64, Err(ErrorKind::TooLong { max: 64 }));
        // A value in NFC is read in order, its characters before its marks, whether
        // its bytes are within the limit or only its characters (84 bytes, 42
        // characters).
        let marked = format!("a{}\u{E000}", "\u{317}".repeat(40));
        plain(&marked, 84, invisible(42));
        plain(&marked, 50, invisible(42));
    }

    #[test]
    fn invisible_and_direction_changing_characters_are_refused() {
        for c in [
            '\u{00AD}',
            '\u{034F}',
            '\u{061C}',
            '\u{180E}',
            '\u{200B}',
            '\u{200E}',
            '\u{200F}',
            '\u{202A}',
            '\u{202E}',
            '\u{2060}',
            '\u{2064}',
            '\u{2066}',
            '\u{206A}',
            '\u{206F}',
            '\u{FEFF}',
            '\u{FFF0}',
            '\u{FFF9}',
            '\u{E0001}',
            '\u{E0041}',
            '\u{FE00}',
            '\u{E0100}',
            '\u{E000}',
            '\u{F0000}',
            '\u{0378}',
        ] {
            plain(&format!("a{c}b"), 64, invisible(2));
        }
        plain("a\u{2028}b", 64, CONTROL);
        plain("a\u{2029}b", 64, CONTROL);
    }

    #[test]
    fn invisible_is_both_sets_and_the_categories() {
        let category = CodePointMapData::<GeneralCategory>::new();
        let ignorable = CodePointSetData::new::<DefaultIgnorableCodePoint>();
        let bidi = CodePointSetData::new::<BidiControl>();
        for c in (0..=0x0010_FFFF_u32).filter_map(char::from_u32) {
            let category = category.get(c);
            let full = matches!(
                category,
                GeneralCategory::Format
                    | GeneralCategory::PrivateUse
                    | GeneralCategory::Surrogate
                    | GeneralCategory::Unassigned
            ) || ignorable.contains(c)
                || bidi.contains(c);
            assert_eq!(is_invisible(c, category), full, "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn joiners_only_in_context() {
        // Persian: ZWNJ between a dual-joining and a right-joining letter.
        plain("می\u{200C}خواهم", 64, Ok("می\u{200C}خواهم"));
        // Devanagari: ZWJ and ZWNJ after a virama.
        plain("क्\u{200D}ष", 64, Ok("क्\u{200D}ष"));
        plain("क्\u{200C}ष", 64, Ok("क्\u{200C}ष"));
        // Latin letters do not join.
        plain("a\u{200C}b", 64, invisible(2));
        plain("a\u{200D}b", 64, invisible(2));
        plain("\u{200D}", 64, invisible(1));
        // Emoji: a ZWJ sequence, with and without a variation selector.
        plain("👨\u{200D}👩\u{200D}👧", 64, Ok("👨\u{200D}👩\u{200D}👧"));
        plain("❤\u{FE0F}\u{200D}🔥", 64, Ok("❤\u{FE0F}\u{200D}🔥"));
        plain("☺\u{FE0E}", 64, Ok("☺\u{FE0E}"));
        plain("a\u{FE0F}", 64, invisible(2));
        plain("👨\u{200D}a", 64, invisible(2));
        // Between pictographs only: digits, `#`, `*`, `©` have the Emoji property.
        plain("Room 1\u{200D}2", 64, invisible(7));
        plain("#\u{200D}*", 64, invisible(2));
        // © and ® are Extended_Pictographic in Unicode's own tables (the specification's aside
        // counts them with the digits): the table decides.
        plain("©\u{200D}👨", 64, Ok("©\u{200D}👨"));
        // A skin tone or U+FE0F on the first; keycaps keep their selector.
        plain("👩🏽\u{200D}💻", 64, Ok("👩🏽\u{200D}💻"));
        plain("🏳\u{FE0F}\u{200D}🌈", 64, Ok("🏳\u{FE0F}\u{200D}🌈"));
        plain("1\u{FE0F}\u{20E3}", 64, Ok("1\u{FE0F}\u{20E3}"));
        plain("👩🏽\u{FE0F}\u{200D}💻", 64, invisible(4));
    }

    #[test]
    fn combining_marks_per_base_are_bounded() {
        let marks = |n| format!("a{}", "\u{316}".repeat(n));
        plain(&marks(30), 64, Ok(&marks(30)));
        plain(&marks(31), 64, Err(ErrorKind::TooManyMarks { max: 30 }));
        // A joiner is no base: the marks on either side of it count together (the
        // issue's 60 viramas on one letter).
        let viramas = "\u{94D}".repeat(30);
        plain(
            &format!("क{viramas}\u{200D}{viramas}"),
            128,
            Err(ErrorKind::TooManyMarks { max: 30 }),
        );
        let fifteen = "\u{94D}".repeat(15);
        let joined = format!("क{fifteen}\u{200D}{fifteen}");
        plain(&joined, 64, Ok(&joined));
    }

    #[test]
    fn what_normalization_cannot_bring_within_bounds_is_refused_before_it() {
        let too_long = Err(ErrorKind::TooLong { max: 64 });
        let too_many = Err(ErrorKind::TooManyMarks { max: MAX_MARKS });
        let marks = |n| format!("a{}", "\u{316}".repeat(n));
        for (input, expected) in [
            // The base takes up to three marks, so 33 marks may come to 30.
            (format!("a{}", "\u{301}".repeat(33)), Ok(())),
            (format!("a{}", "\u{301}".repeat(34)), too_many.clone()),
            // Marks of class 0 might take in the others for all the classes tell, but
            // no run of more than 4 × 30 + 3 marks is sorted.
            (format!("a{}", "\u{DCF}".repeat(123)), Ok(())),
            (format!("a{}", "\u{DCF}".repeat(124)), too_many.clone()),
            // Across a joiner, and not across a base.
            (
                format!("a{0}\u{200D}{0}", "\u{316}".repeat(17)),
                too_many.clone(),
            ),
            (format!("a{0}b{0}", "\u{316}".repeat(17)), Ok(())),
            (format!("ä{0}ö{0}", "\u{316}".repeat(17)), Ok(())),
            // 65 non-starters are 65 characters whatever NFC does; each starter may
            // take six off.
            ("\u{316}".repeat(65), too_long.clone()),
            (
                format!("a{}", "\u{316}".repeat(16)).repeat(7),
                too_long.clone(),
            ),
            (format!("a{}", "\u{316}".repeat(16)).repeat(6), Ok(())),
            // At the limit exactly: 82 non-starters, 3 starters.
            (
                format!("{0}{0}a{1}", marks(32), "\u{316}".repeat(18)),
                Ok(()),
            ),
            (
                format!("{0}{0}a{1}", marks(32), "\u{316}".repeat(19)),
                too_long.clone(),
            ),
            // Too long comes first.
            (format!("a{}", "\u{316}".repeat(200)), too_long),
        ] {
            let result = check_before_nfc(&input, 64, MAX_MARKS);
            assert_eq!(result, expected, "{} characters", input.chars().count());
        }
    }

    /// Every code point with its canonical decomposition.
    fn decompositions() -> impl Iterator<Item = (char, Vec<char>)> {
        (0..=0x0010_FFFF_u32)
            .filter_map(char::from_u32)
            .map(|c| (c, std::iter::once(c).nfd().collect()))
    }

    fn class(c: char) -> CanonicalCombiningClass {
        CodePointMapData::<CanonicalCombiningClass>::new().get(c)
    }

    #[test]
    fn the_facts_check_before_nfc_rests_on() {
        let starter = |c: char| class(c) == CanonicalCombiningClass::NotReordered;
        let mut debt = 0;
        for (c, nfd) in decompositions() {
            let at = format!("U+{:04X}", u32::from(c));
            if starter(c) {
                let starters = nfd.iter().filter(|&&d| starter(d)).count();
                debt = debt.max((ABSORBED * starters).saturating_sub(nfd.len()));
            } else {
                assert!(is_mark(c), "{at} has a class but is no mark");
                assert!(
                    !nfd.iter().any(|&d| starter(d)),
                    "{at} decomposes into a starter"
                );
            }
            if is_mark(c) {
                assert!(
                    nfd.iter().all(|&d| is_mark(d)),
                    "{at} decomposes into a non-mark"
                );
            }
            if !is_joiner(c) {
                assert!(!nfd.iter().any(|&d| is_joiner(d)), "{at} holds a joiner");
            }
        }
        assert_eq!(debt, STARTER_DEBT);
    }

    proptest::proptest! {
        /// What is refused before normalizing is refused after it: a base, marks of
        /// both classes (those that compose and those that do not), a Hangul syllable
        /// and its jamo, Sinhala's two-part vowels, and joiners.
        #[test]
        fn refused_before_only_what_is_refused_after(
            s in "[ae\u{301}\u{316}\u{302}\u{DD9}\u{DCF}\u{DCA}\u{DDD}\u{1100}\u{1161}\u{11A8}\u{AC00}\u{200D}]{1,40}"
        ) {
            let normalized: String = s.nfc().collect();
            match check_before_nfc(&s, 8, 3) {
                Err(ErrorKind::TooLong { .. }) => {
                    proptest::prop_assert!(normalized.chars().count() > 8);
                }
                Err(_) => proptest::prop_assert!(check_marks(&normalized, 3).is_err()),
                Ok(()) => {}
            }
        }
    }

    #[test]
    fn a_mark_composes_only_into_a_mark() {
        // What check_before_nfc rests on: a character whose canonical decomposition
        // starts with a mark is a mark, so NFC never turns a run of marks into a base.
        for c in (0..=0x0010_FFFF_u32).filter_map(char::from_u32) {
            let mut decomposed = std::iter::once(c).nfd();
            if decomposed.next().is_some_and(is_mark) {
                assert!(is_mark(c), "U+{:04X}", u32::from(c));
            }
        }
    }

    #[test]
    fn too_long_before_normalizing() {
        // 4 × 64 + 1 characters cannot compose to 64.
        let long = "e\u{301}".repeat(129);
        assert_eq!(
            check_raw_length(&long, 64),
            Err(ErrorKind::TooLong { max: 64 })
        );
        assert_eq!(check_raw_length(&"e\u{301}".repeat(128), 64), Ok(()));
        // At the byte bound exactly: 4 × 2 characters of 4 bytes each may compose to 2.
        assert_eq!(check_raw_length(&"𝒜".repeat(8), 2), Ok(()));
        assert_eq!(
            check_raw_length(&"𝒜".repeat(9), 2),
            Err(ErrorKind::TooLong { max: 2 })
        );
        assert_eq!(check_raw_length(&"a".repeat(8), 2), Ok(()));
        assert_eq!(
            check_raw_length(&"a".repeat(9), 2),
            Err(ErrorKind::TooLong { max: 2 })
        );
    }

    #[test]
    fn max_decomposition_matches_the_normalization_tables() {
        let longest = (0..=0x0010_FFFF_u32)
            .filter_map(char::from_u32)
            .map(|c| std::iter::once(c).nfd().count())
            .max();
        assert_eq!(longest, Some(MAX_DECOMPOSITION));
    }

    proptest::proptest! {
        /// The marks counted in the characters' pass are bounded as the plain rule,
        /// after the characters and the length, would bound them.
        #[test]
        fn marks_as_the_plain_rule(s in "[a\u{301}\u{316}\u{0e3}\u{200b}\t’]{1,12}") {
            let plain = |s: &str| -> Result<CompactString, ErrorKind> {
                let s = nfc(s, 8, 2)?;
                check_length(&s, 8)?;
                check_characters(&s, |_| false)?;
                check_marks(&s, 2)?;
                Ok(CompactString::from(s))
            };
            proptest::prop_assert_eq!(checked(&s, 8, 2, |_| false), plain(&s));
        }
    }

    proptest::proptest! {
        /// ASCII takes a path of its own: it answers as the checks every value passes
        /// through, one after another, would, with controls found a character at a time.
        #[test]
        fn ascii_as_every_check(s in "[ -~\\t\n\u{0}\u{7f}]{0,12}") {
            let general = |control_ok: fn(char) -> bool| -> Result<CompactString, ErrorKind> {
                let s = nfc(&s, 4, MAX_MARKS)?;
                check_length(&s, 4)?;
                if s.chars().any(|c| c.is_control() && !control_ok(c)) {
                    return Err(ErrorKind::ControlCharacter {});
                }
                check_characters(&s, control_ok)?;
                check_marks(&s, MAX_MARKS)?;
                Ok(CompactString::from(s))
            };
            let newline: fn(char) -> bool = |c| c == '\n';
            proptest::prop_assert_eq!(checked(&s, 4, MAX_MARKS, |_| false), general(|_| false));
            proptest::prop_assert_eq!(checked(&s, 4, MAX_MARKS, newline), general(newline));
        }
    }
}
