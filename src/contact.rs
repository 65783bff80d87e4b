//! A customer's contact details, parsed once at the edge.
use serde::{Deserialize, Serialize};

/// Read from JSON through [`Email::parse`], like everywhere else: there is no other way to make one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct Email(String);

/// A phone number that exists by libphonenumber's rules, kept in E.164 (`+12025550188`). Made and
/// read from JSON through [`PhoneE164::parse`], on the server only: the numbering metadata is
/// too heavy for the browser, which checks as typed only what [`typed_phone`] can tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(Deserialize), serde(try_from = "String"))]
pub struct PhoneE164(String);

impl TryFrom<String> for Email {
    type Error = ContactError;
    fn try_from(s: String) -> Result<Self, ContactError> {
        Self::parse(&s)
    }
}

#[cfg(feature = "ssr")]
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
    #[error("Check the phone number and its country: this one cannot be dialled.")]
    InvalidPhone,
    #[error("Type the phone number in digits: letters (as in 555-CALL-NOW) cannot be dialled everywhere.")]
    PhoneLetters,
}

impl crate::error::DomainError for ContactError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidEmail => "INVALID_EMAIL",
            Self::InvalidPhone => "INVALID_PHONE",
            Self::PhoneLetters => "PHONE_LETTERS",
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

#[cfg(feature = "ssr")]
impl PhoneE164 {
    /// A number with its country code (`+1 202 555 0143`), as the API takes it.
    pub fn parse(input: &str) -> Result<Self, ContactError> {
        Self::read(input, None)
    }

    /// What people type with a country chosen: `(202) 555-1234` with the United States,
    /// `020 7946 0958` with the United Kingdom. A number typed with its own `+` wins.
    pub fn parse_national(input: &str, country: &Country) -> Result<Self, ContactError> {
        Self::read(input, country.iso.parse().ok())
    }

    /// As the contact form sends it: the number and the ISO code of the country chosen beside it
    /// (an unknown country: the number must carry its own `+`).
    pub fn parse_with_country(input: &str, country_iso: &str) -> Result<Self, ContactError> {
        match country(country_iso) {
            Some(c) => Self::parse_national(input, c),
            None => Self::parse(input),
        }
    }

    fn read(input: &str, country: Option<phonenumber::country::Id>) -> Result<Self, ContactError> {
        typed_phone(input)?;
        let input = input.trim();
        // With a country given, phonenumber 0.3 reads "+33 1 42…" as if the 1 were a trunk prefix.
        let country = if input.starts_with('+') { None } else { country };
        let number = phonenumber::parse(country, input).map_err(|_| ContactError::InvalidPhone)?;
        if !number.is_valid() {
            return Err(ContactError::InvalidPhone);
        }
        Ok(Self(number.format().mode(phonenumber::Mode::E164).to_string()))
    }

    /// The number as people write it: `+1 202-555-0188`.
    pub fn for_people(&self) -> String {
        for_people(&self.0)
    }
}

impl PhoneE164 {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stored E.164 number as people write it (`+1 202-555-0188`); as stored if it does not parse.
#[cfg(feature = "ssr")]
pub fn for_people(e164: &str) -> String {
    match phonenumber::parse(None, e164) {
        Ok(number) => number.format().mode(phonenumber::Mode::International).to_string(),
        Err(_) => e164.to_string(),
    }
}

/// What can be told of a phone number as it is typed, without the numbering plans: letters are
/// refused (the server would refuse them too). Whether the number exists is the server's call.
pub fn typed_phone(input: &str) -> Result<(), ContactError> {
    if input.chars().any(char::is_alphabetic) {
        Err(ContactError::PhoneLetters)
    } else {
        Ok(())
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
    fn numbers_that_cannot_exist_are_refused_whatever_their_length() {
        let us = country("US").unwrap();
        // A UK mobile typed with the United States chosen: +1 740 012 3456 has no such exchange.
        assert_eq!(PhoneE164::parse_national("07400 123456", us), Err(ContactError::InvalidPhone));
        assert_eq!(
            PhoneE164::parse_national("07400 123456", country("GB").unwrap()).unwrap().as_str(),
            "+447400123456"
        );
        // Ofcom's range for drama, which no phone answers.
        assert_eq!(PhoneE164::parse_national("07700 900123", country("GB").unwrap()), Err(ContactError::InvalidPhone));
        assert_eq!(PhoneE164::parse_national("555-CALL-NOW", us), Err(ContactError::PhoneLetters));
        assert_eq!(typed_phone("555-CALL"), Err(ContactError::PhoneLetters));
        assert_eq!(typed_phone("(202) 555"), Ok(()));
    }

    #[test]
    fn numbers_are_shown_as_people_write_them() {
        assert_eq!(PhoneE164::parse("+12025550188").unwrap().for_people(), "+1 202-555-0188");
        assert_eq!(for_people("+442079460958"), "+44 20 7946 0958");
        assert_eq!(for_people("not a number"), "not a number");
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
        for bad in ["2025551234", "+0 202 555 1234", "+1234", "+1234567890123456"] {
            assert_eq!(PhoneE164::parse(bad), Err(ContactError::InvalidPhone), "{bad}");
        }
        assert_eq!(PhoneE164::parse("+1 202 CALL NOW"), Err(ContactError::PhoneLetters));
    }
}
