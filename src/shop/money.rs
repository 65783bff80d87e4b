//! Prices as integer minor units beside their currency: no floating point ever touches money.
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 code (`USD`), upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a three-letter currency code.")]
pub struct CurrencyError(pub String);

impl Currency {
    pub const USD: Currency = Currency(*b"USD");

    pub fn parse(input: &str) -> Result<Self, CurrencyError> {
        let upper = input.trim().to_ascii_uppercase();
        match upper.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => Ok(Currency([a, b, c])),
            _ => Err(CurrencyError(input.chars().take(8).collect())),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point (ISO 4217's minor unit) for the currencies that differ
    /// from the common two.
    pub fn exponent(&self) -> u32 {
        match self.as_str() {
            "JPY" | "KRW" | "ISK" | "CLP" | "VND" => 0,
            "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
            _ => 2,
        }
    }

    fn symbol(&self) -> Option<&'static str> {
        match self.as_str() {
            "USD" => Some("$"),
            "EUR" => Some("€"),
            "GBP" => Some("£"),
            "JPY" => Some("¥"),
            _ => None,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Currency {
    type Error = CurrencyError;
    fn try_from(s: String) -> Result<Self, CurrencyError> {
        Self::parse(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Self { minor: 0, currency }
    }

    /// `self × n`, saturating: a quantity is small, but a stored price is outside input.
    pub fn times(self, n: i64) -> Money {
        Money { minor: self.minor.saturating_mul(n), ..self }
    }
}

/// `$12.50`, `€3.20`, `¥500`, `-$1.00`, `12.50 CHF`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exponent = self.currency.exponent();
        let scale = 10u64.pow(exponent);
        let abs = self.minor.unsigned_abs();
        let (whole, fraction) = (abs / scale, abs % scale);
        let sign = if self.minor < 0 { "-" } else { "" };
        let number = if exponent == 0 {
            grouped(whole)
        } else {
            format!("{}.{fraction:0width$}", grouped(whole), width = exponent as usize)
        };
        match self.currency.symbol() {
            Some(symbol) => write!(f, "{sign}{symbol}{number}"),
            None => write!(f, "{sign}{number} {}", self.currency),
        }
    }
}

/// `1234567` → `1,234,567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::USD)
    }

    #[test]
    fn dollars_are_written_with_their_symbol_and_two_decimals() {
        assert_eq!(usd(1250).to_string(), "$12.50");
        assert_eq!(usd(5).to_string(), "$0.05");
        assert_eq!(usd(0).to_string(), "$0.00");
        assert_eq!(usd(-100).to_string(), "-$1.00");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(usd(123_456_789).to_string(), "$1,234,567.89");
        assert_eq!(usd(100_000).to_string(), "$1,000.00");
    }

    #[test]
    fn a_currency_without_minor_units_has_no_decimals() {
        let yen = Currency::parse("jpy").unwrap();
        assert_eq!(Money::new(1500, yen).to_string(), "¥1,500");
    }

    #[test]
    fn a_currency_without_a_symbol_is_written_with_its_code() {
        let franc = Currency::parse("CHF").unwrap();
        assert_eq!(Money::new(990, franc).to_string(), "9.90 CHF");
    }

    #[test]
    fn only_three_letters_make_a_currency() {
        assert!(Currency::parse("US").is_err());
        assert!(Currency::parse("US1").is_err());
        assert!(Currency::parse("EURO").is_err());
        assert_eq!(Currency::parse(" eur ").map(|c| c.to_string()), Ok("EUR".to_string()));
    }

    #[test]
    fn multiplying_a_price_never_overflows() {
        assert_eq!(usd(i64::MAX).times(2).minor, i64::MAX);
        assert_eq!(usd(350).times(3), usd(1050));
    }
}
