//! A signed-in staff member's session, as kept on the server: who, for which organization and
//! role, since when, and the token their forms must carry (CSRF). Sessions end 8 hours after
//! sign-in, or after 8 hours unused, whichever comes first.
use super::{Role, StaffUser};
use crate::ids::{OrgId, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub fn lifetime() -> Duration {
    Duration::hours(8)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSession {
    pub user: UserId,
    pub orq: OrgId,
    pub role: Role,
    pub csrf: String,
    pub signed_in_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

impl StaffSession {
    pub fn new(user: &StaffUser, csrf: String, now: DateTime<Utc>) -> StaffSession {
        StaffSession { user: user.id, orq: user.orq, role: user.role, csrf, signed_in_at: now, last_seen: now }
    }

    /// Whether the session still holds at `now`: within its absolute and its idle lifetime.
    pub fn is_current(&self, now: DateTime<Utc>) -> bool {
        now < self.signed_in_at + lifetime() && now < self.last_seen + lifetime()
    }

    /// The form's token against the session's, in constant time: a CSRF token is a secret.
    pub fn csrf_matches(&self, given: &str) -> bool {
        crate::secret::same(&self.csrf, given)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn session(now: DateTime<Utc>) -> StaffSession {
        let user = StaffUser {
            id: UserId(1),
            orq: OrgId(1),
            username: "op".into(),
            display_name: "Op".into(),
            role: Role::Operator,
        };
        StaffSession::new(&user, "csrf-token".into(), now)
    }

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 4, 14, 8, 0, 0).single().expect("valid instant")
    }

    #[test]
    fn a_session_ends_eight_hours_after_sign_in_even_when_used() {
        let mut s = session(start());
        s.last_seen = start() + Duration::hours(7);
        assert!(s.is_current(start() + Duration::minutes(479)));
        assert!(!s.is_current(start() + Duration::hours(8)));
    }

    #[test]
    fn a_session_unused_for_eight_hours_ends() {
        let s = session(start());
        assert!(!s.is_current(start() + Duration::hours(8)));
        assert!(s.is_current(start() + Duration::hours(1)));
    }

    #[test]
    fn only_the_sessions_own_token_passes() {
        let s = session(start());
        assert!(s.csrf_matches("csrf-token"));
        assert!(!s.csrf_matches("csrf-tokeN"));
        assert!(!s.csrf_matches(""));
    }
}
