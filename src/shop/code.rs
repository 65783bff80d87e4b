//! Reservation codes for shop pickups: `K7QX-M4RZ`, short enough to read over the phone.
//!
//! Seven random characters and one check character from a 31-character alphabet without the
//! look-alikes 0/O and 1/I/L. 31 is prime, so a weighted sum modulo 31 with weights 1..8 (all
//! distinct and non-zero) catches every single-character substitution and every swap of two
//! adjacent characters, the check character included. The ticket code's GF(32) check needs 32
//! symbols, one more than this alphabet has once the look-alikes are gone.
use serde::{Deserialize, Serialize};
use std::fmt;

const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const MODULUS: u32 = 31;
pub const RANDOM_LEN: usize = 7;
const LEN: usize = RANDOM_LEN + 1;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReservationCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReservationCodeError {
    #[error("Enter your reservation code.")]
    Empty,
    #[error("A reservation code has {LEN} letters and digits; this one has {0}.")]
    WrongLength(usize),
    #[error("'{0}' is not in reservation codes (they have no 0, O, 1, I or L).")]
    InvalidCharacter(char),
    #[error("This code has a typo: check each character against your confirmation.")]
    CheckFailed,
}

impl crate::error::DomainError for ReservationCodeError {
    fn code(&self) -> &'static str {
        match self {
            Self::CheckFailed => "RESERVATION_CODE_CHECK_FAILED",
            _ => "INVALID_RESERVATION_CODE",
        }
    }
}

fn value(c: char) -> Option<u32> {
    let c = c.to_ascii_uppercase();
    ALPHABET.iter().position(|&a| a as char == c).map(|p| p as u32)
}

/// Σ (i+1)·v_i mod 31.
fn weighted_sum(values: &[u32]) -> u32 {
    values.iter().enumerate().map(|(i, v)| (i as u32 + 1) * v).sum::<u32>() % MODULUS
}

/// The value c at position LEN that makes the whole sum zero: LEN·c ≡ −S (mod 31).
fn check_value(data: &[u32]) -> u32 {
    let minus_sum = (MODULUS - weighted_sum(data)) % MODULUS;
    // LEN⁻¹ mod 31 by Fermat: LEN^(31−2).
    let inverse = (0..MODULUS - 2).fold(1, |acc, _| acc * LEN as u32 % MODULUS);
    minus_sum * inverse % MODULUS
}

impl ReservationCode {
    /// Accepts what people type: any case, spaces and dashes anywhere.
    pub fn parse(input: &str) -> Result<Self, ReservationCodeError> {
        let compact: Vec<char> = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if compact.is_empty() {
            return Err(ReservationCodeError::Empty);
        }
        let values = compact
            .iter()
            .map(|&c| value(c).ok_or(ReservationCodeError::InvalidCharacter(c)))
            .collect::<Result<Vec<_>, _>>()?;
        if values.len() != LEN {
            return Err(ReservationCodeError::WrongLength(values.len()));
        }
        if weighted_sum(&values) != 0 {
            return Err(ReservationCodeError::CheckFailed);
        }
        Ok(Self::from_values(&values))
    }

    /// The code for seven random values below 31 (the caller supplies the randomness).
    pub fn from_parts(random: &[u8; RANDOM_LEN]) -> Self {
        let mut values: Vec<u32> = random.iter().map(|&v| u32::from(v) % MODULUS).collect();
        values.push(check_value(&values));
        Self::from_values(&values)
    }

    fn from_values(values: &[u32]) -> Self {
        let chars: String = values.iter().map(|&v| ALPHABET[v as usize] as char).collect();
        Self(format!("{}-{}", &chars[..4], &chars[4..]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "ssr")]
impl ReservationCode {
    pub fn generate(rng: &mut impl rand::Rng) -> Self {
        let mut random = [0u8; RANDOM_LEN];
        for v in random.iter_mut() {
            *v = rng.random_range(0..MODULUS as u8);
        }
        Self::from_parts(&random)
    }
}

impl fmt::Display for ReservationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ReservationCode {
    type Error = ReservationCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ReservationCode> for String {
    fn from(code: ReservationCode) -> String {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn significant_positions(s: &str) -> Vec<usize> {
        s.char_indices().filter(|(_, c)| *c != '-').map(|(i, _)| i).collect()
    }

    #[test]
    fn a_code_is_four_and_four_characters_with_no_look_alikes() {
        let c = ReservationCode::from_parts(&[0, 1, 2, 3, 4, 5, 30]);
        assert_eq!(c.as_str().len(), 9);
        assert!(c.as_str().starts_with("2345-67Z"), "{c}");
        assert!(!c.as_str().contains(['0', 'O', '1', 'I', 'L']));
    }

    #[test]
    fn lower_case_and_spaces_are_read() {
        let c = ReservationCode::from_parts(&[10, 20, 30, 1, 2, 3, 4]);
        let spoken = c.as_str().to_lowercase().replace('-', " ");
        assert_eq!(ReservationCode::parse(&spoken), Ok(c.clone()));
        let spaced: String = c.as_str().chars().filter(|c| *c != '-').flat_map(|c| [c, ' ']).collect();
        assert_eq!(ReservationCode::parse(&spaced), Ok(c));
    }

    #[test]
    fn look_alikes_and_wrong_lengths_are_refused_with_reasons() {
        assert_eq!(ReservationCode::parse(" - "), Err(ReservationCodeError::Empty));
        assert_eq!(ReservationCode::parse("ABCD-EFG0"), Err(ReservationCodeError::InvalidCharacter('0')));
        assert_eq!(ReservationCode::parse("abcd-efgo"), Err(ReservationCodeError::InvalidCharacter('o')));
        assert_eq!(ReservationCode::parse("ABCD-EF"), Err(ReservationCodeError::WrongLength(6)));
    }

    proptest! {
        #[test]
        fn any_input_is_answered_without_a_panic(input in any::<String>()) {
            let _ = ReservationCode::parse(&input);
        }

        #[test]
        fn every_generated_code_parses_back(random in proptest::array::uniform7(0u8..31)) {
            let c = ReservationCode::from_parts(&random);
            prop_assert_eq!(ReservationCode::parse(c.as_str()), Ok(c));
        }

        #[test]
        fn every_single_character_substitution_is_caught(
            random in proptest::array::uniform7(0u8..31), pos in 0usize..LEN, replacement in 0usize..31,
        ) {
            let c = ReservationCode::from_parts(&random);
            let i = significant_positions(c.as_str())[pos];
            let mut bytes = c.as_str().as_bytes().to_vec();
            prop_assume!(bytes[i] != ALPHABET[replacement]);
            bytes[i] = ALPHABET[replacement];
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(ReservationCode::parse(&typo), Err(ReservationCodeError::CheckFailed));
        }

        #[test]
        fn every_adjacent_transposition_is_caught(random in proptest::array::uniform7(0u8..31), pos in 0usize..LEN - 1) {
            let c = ReservationCode::from_parts(&random);
            let positions = significant_positions(c.as_str());
            let (i, j) = (positions[pos], positions[pos + 1]);
            let mut bytes = c.as_str().as_bytes().to_vec();
            prop_assume!(bytes[i] != bytes[j]);
            bytes.swap(i, j);
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(ReservationCode::parse(&typo), Err(ReservationCodeError::CheckFailed));
        }
    }
}
