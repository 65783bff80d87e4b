//! How server functions' answers travel: JSON, read in the browser from text.
//!
//! Why not server_fn's own `Json`: it reads answers from bytes (`serde_json::from_slice`) while a
//! page's resources arrive in the HTML and are read from text (`from_str`). Each reader is its own
//! instance of every type's decoding, so a client carried two copies of the code reading each
//! answer it knows (~8 KB of the portal's gzipped client). Reading both from text keeps one.
use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::de::{DeserializeOwned, Error as _};
use serde::Serialize;

/// JSON, read from text.
pub struct JsonTextEncoding;

/// The answer encoding of every server function: `#[server(…, output = JsonText)]`.
pub type JsonText = Post<JsonTextEncoding>;

impl ContentType for JsonTextEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonTextEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        from_json_text(&bytes)
    }
}

/// `bytes` as JSON text, read as the page's resources are.
pub fn from_json_text<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let text = std::str::from_utf8(bytes).map_err(|_| serde_json::Error::custom("an answer that is not UTF-8"))?;
    serde_json::from_str(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_reads_back_as_it_was_sent() {
        let sent = crate::error::AppError::new("SLOT_FULL", "Full: pick another time.");
        let bytes = <JsonTextEncoding as Encodes<_>>::encode(&sent).expect("encode");
        let read: crate::error::AppError = <JsonTextEncoding as Decodes<_>>::decode(bytes).expect("decode");
        assert_eq!(read, sent);
    }

    #[test]
    fn bytes_that_are_not_text_are_refused_not_guessed() {
        let refused = from_json_text::<String>(&[b'"', 0xff, b'"']);
        assert!(refused.is_err());
    }
}
