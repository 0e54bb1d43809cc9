//! The parameters a request can name, and finding one by its name: a table the
//! compiler lays out from the names, so that a look-up is a multiply, one slot and one
//! comparison, on the name's bytes as they arrive (no UTF-8 view of them is needed).

use crate::field::Field;

/// A parameter the request can name: a field, or one of the four that are not fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Param {
    Field(Field),
    Id,
    Validation,
    AuthUsername,
    AuthPassword,
}

impl Param {
    pub(crate) const COUNT: usize = Field::COUNT + 4;

    /// The parameter `name` names, if any.
    pub(crate) fn from_name(name: &[u8]) -> Option<Param> {
        let windows = Windows::of(name)?;
        let (param, expected) = SLOTS[windows.slot(MULTIPLIER)]?;
        (windows == expected).then_some(param)
    }

    pub(crate) const fn index(self) -> usize {
        match self {
            Param::Field(field) => field as usize,
            Param::Id => Field::COUNT,
            Param::Validation => Field::COUNT + 1,
            Param::AuthUsername => Field::COUNT + 2,
            Param::AuthPassword => Field::COUNT + 3,
        }
    }

    pub(crate) const fn name(self) -> &'static str {
        match self {
            Param::Field(field) => field.as_str(),
            Param::Id => "id",
            Param::Validation => "validation",
            Param::AuthUsername => "auth_username",
            Param::AuthPassword => "auth_password",
        }
    }

    /// Every parameter, in the order of [`Param::index`].
    pub(crate) const ALL: [Param; Param::COUNT] = {
        let mut all = [Param::Id; Param::COUNT];
        let mut i = 0;
        while i < Field::COUNT {
            all[i] = Param::Field(Field::ALL[i]);
            i += 1;
        }
        all[Field::COUNT + 1] = Param::Validation;
        all[Field::COUNT + 2] = Param::AuthUsername;
        all[Field::COUNT + 3] = Param::AuthPassword;
        all
    };
}

/// The table has `1 << SLOT_BITS` slots, a few more than twice the names.
const SLOT_BITS: u32 = 6;

/// A name of 2 to 16 bytes as two words, its first and its last 2, 4 or 8 bytes (the
/// most that fit in it, overlapping in the middle), and its length. Two names are equal
/// exactly when these are, so a look-up compares three numbers and calls nothing
/// (`==` with a name from the table calls `memcmp`, which cost more than the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Windows {
    first: u64,
    last: u64,
    len: usize,
}

impl Windows {
    /// The windows of a name from the request; `None` for one shorter than 2 bytes or
    /// longer than 16 (no parameter's name is).
    fn of(name: &[u8]) -> Option<Windows> {
        let len = name.len();
        let (first, last) = match len {
            2..=3 => (word::<2>(name)?, word::<2>(name.get(len - 2..)?)?),
            4..=7 => (word::<4>(name)?, word::<4>(name.get(len - 4..)?)?),
            8..=16 => (word::<8>(name)?, word::<8>(name.get(len - 8..)?)?),
            _ => return None,
        };
        Some(Windows { first, last, len })
    }

    /// The windows of a parameter's name, byte by byte as a constant must be made.
    const fn of_name(name: &[u8]) -> Windows {
        let len = name.len();
        let width = match len {
            2..=3 => 2,
            4..=7 => 4,
            8..=16 => 8,
            _ => panic!("a parameter's name has 2 to 16 bytes"),
        };
        let (mut first, mut last) = (0, 0);
        let mut i = 0;
        while i < width {
            first |= (name[i] as u64) << (8 * i);
            last |= (name[len - width + i] as u64) << (8 * i);
            i += 1;
        }
        Windows { first, last, len }
    }

    /// Where these windows go in the table, hashed by `multiplier`.
    const fn slot(self, multiplier: u64) -> usize {
        let key = self.first ^ (self.last << 1) ^ self.len as u64;
        // The top `SLOT_BITS` bits: a slot number.
        (key.wrapping_mul(multiplier) >> (u64::BITS - SLOT_BITS)) as usize
    }
}

/// The first `N` bytes of `bytes`, little-endian, as a number.
fn word<const N: usize>(bytes: &[u8]) -> Option<u64> {
    let mut word = [0; 8];
    word.get_mut(..N)?.copy_from_slice(bytes.get(..N)?);
    Some(u64::from_le_bytes(word))
}

/// Whether `multiplier` gives every name a slot of its own.
const fn spreads(multiplier: u64) -> bool {
    let mut taken = [false; 1 << SLOT_BITS];
    let mut i = 0;
    while i < Param::COUNT {
        let slot = Windows::of_name(Param::ALL[i].name().as_bytes()).slot(multiplier);
        if taken[slot] {
            return false;
        }
        taken[slot] = true;
        i += 1;
    }
    true
}

/// The first odd multiple of the golden ratio's 64-bit multiplier that spreads the
/// names: found by the compiler, so that a new name gets a table without a collision
/// (or the build fails here).
const MULTIPLIER: u64 = {
    let mut odd = 1;
    loop {
        let multiplier = 0x9E37_79B9_7F4A_7C15_u64.wrapping_mul(odd);
        if spreads(multiplier) {
            break multiplier;
        }
        odd += 2;
        assert!(odd < 10_000, "no multiplier spreads the parameter names");
    }
};

/// Each slot's parameter and its name's windows, if one has it.
const SLOTS: [Option<(Param, Windows)>; 1 << SLOT_BITS] = {
    let mut slots = [None; 1 << SLOT_BITS];
    let mut i = 0;
    while i < Param::COUNT {
        let param = Param::ALL[i];
        let windows = Windows::of_name(param.name().as_bytes());
        slots[windows.slot(MULTIPLIER)] = Some((param, windows));
        i += 1;
    }
    slots
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The look-up a table must agree with: every name, compared.
    fn by_comparison(name: &[u8]) -> Option<Param> {
        Param::ALL
            .into_iter()
            .find(|param| param.name().as_bytes() == name)
    }

    #[test]
    fn every_name_is_found_and_near_misses_are_not() {
        for param in Param::ALL {
            let name = param.name().as_bytes();
            assert_eq!(Param::from_name(name), Some(param), "{name:?}");
            for i in 0..name.len() {
                let mut changed = name.to_vec();
                changed[i] ^= 0x20;
                assert_eq!(Param::from_name(&changed), None, "{changed:?}");
                let mut shorter = name.to_vec();
                shorter.remove(i);
                assert_eq!(Param::from_name(&shorter), by_comparison(&shorter));
                let mut longer = name.to_vec();
                longer.insert(i, name[i]);
                assert_eq!(Param::from_name(&longer), None, "{longer:?}");
            }
        }
        for name in [
            &b""[..],
            b"i",
            b"ID",
            b"id\0",
            b"auth_password_",
            b"\xff\xfe",
        ] {
            assert_eq!(Param::from_name(name), None, "{name:?}");
        }
    }

    #[test]
    fn indexes_are_the_order_of_all() {
        for (i, param) in Param::ALL.into_iter().enumerate() {
            assert_eq!(param.index(), i, "{param:?}");
        }
    }

    proptest::proptest! {
        /// The table answers as comparing with every name does.
        #[test]
        fn finds_as_comparison(name in proptest::collection::vec(
            proptest::prop_oneof![
                4 => proptest::sample::select(b"abcdefilmnoprstuvwxyz_".to_vec()),
                1 => proptest::num::u8::ANY,
            ],
            0..16,
        )) {
            proptest::prop_assert_eq!(Param::from_name(&name), by_comparison(&name));
        }
    }
}
