//! The header and each row checked on their own: every problem found is reported, with its line.
use super::{FileError, RowProblem, MAX_ROWS};
use crate::contact::{Email, PhoneE164};
use crate::error::DomainError;
use crate::tickets::code::TicketCode;
use crate::tickets::lifecycle::TicketStatus;
use crate::tickets::order::NewTicket;
use std::collections::HashMap;

/// The columns a file may have, in any order; only `code` is required.
const COLUMNS: [&str; 4] = ["code", "email", "phone", "status"];
/// How much of a bad code the report repeats.
const SHOWN_CHARS: usize = 40;

/// Where each known column is in a record.
struct Header {
    at: [Option<usize>; 4],
}

impl Header {
    fn read(fields: &[String]) -> Result<Header, FileError> {
        let mut at = [None; 4];
        for (i, name) in fields.iter().enumerate() {
            let name = name.trim().to_ascii_lowercase();
            let Some(column) = COLUMNS.iter().position(|c| *c == name) else {
                return Err(FileError::UnknownColumn { column: name.chars().take(SHOWN_CHARS).collect() });
            };
            if at[column].replace(i).is_some() {
                return Err(FileError::DuplicateColumn { column: name });
            }
        }
        if at[0].is_none() {
            return Err(FileError::MissingCodeColumn);
        }
        Ok(Header { at })
    }

    /// The record's value of `column`, trimmed; empty when the file has no such column.
    fn get<'r>(&self, record: &'r [String], column: usize) -> &'r str {
        self.at[column].and_then(|i| record.get(i)).map_or("", |f| f.trim())
    }
}

/// Each good row with its line, or every bad row's problem.
pub type Checked = Result<Vec<(usize, NewTicket)>, Vec<RowProblem>>;

/// The tickets the records describe, with the line of each; or every problem found.
pub fn tickets(records: &[super::csv::Record]) -> Result<Checked, FileError> {
    let Some(((_, header), rows)) = records.split_first() else { return Err(FileError::Empty) };
    let header = Header::read(header)?;
    if rows.is_empty() {
        return Err(FileError::NoRows);
    }
    if rows.len() > MAX_ROWS {
        return Err(FileError::TooManyRows { max: MAX_ROWS, found: rows.len() });
    }
    let width = records[0].1.len();
    let mut seen: HashMap<TicketCode, usize> = HashMap::new();
    let mut good = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    for (line, record) in rows {
        let line = *line;
        let typed = header.get(record, 0);
        let mut problem = |reason: &str, message: String| {
            problems.push(RowProblem {
                line,
                code: typed.chars().take(SHOWN_CHARS).collect(),
                reason: reason.to_string(),
                message,
            })
        };
        if record.len() != width {
            problem("WRONG_FIELD_COUNT", format!("This line has {} fields; the header has {width}.", record.len()));
            continue;
        }
        let code = match TicketCode::parse(typed) {
            Ok(code) => match seen.insert(code.clone(), line) {
                Some(first) => {
                    problem("DUPLICATE_IN_FILE", format!("This code is also on line {first}."));
                    seen.insert(code, first);
                    None
                }
                None => Some(code),
            },
            Err(e) => {
                problem(e.code(), e.to_string());
                None
            }
        };
        let email = optional(header.get(record, 1), Email::parse).map_err(|e| problem(e.code(), e.to_string()));
        let phone = optional(header.get(record, 2), PhoneE164::parse).map_err(|e| problem(e.code(), e.to_string()));
        let status = status(header.get(record, 3)).map_err(|m| problem("UNKNOWN_STATUS", m));
        if let (Some(code), Ok(email), Ok(phone), Ok(status)) = (code, email, phone, status) {
            good.push((line, NewTicket { code, status, email, phone }));
        }
    }
    Ok(if problems.is_empty() { Ok(good) } else { Err(problems) })
}

fn optional<T, E>(value: &str, parse: impl Fn(&str) -> Result<T, E>) -> Result<Option<T>, E> {
    if value.is_empty() {
        Ok(None)
    } else {
        parse(value).map(Some)
    }
}

/// An imported ticket is ACTIVATED (the default) or PENDING_PAYMENT; any case, spaces or dashes
/// for underscores. Nothing else: a used or reserved ticket cannot be imported without its visit.
fn status(value: &str) -> Result<TicketStatus, String> {
    let name = value.to_ascii_uppercase().replace([' ', '-'], "_");
    match name.as_str() {
        "" | "ACTIVATED" => Ok(TicketStatus::Activated),
        "PENDING_PAYMENT" => Ok(TicketStatus::PendingPayment),
        _ => Err(format!(
            "The status '{}' cannot be imported: use ACTIVATED or PENDING_PAYMENT.",
            value.chars().take(SHOWN_CHARS).collect::<String>()
        )),
    }
}
