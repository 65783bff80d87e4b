//! A panic is a bug in one request, not a reason to drop the connection without an answer: the
//! caller gets a 500 in the shape it expects (the API's JSON envelope, a page elsewhere). The
//! panic itself is logged as one line by the hook `main` installs.
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::any::Any;
use tower_http::catch_panic::CatchPanicLayer;

type Answer = fn(Box<dyn Any + Send + 'static>) -> Response;

/// For the REST API: `{ "success": false, "error": { "code": "INTERNAL", … } }`.
pub fn as_json() -> CatchPanicLayer<Answer> {
    CatchPanicLayer::custom(|_| crate::api::error::ApiError::new(500, "INTERNAL", MESSAGE).into_response())
}

/// For pages, server functions and downloads: a short page that says what happened.
pub fn as_page() -> CatchPanicLayer<Answer> {
    CatchPanicLayer::custom(|_| {
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Something went wrong · Gatehouse</title>\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
             <body><main><h1>Something went wrong</h1><p>{MESSAGE}</p><p><a href=\"/\">Back to the start page</a></p>\
             </main></body></html>"
        );
        (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
    })
}

const MESSAGE: &str = "Something went wrong on our side. Please try again.";
