//! Signed tickets: what a ticket's QR code carries, so a scanner can tell a genuine ticket
//! without the network.
//!
//! # The payload, version 1
//!
//! ```text
//! GH1:2026AC3K7XM2D8HW4RTVN:1:20261128:1:<103 characters of signature>
//! │   │                     │ │        │ └ Ed25519 signature, RFC 4648 base32, no padding
//! │   │                     │ │        └── signing key id (decimal)
//! │   │                     │ └─────────── reserved date, YYYYMMDD; `-` when not reserved yet
//! │   │                     └───────────── organization id (decimal)
//! │   └─────────────────────────────────── ticket code: its 21 significant characters
//! └─────────────────────────────────────── format and version
//! ```
//!
//! The signature is by the organization's key over the ASCII bytes before the last `:`
//! (`GH1:…:<key id>`), version prefix included. Every character is in the QR code's
//! alphanumeric set (`0-9`, `A-Z`, `:`, `-`), which packs 2 characters in 11 bits: a typical
//! payload is 142 characters and encodes as QR version 6 at error correction level M (41 × 41
//! modules), within the version 7 a cheap phone camera reads at arm's length. Numbers carry no
//! leading zeros and base32 no padding or stray bits, so a payload has exactly one spelling.
//!
//! A different `GH<n>:` prefix is a later format; readers refuse one they do not know.
//!
//! Parsing and checking ([`SignedTicket`], [`verify_offline`]) compile for the browser and run
//! in the scanner; signing and the keys' storage are the server's (`ssr`).
mod offline;
mod payload;

#[cfg(feature = "ssr")]
pub mod keys;

pub use offline::{verify_offline, OfflineRefusal, PublicKey, SignatureRefusal};
pub use payload::{PayloadError, SignedTicket};

#[cfg(feature = "ssr")]
pub use keys::{public_keys, retire, rotate, sign_ticket, KeyError};
