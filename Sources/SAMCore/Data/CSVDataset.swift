import Foundation

/// Reads a dataset from CSV text: a header `x1,...,xd,y`, then one example per line, labels +1 or -1 (any finite
/// real for `LabelKind.real`, the squared loss's regression data).
///
/// Every error names the file and the line, so that a user can find the bad value at once. Lines may end in LF,
/// CRLF or CR. Blank lines (and a trailing newline) are skipped; anything else that is not a finite number is an error.
/// The file is read as bytes, a chunk at a time, and numbers are read from the bytes (`CSVStreamParser`,
/// `DecimalParser`), giving the same values and errors as `Double(String)` on each trimmed field.
public enum CSVDataset {
    /// Reads and parses the CSV file at `path` in chunks of 1 MiB (`CSVStreamParser`: no whole-file String); an
    /// unreadable file is `DataError.unreadable`.
    public static func read(path: String, labels kind: LabelKind = .classes) throws(DataError) -> Dataset {
        var parser = CSVStreamParser(origin: .file(path), kind: kind, byteOrderMarks: 2)
        do {
            try InputFile.chunks(path) { chunk throws(DataError) in try parser.feed(chunk) }
        } catch {
            switch error {
            case .file(let error): throw .unreadable(path: path, reason: error.reason)
            case .consumer(let error): throw error
            }
        }
        return try parser.finish()
    }

    /// Parses CSV text; `origin` names the file in errors.
    public static func parse(_ text: String, origin: DataOrigin, labels kind: LabelKind = .classes) throws(DataError) -> Dataset {
        var parser = CSVStreamParser(origin: origin, kind: kind)
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBufferPointer { buffer throws(DataError) in try parser.feed(UnsafeBufferPointer(buffer)) }
        bytes = []
        return try parser.finish()
    }
}
