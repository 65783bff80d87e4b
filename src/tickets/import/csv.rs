//! Reading the uploaded file into records: UTF-8 text, RFC 4180 fields (quotes, doubled quotes,
//! CRLF or LF), each record with the line it starts on. A hand-written reader rather than a
//! dependency: the format is four columns and the errors must name lines the way the report does.
use super::FileError;

/// The largest file taken: 5,000 rows of code, e-mail, phone and status fit in a fifth of it.
pub const MAX_BYTES: usize = 1024 * 1024;

/// A record and the line (from 1) it starts on.
pub type Record = (usize, Vec<String>);

/// The file's records, blank lines left out.
pub fn records(bytes: &[u8]) -> Result<Vec<Record>, FileError> {
    if bytes.len() > MAX_BYTES {
        return Err(FileError::TooLarge { max_bytes: MAX_BYTES });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| FileError::NotUtf8 { line: line_at(bytes, e.valid_up_to()) })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some((at, c)) = text.char_indices().find(|&(_, c)| c.is_control() && !matches!(c, '\t' | '\r' | '\n')) {
        return Err(FileError::ControlCharacter {
            line: line_at(text.as_bytes(), at),
            character: format!("U+{:04X}", c as u32),
        });
    }
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let (mut line, mut start) = (1, 1);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                fields.push(std::mem::take(&mut field));
                push(&mut out, start, std::mem::take(&mut fields));
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(FileError::UnterminatedQuote { line: start });
    }
    fields.push(field);
    push(&mut out, start, fields);
    Ok(out)
}

fn push(out: &mut Vec<Record>, line: usize, fields: Vec<String>) {
    if !fields.iter().all(|f| f.trim().is_empty()) {
        out.push((line, fields));
    }
}

/// The line (from 1) byte `at` is on.
fn line_at(bytes: &[u8], at: usize) -> usize {
    1 + bytes[..at.min(bytes.len())].iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<Record> {
        records(input.as_bytes()).expect("readable")
    }

    fn rec(line: usize, fields: &[&str]) -> Record {
        (line, fields.iter().map(|f| f.to_string()).collect())
    }

    #[test]
    fn lines_fields_quotes_and_blank_lines_are_read_as_written() {
        let got = texts("code,email\r\nA,\"x,y\"\n\n\"say \"\"hi\"\"\",\r\n\"two\nlines\",z");
        assert_eq!(
            got,
            vec![
                rec(1, &["code", "email"]),
                rec(2, &["A", "x,y"]),
                rec(4, &["say \"hi\"", ""]),
                rec(5, &["two\nlines", "z"])
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_and_a_missing_last_newline_are_fine() {
        assert_eq!(texts("\u{feff}code\nA"), vec![rec(1, &["code"]), rec(2, &["A"])]);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_with_their_line() {
        assert_eq!(records(b"code\nA\n\xff\xfe\n"), Err(FileError::NotUtf8 { line: 3 }));
    }

    #[test]
    fn control_characters_are_refused_with_their_line() {
        assert_eq!(
            records(b"code\nTKT\x00\n"),
            Err(FileError::ControlCharacter { line: 2, character: "U+0000".into() })
        );
    }

    #[test]
    fn an_open_quote_is_refused_with_the_line_it_opened_on() {
        assert_eq!(records(b"code\n\"A\nB\n"), Err(FileError::UnterminatedQuote { line: 2 }));
    }

    #[test]
    fn a_file_too_large_is_refused_before_it_is_read() {
        assert_eq!(records(&vec![b'a'; MAX_BYTES + 1]), Err(FileError::TooLarge { max_bytes: MAX_BYTES }));
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_answered_without_a_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = records(&bytes);
        }
    }
}
