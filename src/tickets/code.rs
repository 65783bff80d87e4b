//! Ticket codes: `TKT-2026-7K3Q9X-M2D8HW-4RTVN`.
//!
//! The year (4 digits) and 16 random Crockford base32 characters (80 bits) are followed by one check
//! character. The check is a weighted sum over GF(32) with weights α^i (α primitive, all distinct for
//! the 21 positions), so every single-character substitution and every swap of two adjacent
//! characters — the check character included — changes the sum and is caught.
use serde::{Deserialize, Serialize};
use std::fmt;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const RANDOM_LEN: usize = 16;
const YEAR_LEN: usize = 4;
const BODY_LEN: usize = YEAR_LEN + RANDOM_LEN + 1;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TicketCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketCodeError {
    #[error("Enter a ticket code.")]
    Empty,
    #[error("A ticket code has {expected} letters and digits after TKT; this one has {found}.")]
    WrongLength { expected: usize, found: usize },
    #[error("'{0}' cannot appear in a ticket code.")]
    InvalidCharacter(char),
    #[error("This code has a typo: check each character against your ticket.")]
    CheckFailed,
}

impl crate::error::DomainError for TicketCodeError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty | Self::WrongLength { .. } | Self::InvalidCharacter(_) => "INVALID_TICKET_CODE",
            Self::CheckFailed => "TICKET_CODE_CHECK_FAILED",
        }
    }
}

/// Value of one character as typed, with Crockford's readings of look-alikes.
fn value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET.iter().position(|&a| a as char == c).map(|p| p as u8)
}

/// Multiplication in GF(2^5) modulo x^5 + x^2 + 1.
fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0;
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0x20 != 0 {
            a ^= 0x25;
        }
    }
    product
}

/// Σ α^i · v_i over the given values; a valid code (check included) sums to zero.
fn weighted_sum(values: &[u8]) -> u8 {
    let mut weight = 1u8;
    values.iter().fold(0, |sum, &v| {
        let term = gf_mul(weight, v);
        weight = gf_mul(weight, 2);
        sum ^ term
    })
}

/// The check value that makes the whole sum zero: c = S · α^{-n}, and α^{-n} = α^{31-n}.
fn check_value(data: &[u8]) -> u8 {
    let mut inverse_weight = 1u8;
    for _ in 0..(31 - data.len() % 31) % 31 {
        inverse_weight = gf_mul(inverse_weight, 2);
    }
    gf_mul(weighted_sum(data), inverse_weight)
}

impl TicketCode {
    /// Accepts what people type: any case, spaces and dashes anywhere, with or without `TKT`,
    /// O for 0 and I/L for 1.
    pub fn parse(input: &str) -> Result<Self, TicketCodeError> {
        let mut compact: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if compact.is_empty() {
            return Err(TicketCodeError::Empty);
        }
        if compact.get(..3).is_some_and(|prefix| prefix.eq_ignore_ascii_case("TKT")) {
            compact.drain(..3);
        }
        let mut values = Vec::with_capacity(BODY_LEN);
        for c in compact.chars() {
            values.push(value(c).ok_or(TicketCodeError::InvalidCharacter(c))?);
        }
        if values.len() != BODY_LEN {
            return Err(TicketCodeError::WrongLength { expected: BODY_LEN, found: values.len() });
        }
        if weighted_sum(&values) != 0 {
            return Err(TicketCodeError::CheckFailed);
        }
        Ok(Self::from_values(&values))
    }

    /// Builds the code for a year and 16 random 5-bit values (the caller supplies the randomness).
    pub fn from_parts(year: i32, random: &[u8; RANDOM_LEN]) -> Self {
        let mut values: Vec<u8> = format!("{:04}", year.rem_euclid(10_000)).bytes().map(|b| b - b'0').collect();
        values.extend(random.iter().map(|v| v & 0x1f));
        values.push(check_value(&values));
        Self::from_values(&values)
    }

    fn from_values(values: &[u8]) -> Self {
        let chars: String = values.iter().map(|&v| ALPHABET[v as usize] as char).collect();
        Self(format!("TKT-{}-{}-{}-{}", &chars[..4], &chars[4..10], &chars[10..16], &chars[16..]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 21 significant characters (year, random part, check) without `TKT` and dashes: how
    /// a signed QR payload carries the code. [`TicketCode::parse`] reads it back.
    pub fn compact(&self) -> String {
        self.0[4..].chars().filter(|c| *c != '-').collect()
    }
}

#[cfg(feature = "ssr")]
impl TicketCode {
    pub fn generate(year: i32, rng: &mut impl rand::Rng) -> Self {
        let mut random = [0u8; RANDOM_LEN];
        for v in random.iter_mut() {
            *v = rng.random_range(0..32);
        }
        Self::from_parts(year, &random)
    }
}

impl fmt::Display for TicketCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for TicketCode {
    type Error = TicketCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<TicketCode> for String {
    fn from(code: TicketCode) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(random: [u8; RANDOM_LEN]) -> TicketCode {
        TicketCode::from_parts(2026, &random)
    }

    /// Positions of the 21 significant characters inside the canonical string.
    fn significant_positions(s: &str) -> Vec<usize> {
        s.char_indices().skip(4).filter(|(_, c)| *c != '-').map(|(i, _)| i).collect()
    }

    #[test]
    fn a_generated_code_has_the_documented_shape() {
        let c = code([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31]);
        assert!(c.as_str().starts_with("TKT-2026-012345-6789AB-CDEZ"), "{c}");
        assert_eq!(c.as_str().len(), "TKT-2026-XXXXXX-XXXXXX-XXXXX".len());
        assert_eq!(TicketCode::parse(c.as_str()), Ok(c));
    }

    #[test]
    fn the_compact_form_is_the_significant_characters_and_parses_back() {
        let c = code([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31]);
        assert_eq!(c.compact().len(), BODY_LEN);
        assert!(c.compact().starts_with("2026012345"), "{}", c.compact());
        assert_eq!(TicketCode::parse(&c.compact()), Ok(c));
    }

    #[test]
    fn what_people_type_is_normalised() {
        let c = code([0, 1, 18, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
        let typed = c.as_str().to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(TicketCode::parse(&typed), Ok(c.clone()));
        let without_prefix = &c.as_str()[4..];
        assert_eq!(TicketCode::parse(without_prefix), Ok(c));
    }

    #[test]
    fn empty_short_and_foreign_inputs_are_rejected_with_reasons() {
        for odd in ["éé", "🎟️", "Tét", "ÉTKT", "t\u{301}kt", "TK\u{0}"] {
            assert!(TicketCode::parse(odd).is_err(), "{odd}");
        }
        assert_eq!(TicketCode::parse("  - "), Err(TicketCodeError::Empty));
        assert!(matches!(TicketCode::parse("TKT-2026-ABC"), Err(TicketCodeError::WrongLength { found: 7, .. })));
        assert_eq!(TicketCode::parse("TKT-2026-ABCDEF-GHJKMN-PQRSU"), Err(TicketCodeError::InvalidCharacter('U')));
    }

    proptest! {
        /// Outside input of any kind (the API, URLs, the code field as typed) is answered, never a panic.
        #[test]
        fn any_unicode_input_is_answered_without_a_panic(input in any::<String>()) {
            let _ = TicketCode::parse(&input);
            let _ = TicketCode::parse(&format!("tkt{input}"));
            let _ = TicketCode::parse(&format!("T{input}"));
        }

        #[test]
        fn every_generated_code_parses_back(random in proptest::array::uniform16(0u8..32)) {
            let c = code(random);
            prop_assert_eq!(TicketCode::parse(c.as_str()), Ok(c));
        }

        #[test]
        fn every_single_character_substitution_is_caught(
            random in proptest::array::uniform16(0u8..32), pos in 0usize..21, replacement in 0usize..32,
        ) {
            let c = code(random);
            let i = significant_positions(c.as_str())[pos];
            let mut bytes = c.as_str().as_bytes().to_vec();
            prop_assume!(bytes[i] != ALPHABET[replacement]);
            bytes[i] = ALPHABET[replacement];
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(TicketCode::parse(&typo), Err(TicketCodeError::CheckFailed));
        }

        #[test]
        fn every_adjacent_transposition_is_caught(random in proptest::array::uniform16(0u8..32), pos in 0usize..20) {
            let c = code(random);
            let positions = significant_positions(c.as_str());
            let (i, j) = (positions[pos], positions[pos + 1]);
            let mut bytes = c.as_str().as_bytes().to_vec();
            prop_assume!(bytes[i] != bytes[j]);
            bytes.swap(i, j);
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(TicketCode::parse(&typo), Err(TicketCodeError::CheckFailed));
        }
    }
}
