import Foundation

/// Assembles numbered objects into a PDF 1.4 file with a cross-reference table of exact byte offsets.
///
/// Object numbers are handed out first and bodies written after, in any order, so objects can refer to each other
/// (a page to its parent, the tree to its pages) without back-patching.
struct PDFFile {
    private var bytes = Data("%PDF-1.4\n".utf8)
    private var nextNumber = 1
    /// Byte offset of each written object, by object number.
    private var offsets: [Int: Int] = [:]

    /// A fresh object number; every reserved number must be written before `finish`.
    mutating func reserve() -> Int {
        defer { nextNumber += 1 }
        return nextNumber
    }

    /// Writes object `number` whose body is a dictionary or other direct object.
    mutating func write(_ number: Int, _ body: String) {
        offsets[number] = bytes.count
        bytes.append(Data("\(number) 0 obj\n\(body)\nendobj\n".utf8))
    }

    /// Writes object `number` as a stream; /Length is the exact byte count of `content`.
    mutating func writeStream(_ number: Int, _ content: Data) {
        offsets[number] = bytes.count
        bytes.append(Data("\(number) 0 obj\n<< /Length \(content.count) >>\nstream\n".utf8))
        bytes.append(content)
        bytes.append(Data("\nendstream\nendobj\n".utf8))
    }

    /// Appends the cross-reference table, the trailer and `%%EOF`, and returns the finished file.
    consuming func finish(root: Int, info: Int) -> Data {
        let xrefOffset = bytes.count
        var xref = "xref\n0 \(nextNumber)\n0000000000 65535 f \n"
        for number in 1..<nextNumber {
            guard let offset = offsets[number] else { preconditionFailure("PDF object \(number) was never written") }
            let digits = String(offset)
            xref += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        xref += "trailer\n<< /Size \(nextNumber) /Root \(root) 0 R /Info \(info) 0 R >>\n"
        xref += "startxref\n\(xrefOffset)\n%%EOF\n"
        bytes.append(Data(xref.utf8))
        return bytes
    }
}
