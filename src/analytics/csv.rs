//! Tables as CSV (RFC 4180), safe to open in a spreadsheet.
use super::tables::TableData;

/// The table as CSV: a header line, then one line per row, each ending in CRLF.
pub fn to_csv(table: &TableData) -> String {
    let mut out = String::new();
    for line in std::iter::once(&table.header).chain(table.rows.iter()) {
        let cells: Vec<String> = line.iter().map(|cell| field(cell)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One cell: quoted when it holds a separator, a quote or a line break; and a cell a spreadsheet
/// would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return first) is prefixed
/// with `'` so it is shown as text (OWASP "CSV injection").
pub fn field(cell: &str) -> String {
    let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_string() };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_cells_are_written_as_they_are() {
        assert_eq!(field("2026-11-23"), "2026-11-23");
        assert_eq!(field("42"), "42");
        assert_eq!(field(""), "");
    }

    #[test]
    fn separators_quotes_and_line_breaks_are_quoted() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_made_text() {
        assert_eq!(field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-1+2"), "'-1+2");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tx"), "'\tx");
    }

    #[test]
    fn a_table_is_a_header_and_rows_each_ending_in_crlf() {
        let table = TableData {
            header: vec!["reason".into(), "refusals".into()],
            rows: vec![vec!["WRONG_DATE".into(), "3".into()], vec!["a,b".into(), "1".into()]],
        };
        assert_eq!(to_csv(&table), "reason,refusals\r\nWRONG_DATE,3\r\n\"a,b\",1\r\n");
    }
}
