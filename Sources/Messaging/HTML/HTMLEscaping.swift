/// Escaping for text placed into HTML and into CSS strings.
///
/// Letter text comes from client placement files, which are untrusted: a debtor named `<script>` must print as
/// those characters, never run. Public so every HTML Recoup writes (emails, consumers' pages) escapes the same way.
public enum HTMLEscaping {
    /// Text safe in element content and in quoted attribute values.
    public static func text(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Escaped text whose line breaks become `<br>`, as the PDF keeps them.
    public static func lines(_ text: String) -> String {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { Self.text(String($0)) }
            .joined(separator: "<br>\n")
    }

    /// A double-quoted CSS string; `<` is escaped too, so the text cannot close the `<style>` element.
    static func cssString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "<": result += "\\3C "
            case "\n", "\r": result += "\\A "
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
