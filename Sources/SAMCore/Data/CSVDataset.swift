import Foundation

/// Reads a dataset from CSV text: a header `x1,...,xd,y`, then one example per line, labels +1 or -1 (any finite
/// real for `LabelKind.real`, the squared loss's regression data).
///
/// Every error names the file and the line, so that a user can find the bad value at once. Lines may end in LF,
/// CRLF or CR. Blank lines (and a trailing newline) are skipped; anything else that is not a finite number is an error.
public enum CSVDataset {
    /// Reads and parses the CSV file at `path`; an unreadable file is `DataError.unreadable`.
    public static func read(path: String, labels kind: LabelKind = .classes) throws(DataError) -> Dataset {
        let data: Data
        do { data = try InputFile.contents(path) } catch { throw .unreadable(path: path, reason: error.reason) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .malformed(origin: .file(path), line: nil, detail: "not UTF-8 text")
        }
        return try parse(text, origin: .file(path), labels: kind)
    }

    /// Parses CSV text; `origin` names the file in errors.
    public static func parse(_ text: String, origin: DataOrigin, labels kind: LabelKind = .classes) throws(DataError) -> Dataset {
        func fail(_ line: Int?, _ detail: String) -> DataError { .malformed(origin: origin, line: line, detail: detail) }
        // Lines end in LF, CRLF (Windows) or CR; Swift reads "\r\n" as one Character, so it is named on its own.
        // A byte-order mark (spreadsheets write one) is not part of the header.
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        var lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).enumerated().map {
            (number: $0.offset + 1, text: $0.element.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        lines.removeAll { $0.text.isEmpty }
        guard let header = lines.first else { throw fail(nil, "the file is empty") }
        let columns = header.text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let d = columns.count - 1
        guard d >= 1 else {
            throw fail(header.number, "the header must be x1,...,xd,y (at least one feature and the label)")
        }
        for (j, name) in columns.enumerated() {
            let expected = j < d ? "x\(j + 1)" : "y"
            guard name.lowercased() == expected else {
                throw fail(header.number, "header column \(j + 1) is '\(name)', expected '\(expected)' (header x1,...,xd,y)")
            }
        }
        var points = [[Double]]()
        var labels = [Double]()
        for line in lines.dropFirst() {
            let fields = line.text.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == d + 1 else { throw fail(line.number, "expected \(d + 1) fields, found \(fields.count)") }
            var x = [Double]()
            x.reserveCapacity(d)
            for (j, field) in fields.enumerated() {
                let token = field.trimmingCharacters(in: .whitespaces)
                guard let value = Double(token) else { throw fail(line.number, "'\(token)' in column \(columns[j]) is not a number") }
                guard value.isFinite else { throw fail(line.number, "non-finite value '\(token)' in column \(columns[j])") }
                if j < d { x.append(value) } else {
                    guard kind == .real || value == 1 || value == -1 else {
                        throw fail(line.number, "label '\(token)' must be +1 or -1 (real-valued labels need the squared loss)")
                    }
                    labels.append(value)
                }
            }
            points.append(x)
        }
        guard !points.isEmpty else { throw fail(nil, "no data rows after the header") }
        return try Dataset(points: points, labels: labels, origin: origin, labelKind: kind)
    }
}
