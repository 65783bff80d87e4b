//! Importing existing ticket codes from a CSV file, all or nothing.
//!
//! The file: a header line naming its columns, in any order: `code` (required), and `email`,
//! `phone` (with its country code, `+1 202 555 0143`), `status` (`ACTIVATED`, the default, or
//! `PENDING_PAYMENT`), each optional and possibly empty. Codes are read as people type them
//! (`TicketCode::parse`: with or without `TKT`, dashes or spaces, any case). At most
//! [`MAX_ROWS`] rows and `csv::MAX_BYTES` bytes, in UTF-8.
//!
//! Every row is checked (its code, its check character, a code twice in the file, a code that
//! exists already, the e-mail, the phone, the status); one bad row and nothing is written, and
//! the answer lists every problem with its line. A good file becomes one order (the batch:
//! PENDING while any of its tickets awaits payment, which marking it paid then activates) and
//! one audit entry, in one transaction.
#[cfg(feature = "ssr")]
use crate::error::{detail, details, DomainError};
use crate::ids::{OrderId, ProductId};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use serde_json::{Map, Value};

#[cfg(feature = "ssr")]
mod csv;
#[cfg(feature = "ssr")]
mod rows;
#[cfg(feature = "ssr")]
mod write;

#[cfg(feature = "ssr")]
pub use csv::MAX_BYTES;
#[cfg(feature = "ssr")]
pub use write::import;

/// The most rows one file may have.
pub const MAX_ROWS: usize = 5_000;

/// One problem with one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The line of the file the row starts on (the header is line 1).
    pub line: usize,
    /// The code as the row has it (its first 40 characters).
    pub code: String,
    /// Machine-readable: `INVALID_TICKET_CODE`, `TICKET_CODE_CHECK_FAILED`, `DUPLICATE_IN_FILE`,
    /// `TICKET_EXISTS`, `INVALID_EMAIL`, `INVALID_PHONE`, `PHONE_LETTERS`, `UNKNOWN_STATUS`,
    /// `WRONG_FIELD_COUNT`.
    pub reason: String,
    pub message: String,
}

/// A file that cannot be read as an import at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("The file is larger than {max_bytes} bytes.")]
    TooLarge { max_bytes: usize },
    #[error("The file is not UTF-8 text (line {line}): save it as CSV UTF-8 and try again.")]
    NotUtf8 { line: usize },
    #[error("Line {line} holds a control character ({character}) that cannot be in a ticket file.")]
    ControlCharacter { line: usize, character: String },
    #[error("A quoted field opened on line {line} is never closed.")]
    UnterminatedQuote { line: usize },
    #[error("The file is empty: it needs a header line (code,email,phone,status) and a row per ticket.")]
    Empty,
    #[error("The header line has no 'code' column.")]
    MissingCodeColumn,
    #[error("The header line has a column '{column}' that is not one of code, email, phone, status.")]
    UnknownColumn { column: String },
    #[error("The header line names the column '{column}' twice.")]
    DuplicateColumn { column: String },
    #[error("The file has a header line but no tickets.")]
    NoRows,
    #[error("The file has {found} rows; at most {max} can be imported at once.")]
    TooManyRows { max: usize, found: usize },
}

#[cfg(feature = "ssr")]
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("{} problem(s) in the file: nothing was imported.", .0.len())]
    BadRows(Vec<RowProblem>),
    #[error("That product does not exist.")]
    ProductNotFound,
    #[error("storage failure")]
    Storage(#[from] sqlx::Error),
}

#[cfg(feature = "ssr")]
impl DomainError for ImportError {
    fn code(&self) -> &'static str {
        match self {
            Self::File(FileError::TooLarge { .. }) => "IMPORT_TOO_LARGE",
            Self::File(FileError::TooManyRows { .. }) => "IMPORT_TOO_MANY_ROWS",
            Self::File(FileError::NotUtf8 { .. } | FileError::ControlCharacter { .. }) => "IMPORT_NOT_TEXT",
            Self::File(_) => "IMPORT_MALFORMED",
            Self::BadRows(_) => "IMPORT_BAD_ROWS",
            Self::ProductNotFound => "PRODUCT_NOT_FOUND",
            Self::Storage(_) => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::File(FileError::TooLarge { .. }) => 413,
            Self::File(_) | Self::BadRows(_) => 422,
            Self::ProductNotFound => 404,
            Self::Storage(_) => 500,
        }
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            Self::BadRows(rows) => details([("rows", detail(rows))]),
            Self::File(FileError::TooManyRows { max, found }) => {
                details([("max", detail(max)), ("found", detail(found))])
            }
            _ => Map::new(),
        }
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        match self {
            Self::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// A file imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    pub order_id: OrderId,
    pub product_id: ProductId,
    pub product: String,
    pub activated: usize,
    pub pending: usize,
}
