//! The staff session's server functions: sign in, who is signed in, sign out. Each is thin: the
//! rules are `gatehouse::staff::sign_in` and `gatehouse::staff::session`.
use crate::error::AppError;
use gatehouse::staff::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the landing page shows, and the token its forms carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedIn {
    pub display_name: String,
    pub username: String,
    pub organization: String,
    pub role: Role,
    pub csrf: String,
}

/// The sign-in form's token: also set as a cookie, and the two must match when the form comes
/// back, so that another site cannot sign a browser in to an account of its choosing (login CSRF).
#[server(prefix = "/sfn", endpoint = "staff_sign_in_form", output = crate::codec::JsonText)]
pub async fn staff_sign_in_form() -> Result<String, AppError> {
    Ok(ssr::sign_in_token())
}

#[server(prefix = "/sfn", endpoint = "staff_sign_in", output = crate::codec::JsonText)]
pub async fn staff_sign_in(
    role: Role,
    username: String,
    password: String,
    csrf: Option<String>,
) -> Result<(), AppError> {
    use gatehouse::staff::session::StaffSession;
    use gatehouse::staff::sign_in::{sign_in, Attempt};
    if !ssr::sign_in_token_matches(csrf.as_deref().unwrap_or_default()) {
        return Err(ssr::csrf_refused());
    }
    let engine = crate::server::ssr::engine()?;
    let session = ssr::session().await?;
    let now = engine.now();
    let client = crate::server::ssr::client_address();
    let attempt = Attempt { username: username.trim(), password: &password, role, client };
    let user = sign_in(&engine.db, attempt, now).await?;
    // A new id at sign-in: an id planted before it (session fixation) is worth nothing after.
    session.cycle_id().await.map_err(ssr::session_failure)?;
    let csrf = gatehouse::secret::random_token("", 32);
    session.insert(ssr::KEY, StaffSession::new(&user, csrf, now)).await.map_err(ssr::session_failure)?;
    leptos_axum::redirect(super::home_path(role));
    Ok(())
}

/// The staff member signed in for `role`'s pages, or `None` (never signed in, expired, or the
/// other role).
#[server(prefix = "/sfn", endpoint = "staff_signed_in", output = crate::codec::JsonText)]
pub async fn staff_signed_in(role: Role) -> Result<Option<SignedIn>, AppError> {
    let engine = crate::server::ssr::engine()?;
    let Some(current) = ssr::signed_in(&engine, role).await? else { return Ok(None) };
    let user = gatehouse::staff::user_by_id(&engine.db, current.user).await.map_err(crate::server::ssr::storage)?;
    let organization =
        gatehouse::org::organization(&engine.db, current.orq).await.map_err(crate::server::ssr::storage)?;
    let (Some(user), Some(organization)) = (user, organization) else { return Ok(None) };
    Ok(Some(SignedIn {
        display_name: user.display_name,
        username: user.username,
        organization: organization.name,
        role: current.role,
        csrf: current.csrf,
    }))
}

#[server(prefix = "/sfn", endpoint = "staff_sign_out", output = crate::codec::JsonText)]
pub async fn staff_sign_out(csrf: Option<String>) -> Result<(), AppError> {
    let engine = crate::server::ssr::engine()?;
    let session = ssr::session().await?;
    let Some(current) = ssr::current(&session, engine.now()).await? else {
        leptos_axum::redirect(super::login_path(Role::Operator));
        return Ok(());
    };
    if !current.csrf_matches(csrf.as_deref().unwrap_or_default()) {
        return Err(ssr::csrf_refused());
    }
    session.delete().await.map_err(ssr::session_failure)?;
    leptos_axum::redirect(super::login_path(current.role));
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::cookies::ssr as cookies;
    use crate::error::AppError;
    use chrono::{DateTime, Duration, Utc};
    use gatehouse::staff::session::StaffSession;
    use gatehouse::staff::Role;
    use gatehouse::Engine;
    use tower_sessions::Session;

    pub const KEY: &str = "staff";
    const SIGN_IN_COOKIE: &str = "gatehouse_sign_in";
    /// An hour to type a password; then the page is reloaded for a fresh token.
    const SIGN_IN_TOKEN_SECONDS: u32 = 3600;

    pub async fn session() -> Result<Session, AppError> {
        leptos_axum::extract::<Session>().await.map_err(|e| session_failure(e.to_string()))
    }

    /// The session's staff member while the session holds; an ended one is deleted.
    pub async fn current(session: &Session, now: DateTime<Utc>) -> Result<Option<StaffSession>, AppError> {
        let Some(current) = session.get::<StaffSession>(KEY).await.map_err(session_failure)? else { return Ok(None) };
        if current.is_current(now) {
            return Ok(Some(current));
        }
        session.delete().await.map_err(session_failure)?;
        Ok(None)
    }

    /// The session of a staff member of `role` who may work from this client's address, its
    /// idle clock restarted (written at most once a minute, not on every scan).
    pub async fn signed_in(engine: &Engine, role: Role) -> Result<Option<StaffSession>, AppError> {
        let session = session().await?;
        staff_of(engine, &session, role, crate::server::ssr::client_address()).await
    }

    /// `signed_in` for a request that is not a page or a server function (a download, a stream):
    /// the caller extracts the session and knows the client's address.
    pub async fn staff_of(
        engine: &Engine,
        session: &Session,
        role: Role,
        client: std::net::IpAddr,
    ) -> Result<Option<StaffSession>, AppError> {
        let now = engine.now();
        let Some(mut current) = current(session, now).await? else { return Ok(None) };
        if current.role != role {
            return Ok(None);
        }
        let allowed = gatehouse::staff::networks::allowed_for(&engine.db, current.orq, client)
            .await
            .map_err(crate::server::ssr::storage)?;
        if !allowed {
            // Also when the page itself is being rendered, not only for a server function's answer.
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::FORBIDDEN);
            }
            return Err(AppError::domain(&gatehouse::staff::sign_in::SignInError::NetworkNotAllowed));
        }
        if now - current.last_seen >= Duration::minutes(1) {
            current.last_seen = now;
            session.insert(KEY, &current).await.map_err(session_failure)?;
        }
        Ok(Some(current))
    }

    /// The signed-in staff member of `role` whose form carried their session's token: what every
    /// state-changing staff request needs. 401 without a session, 403 with a wrong token.
    pub async fn authorized(engine: &Engine, role: Role, csrf: &str) -> Result<StaffSession, AppError> {
        let current = signed_in(engine, role).await?.ok_or_else(not_signed_in)?;
        if !current.csrf_matches(csrf) {
            return Err(csrf_refused());
        }
        Ok(current)
    }

    /// A staff member of either role, for pages both use (the shop's counter): an admin signed in
    /// at the dashboard may serve at the counter too.
    pub async fn signed_in_staff(engine: &Engine) -> Result<Option<StaffSession>, AppError> {
        match signed_in(engine, Role::Operator).await? {
            Some(operator) => Ok(Some(operator)),
            None => signed_in(engine, Role::Admin).await,
        }
    }

    /// [`authorized`] for either role.
    pub async fn authorized_staff(engine: &Engine, csrf: &str) -> Result<StaffSession, AppError> {
        let current = signed_in_staff(engine).await?.ok_or_else(not_signed_in)?;
        if !current.csrf_matches(csrf) {
            return Err(csrf_refused());
        }
        Ok(current)
    }

    pub fn not_signed_in() -> AppError {
        AppError::new("NOT_SIGNED_IN", "Your session has ended. Sign in again.").with_status(401)
    }

    pub fn csrf_refused() -> AppError {
        AppError::for_code("CSRF_INVALID").with_status(403)
    }

    /// The sign-in form's token, reusing the browser's while it has one.
    pub fn sign_in_token() -> String {
        let token = cookies::read(SIGN_IN_COOKIE)
            .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            .unwrap_or_else(|| gatehouse::secret::random_token("", 32));
        cookies::set(SIGN_IN_COOKIE, &token, "/", SIGN_IN_TOKEN_SECONDS);
        token
    }

    pub fn sign_in_token_matches(given: &str) -> bool {
        cookies::read(SIGN_IN_COOKIE).is_some_and(|cookie| gatehouse::secret::same(&cookie, given))
    }

    pub fn session_failure(e: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %e, "session store failure");
        AppError::unavailable()
    }
}
