import Foundation

/// Reads a dataset from CSV text: a header `x1,...,xd,y`, then one example per line, labels +1 or -1.
///
/// Every error names the file and the line, so that a user can find the bad value at once. Blank lines
/// (and a trailing newline) are skipped; anything else that is not a finite number is an error.
public enum CSVDataset {
    public static func read(path: String) throws(InvalidInput) -> Dataset {
        guard let text = String(data: try InputFile.read(path), encoding: .utf8) else {
            throw InvalidInput("\(path): not UTF-8 text")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String) throws(InvalidInput) -> Dataset {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
            (number: $0.offset + 1, text: $0.element.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        lines.removeAll { $0.text.isEmpty }
        guard let header = lines.first else { throw InvalidInput("\(source): the file is empty") }
        let columns = header.text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let d = columns.count - 1
        guard d >= 1 else {
            throw InvalidInput("\(source):\(header.number): the header must be x1,...,xd,y (at least one feature and the label)")
        }
        for (j, name) in columns.enumerated() {
            let expected = j < d ? "x\(j + 1)" : "y"
            guard name.lowercased() == expected else {
                throw InvalidInput("\(source):\(header.number): header column \(j + 1) is '\(name)', expected '\(expected)' (header x1,...,xd,y)")
            }
        }
        var points = [[Double]]()
        var labels = [Double]()
        for line in lines.dropFirst() {
            let fields = line.text.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == d + 1 else {
                throw InvalidInput("\(source):\(line.number): expected \(d + 1) fields, found \(fields.count)")
            }
            var x = [Double]()
            x.reserveCapacity(d)
            for (j, field) in fields.enumerated() {
                let token = field.trimmingCharacters(in: .whitespaces)
                guard let value = Double(token) else {
                    throw InvalidInput("\(source):\(line.number): '\(token)' in column \(columns[j]) is not a number")
                }
                guard value.isFinite else {
                    throw InvalidInput("\(source):\(line.number): non-finite value '\(token)' in column \(columns[j])")
                }
                if j < d { x.append(value) } else {
                    guard value == 1 || value == -1 else {
                        throw InvalidInput("\(source):\(line.number): label '\(token)' must be +1 or -1")
                    }
                    labels.append(value)
                }
            }
            points.append(x)
        }
        guard !points.isEmpty else { throw InvalidInput("\(source): no data rows after the header") }
        return try Dataset(points: points, labels: labels, source: source)
    }
}
