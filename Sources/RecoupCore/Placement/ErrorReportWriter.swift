/// Renders row errors as the error report: CSV with header `row,column,value,reason`, CRLF line ends and RFC 4180
/// quoting (a field holding a comma, quote, CR or LF is quoted, quotes doubled).
///
/// `row` counts data rows from 1 (the header is not a row). Problems with the file as a whole use row 0 (see
/// ``PlacementFileError/rowErrors``), so the column always holds an integer and sorts before every data row.
public enum ErrorReportWriter {
    public static let header = "row,column,value,reason"

    /// The whole report, header included.
    public static func csv(_ errors: some Sequence<RowError>) -> String {
        var text = header + "\r\n"
        for error in errors { append(error, to: &text) }
        return text
    }

    /// The report for a file that could not be processed at all.
    public static func csv(_ error: PlacementFileError) -> String { csv(error.rowErrors) }

    /// One line of the report, with its CRLF.
    public static func line(_ error: RowError) -> String {
        var text = ""
        append(error, to: &text)
        return text
    }

    /// Appends one line to a report being built (or streamed out in pieces).
    public static func append(_ error: RowError, to text: inout String) {
        text += String(error.row)
        text += ","
        text += quote(error.column)
        text += ","
        text += quote(error.value)
        text += ","
        text += quote(error.reason)
        text += "\r\n"
    }

    /// A field as RFC 4180 wants it.
    public static func quote(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D })
        else { return field }
        return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}

/// The name the HTTP API and the CLI use.
public typealias ErrorReport = ErrorReportWriter
