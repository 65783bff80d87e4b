//! A stand-in for Twilio's Messages API on a free loopback port: it records each request and
//! gives the answer the test chose, after a delay if asked.
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use base64::Engine;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    pub fn basic_auth(&self) -> Option<(String, String)> {
        let encoded = self.header("authorization")?.strip_prefix("Basic ")?;
        let decoded = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(encoded).ok()?).ok()?;
        let (user, password) = decoded.split_once(':')?;
        Some((user.into(), password.into()))
    }

    pub fn form(&self, field: &str) -> Option<String> {
        form_urlencoded::parse(&self.body).find(|(name, _)| name == field).map(|(_, value)| value.into_owned())
    }
}

pub struct FakeTwilio {
    pub base: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl FakeTwilio {
    pub async fn answering(status: u16, json: &'static str) -> FakeTwilio {
        FakeTwilio::answering_after(Duration::ZERO, status, json).await
    }

    pub async fn answering_after(delay: Duration, status: u16, json: &'static str) -> FakeTwilio {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let status = StatusCode::from_u16(status).expect("a status code");
        let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            async move {
                seen.lock().expect("requests").push(Recorded { method, path: uri.path().into(), headers, body });
                tokio::time::sleep(delay).await;
                (status, [("content-type", "application/json")], json)
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeTwilio { base, requests }
    }

    pub fn only_request(&self) -> Recorded {
        let requests = self.requests.lock().expect("requests");
        assert_eq!(requests.len(), 1, "{requests:?}");
        requests[0].clone()
    }
}
