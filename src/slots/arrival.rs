//! What a booked time means to a visitor: when they may come in. "10:00 AM–12:00 PM" reads like
//! a two-hour visit at a museum that means "enter any time in these two hours", so the venue
//! says which it means and every page that shows a time says it in words.
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Arrival {
    /// Entry is open from the start to the end of the time (a museum's timed entry); once in,
    /// visitors stay as long as they like.
    #[default]
    During,
    /// The visit begins at the start of the time and lasts until its end (a guided tour).
    AtStart,
}

impl Arrival {
    /// The sentence shown with the times of a day, on the summary and on the ticket.
    pub fn advice(self) -> &'static str {
        match self {
            Self::During => "Come in any time during your time; you may stay after it ends.",
            Self::AtStart => "Please be there at the start of your time: the visit begins then.",
        }
    }
}

impl FromStr for Arrival {
    type Err = ();

    /// The setting's words: `during` or `start`.
    fn from_str(text: &str) -> Result<Self, ()> {
        match text.trim() {
            "during" => Ok(Self::During),
            "start" => Ok(Self::AtStart),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_reads_during_or_start_and_nothing_else() {
        assert_eq!("during".parse(), Ok(Arrival::During));
        assert_eq!(" start ".parse(), Ok(Arrival::AtStart));
        assert_eq!("Start".parse::<Arrival>(), Err(()));
        assert_eq!("".parse::<Arrival>(), Err(()));
    }

    #[test]
    fn each_setting_says_something_different_about_the_end_of_the_time() {
        assert!(Arrival::During.advice().contains("stay after it ends"));
        assert!(Arrival::AtStart.advice().contains("at the start"));
    }
}
