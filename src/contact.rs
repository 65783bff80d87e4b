//! A customer's contact details, parsed once at the edge.
use serde::{Deserialize, Serialize};

/// Read from JSON through [`Email::parse`], like everywhere else: there is no other way to make one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct Email(String);

/// Read from JSON through [`PhoneE164::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct PhoneE164(String);

impl TryFrom<String> for Email {
    type Error = ContactError;
    fn try_from(s: String) -> Result<Self, ContactError> {
        Self::parse(&s)
    }
}

impl TryFrom<String> for PhoneE164 {
    type Error = ContactError;
    fn try_from(s: String) -> Result<Self, ContactError> {
        Self::parse(&s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("Enter an email address like name@example.com.")]
    InvalidEmail,
    #[error("Enter a phone number with its country code, like +1 202 555 0143.")]
    InvalidPhone,
}

impl crate::error::DomainError for ContactError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidEmail => "INVALID_EMAIL",
            Self::InvalidPhone => "INVALID_PHONE",
        }
    }
}

const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~.-";

impl Email {
    /// The RFC 5322 dot-atom form that mail systems actually accept (no quoted local parts,
    /// no address literals), with a domain of at least two labels.
    pub fn parse(input: &str) -> Result<Self, ContactError> {
        let s = input.trim();
        let (local, domain) = s.rsplit_once('@').ok_or(ContactError::InvalidEmail)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = domain.len() <= 253
            && labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()) && tld.len() >= 2);
        if local_ok && domain_ok {
            Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
        } else {
            Err(ContactError::InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PhoneE164 {
    /// `+` then 8 to 15 digits, the first not 0; spaces, dots, dashes and brackets are ignored.
    pub fn parse(input: &str) -> Result<Self, ContactError> {
        let s = input.trim();
        let rest = s.strip_prefix('+').ok_or(ContactError::InvalidPhone)?;
        let mut digits = String::with_capacity(15);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(ContactError::InvalidPhone),
            }
        }
        if (8..=15).contains(&digits.len()) && !digits.starts_with('0') {
            Ok(Self(format!("+{digits}")))
        } else {
            Err(ContactError::InvalidPhone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What people type with a country chosen: `(202) 555-1234` with +1, `020 7946 0958` with
    /// +44 (the national trunk 0 is dropped). A number typed with its own `+` wins.
    pub fn parse_national(input: &str, country: &Country) -> Result<Self, ContactError> {
        let trimmed = input.trim();
        if trimmed.starts_with('+') {
            return Self::parse(trimmed);
        }
        let national = trimmed.trim_start_matches(['0', ' ']);
        Self::parse(&format!("+{} {national}", country.calling_code))
    }
}

/// A country a customer can pick for their phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    pub iso: &'static str,
    pub name: &'static str,
    pub calling_code: &'static str,
}

pub const COUNTRIES: &[Country] = &[
    Country { iso: "US", name: "United States", calling_code: "1" },
    Country { iso: "CA", name: "Canada", calling_code: "1" },
    Country { iso: "MX", name: "Mexico", calling_code: "52" },
    Country { iso: "GB", name: "United Kingdom", calling_code: "44" },
    Country { iso: "IE", name: "Ireland", calling_code: "353" },
    Country { iso: "FR", name: "France", calling_code: "33" },
    Country { iso: "DE", name: "Germany", calling_code: "49" },
    Country { iso: "NL", name: "Netherlands", calling_code: "31" },
    Country { iso: "BE", name: "Belgium", calling_code: "32" },
    Country { iso: "ES", name: "Spain", calling_code: "34" },
    Country { iso: "IT", name: "Italy", calling_code: "39" },
    Country { iso: "CH", name: "Switzerland", calling_code: "41" },
    Country { iso: "BR", name: "Brazil", calling_code: "55" },
    Country { iso: "IN", name: "India", calling_code: "91" },
    Country { iso: "JP", name: "Japan", calling_code: "81" },
    Country { iso: "AU", name: "Australia", calling_code: "61" },
];

pub fn country(iso: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.iso.eq_ignore_ascii_case(iso))
}

/// Contact details as shown to someone holding only the ticket code (a photo of the QR is
/// enough for that): enough for the owner to recognise, too little to reach them.
pub fn masked(email: &str, phone: &str) -> (String, String) {
    let email = match email.split_once('@') {
        Some((local, domain)) => format!("{}•••@{domain}", local.chars().next().unwrap_or('•')),
        None => "•••".into(),
    };
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let phone = format!("•••• {}", digits[digits.len().saturating_sub(4)..].iter().collect::<String>());
    (email, phone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn contact_details_read_from_json_go_through_their_parsers() {
        let email: Email = serde_json::from_str(r#"" Ann@Example.COM ""#).expect("a valid address");
        assert_eq!(email.as_str(), "Ann@example.com");
        assert!(serde_json::from_str::<Email>(r#""a@b""#).is_err());
        let phone: PhoneE164 = serde_json::from_str(r#""+1 (202) 555-0143""#).expect("a valid number");
        assert_eq!(phone.as_str(), "+12025550143");
        assert!(serde_json::from_str::<PhoneE164>(r#""555-CALL-NOW""#).is_err());
    }

    proptest! {
        #[test]
        fn any_unicode_contact_input_is_answered_without_a_panic(input in any::<String>()) {
            let _ = Email::parse(&input);
            let _ = PhoneE164::parse(&input);
            for country in COUNTRIES {
                let _ = PhoneE164::parse_national(&input, country);
            }
            let _ = masked(&input, &input);
        }
    }

    #[test]
    fn masked_details_keep_a_hint_and_hide_the_rest() {
        assert_eq!(
            masked("jane.doe@example.com", "+12025550188"),
            ("j•••@example.com".to_string(), "•••• 0188".to_string())
        );
        assert_eq!(masked("é@x.org", "12"), ("é•••@x.org".to_string(), "•••• 12".to_string()));
    }

    #[test]
    fn ordinary_addresses_are_accepted_and_domains_lowercased() {
        assert_eq!(Email::parse(" John.Doe+tickets@Example.COM ").unwrap().as_str(), "John.Doe+tickets@example.com");
        assert!(Email::parse("o'brien@mail.co.uk").is_ok());
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for bad in [
            "",
            "john",
            "john@",
            "@example.com",
            "john@localhost",
            "jo hn@example.com",
            "john..doe@example.com",
            "john@-example.com",
            "john@example.c0m",
            ".john@example.com",
        ] {
            assert_eq!(Email::parse(bad), Err(ContactError::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn phones_are_normalised_to_e164() {
        assert_eq!(PhoneE164::parse("+1 (202) 555-1234").unwrap().as_str(), "+12025551234");
        assert_eq!(PhoneE164::parse("+44 20 7946 0958").unwrap().as_str(), "+442079460958");
    }

    #[test]
    fn a_national_number_takes_the_chosen_countrys_code() {
        let us = country("us").unwrap();
        let gb = country("GB").unwrap();
        assert_eq!(PhoneE164::parse_national("(202) 555-1234", us).unwrap().as_str(), "+12025551234");
        assert_eq!(PhoneE164::parse_national("020 7946 0958", gb).unwrap().as_str(), "+442079460958");
        assert_eq!(PhoneE164::parse_national("+33 1 42 68 53 00", us).unwrap().as_str(), "+33142685300");
        assert_eq!(PhoneE164::parse_national("555", us), Err(ContactError::InvalidPhone));
    }

    #[test]
    fn phones_without_country_code_or_with_letters_are_rejected() {
        for bad in ["2025551234", "+0 202 555 1234", "+1 202 CALL NOW", "+1234", "+1234567890123456"] {
            assert_eq!(PhoneE164::parse(bad), Err(ContactError::InvalidPhone), "{bad}");
        }
    }
}
