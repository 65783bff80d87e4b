//! Files as scripts/build.sh leaves them in the site root, each beside its brotli and gzip copy
//! (sent by the request's Accept-Encoding): the client under `/pkg`, named by its content and
//! kept by browsers for a year, and public files such as the favicon, which keep their names and
//! are kept for an hour. Everything else the server writes is compressed as it is sent.
use app::surface::ClientFiles;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use std::convert::Infallible;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

const FOR_A_YEAR: &str = "public, max-age=31536000, immutable";
const FOR_AN_HOUR: &str = "public, max-age=3600";

/// A surface's client names from the `hash.txt` the build writes in the site root
/// (`portal.js: <hash>` a line; files `portal.<hash>.js`). Without it, the names wasm-bindgen
/// gives, so an unhashed build still works.
pub fn client_files(site_root: &Path, surface: &str) -> ClientFiles {
    let path = site_root.join("hash.txt");
    let hashes = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        tracing::warn!("cannot read {} ({e}): the client is served under its unhashed names", path.display());
        String::new()
    });
    let named = |kind: &str, unhashed: String| {
        let hash = hashes.lines().find_map(|line| {
            let (k, hash) = line.split_once(':')?;
            (k.trim().strip_prefix(surface)?.strip_prefix('.')? == kind).then(|| hash.trim()).filter(|h| !h.is_empty())
        });
        hash.map_or(unhashed, |hash| format!("{surface}.{hash}.{kind}"))
    };
    ClientFiles {
        js: named("js", format!("{surface}.js")),
        wasm: named("wasm", format!("{surface}_bg.wasm")),
        css: named("css", format!("{surface}.css")),
    }
}

/// `/pkg`, every surface's client. A file missing here is a bare 404: a page in its place would be
/// read as a script.
pub fn client<S: Clone + Send + Sync + 'static>(site_root: &Path, surfaces: &[ClientFiles]) -> Router<S> {
    let hashed: Arc<[String]> =
        surfaces.iter().flat_map(|files| [files.js.clone(), files.wasm.clone(), files.css.clone()]).collect();
    Router::new()
        .fallback_service(ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip())
        .layer(axum::middleware::from_fn_with_state(hashed, keep_client))
}

/// Public files; any other address is `not_found`'s (the 404 page), whatever its method.
pub fn public<S, F, Fut>(site_root: &Path, not_found: F) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    F: Fn(Request) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    let not_found = tower::service_fn(move |req: Request| {
        let page = not_found(req);
        async move { Ok::<_, Infallible>(page.await) }
    });
    let files = ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);
    Router::new()
        .fallback_service(files)
        .layer(axum::middleware::map_response(|res: Response| async { keep(res, FOR_AN_HOUR) }))
}

/// Pages, server-function and API answers, compressed as they go. The default predicate leaves
/// `text/event-stream` alone, as it must: the encoder would hold live-availability events back
/// until its buffer filled. It also skips images (the QR PNG is compressed already).
pub fn compression() -> CompressionLayer {
    CompressionLayer::new()
}

async fn keep_client(State(hashed): State<Arc<[String]>>, req: Request, next: Next) -> Response {
    let name = req.uri().path().trim_start_matches('/');
    let is_hashed = hashed.iter().any(|h| h == name);
    keep(next.run(req).await, if is_hashed { FOR_A_YEAR } else { FOR_AN_HOUR })
}

/// A file sent (or confirmed unchanged) gets its lifetime; errors and the 404 page keep theirs.
fn keep(mut res: Response, cache_control: &'static str) -> Response {
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let headers = res.headers_mut();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache_control));
        // The same address answers in br, gzip or plain: caches must tell them apart.
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::client_files;

    #[test]
    fn the_hash_file_names_each_client_file() {
        let site = tempfile::tempdir().expect("temp dir");
        let hashes = "portal.js: 0123abcd\nportal.wasm: 4567ef01\nportal.css: 89abcdef\nscan.js: 11112222\n";
        std::fs::write(site.path().join("hash.txt"), hashes).expect("write");
        let files = client_files(site.path(), "portal");
        assert_eq!(
            (files.js.as_str(), files.wasm.as_str(), files.css.as_str()),
            ("portal.0123abcd.js", "portal.4567ef01.wasm", "portal.89abcdef.css")
        );
        assert_eq!(client_files(site.path(), "scan").js, "scan.11112222.js");
    }

    #[test]
    fn without_a_hash_file_the_client_keeps_the_names_wasm_bindgen_gives() {
        let site = tempfile::tempdir().expect("temp dir");
        let files = client_files(site.path(), "portal");
        assert_eq!(
            (files.js.as_str(), files.wasm.as_str(), files.css.as_str()),
            ("portal.js", "portal_bg.wasm", "portal.css")
        );
    }
}
