import Foundation

/// The byte-level reader behind `CSVDataset`: fed the file in chunks, it splits fields at `,` and lines at LF, CRLF
/// or CR, and reads each number with `DecimalParser` straight from the bytes (no whole-file String, no String per
/// field), so that a file of 10^6 columns costs its bytes once.
///
/// It gives the same dataset and the same errors as reading the file as UTF-8 text, splitting it into lines, trimming
/// each line (`whitespacesAndNewlines`) and each field (`whitespaces`) and reading fields with `Double(String)`:
/// - the first non-empty line is the header `x1,...,xd,y` (case-insensitive), blank lines are skipped;
/// - within a line, a wrong field count is reported before a bad value, and the first bad value before later ones;
/// - a file that is not UTF-8 is "not UTF-8 text" (no line), whatever else is wrong with it: after the first error the
///   rest of the file is still read, to check its encoding.
/// Fields holding non-ASCII bytes (Unicode spaces around a number, say) are decoded and trimmed as Strings, as before.
/// (One difference: a comma followed by a combining mark was not a field separator for `String.split`, which splits
/// graphemes; here every comma is one.)
struct CSVStreamParser {
    /// Names the file in errors.
    let origin: DataOrigin
    /// Which labels are accepted.
    let kind: LabelKind

    /// The number of the line being read (1-based, counting blank lines).
    var lineNumber = 1
    /// The index of the field being read within its line.
    var fieldIndex = 0
    /// Whether the current line has had anything but trimmed whitespace (so far).
    var lineHasContent = false
    /// A CR ended the last line: an LF right after it belongs to the same line break.
    var pendingCR = false
    /// The bytes of a field that began in an earlier chunk.
    var carry: [UInt8] = []
    /// Whether `carry` holds a byte >= 0x80.
    var carryNonASCII = false

    /// The dimension d, once the header has been read (nil before).
    var dimension: Int?
    /// Header fields read so far.
    var headerCount = 0
    /// The first header field (index, trimmed name) that is not `x<index+1>`.
    var headerMismatch: (index: Int, name: String)?
    /// The bytes of the last header field read (trimmed).
    var headerLast: [UInt8] = []
    /// Header names spelt otherwise than `x<j>` / `y` exactly (upper case), by column index, for messages.
    var headerSpelling: [Int: String] = [:]

    /// The values of the row being read.
    var row: [Double] = []
    /// The label of the row being read.
    var label = 0.0
    /// The first bad value of the row being read (reported after the field count is checked).
    var rowError: String?
    /// The rows read so far.
    var points: [[Double]] = []
    /// Their labels.
    var labels: [Double] = []
    /// The first error of the file: once set, the rest is only checked for its encoding.
    var failure: DataError?

    /// How many byte-order marks at the start of the file are skipped: 2 for a file's bytes (decoding them as UTF-8
    /// with `String(data:encoding:)`, as the reader did before, dropped one, and the header check another), 1 for text.
    let byteOrderMarks: Int

    /// A parser for a file named by `origin`, skipping up to `byteOrderMarks` leading byte-order marks.
    init(origin: DataOrigin, kind: LabelKind, byteOrderMarks: Int = 1) {
        self.origin = origin
        self.kind = kind
        self.byteOrderMarks = byteOrderMarks
    }

    /// The error of a line (nil: the whole file).
    func fail(_ line: Int?, _ detail: String) -> DataError { .malformed(origin: origin, line: line, detail: detail) }

    /// The error of a file that is not UTF-8.
    var notUTF8: DataError { fail(nil, "not UTF-8 text") }

    // MARK: - Feeding bytes

    /// Reads the next chunk of the file.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) throws(DataError) {
        let n = chunk.count
        var i = 0
        while i < n {
            if pendingCR {
                pendingCR = false
                if chunk[i] == 0x0A { i += 1; continue }
            }
            var j = i, nonASCII = false
            while j < n {
                let b = chunk[j]
                if b == 0x2C || b == 0x0A || b == 0x0D { break }
                if b >= 0x80 { nonASCII = true }
                j += 1
            }
            if j == n {
                carry.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[i..<n]))
                carryNonASCII = carryNonASCII || nonASCII
                return
            }
            let terminator = chunk[j]
            if carry.isEmpty {
                try field(UnsafeBufferPointer(rebasing: chunk[i..<j]), nonASCII: nonASCII, endsLine: terminator != 0x2C)
            } else {
                carry.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[i..<j]))
                let joined = carry, wide = carryNonASCII || nonASCII
                carry.removeAll(keepingCapacity: true)
                carryNonASCII = false
                try joined.withUnsafeBufferPointer { buffer throws(DataError) in try field(buffer, nonASCII: wide, endsLine: terminator != 0x2C) }
            }
            if terminator == 0x0D { pendingCR = true }
            i = j + 1
        }
    }

    /// The end of the file: the last line (if it has no line break) and the dataset, or the first error.
    mutating func finish() throws(DataError) -> Dataset {
        if !carry.isEmpty || fieldIndex > 0 {
            let last = carry, wide = carryNonASCII
            carry = []
            try last.withUnsafeBufferPointer { buffer throws(DataError) in try field(buffer, nonASCII: wide, endsLine: true) }
        }
        if let failure { throw failure }
        guard dimension != nil else { throw fail(nil, "the file is empty") }
        guard !points.isEmpty else { throw fail(nil, "no data rows after the header") }
        return try Dataset(points: points, labels: labels, origin: origin, labelKind: kind)
    }

    // MARK: - Fields and lines

    /// One field's bytes (between separators), the last of its line when `endsLine`.
    mutating func field(_ raw: UnsafeBufferPointer<UInt8>, nonASCII: Bool, endsLine: Bool) throws(DataError) {
        var bytes = raw
        // A byte-order mark (spreadsheets write one) is not part of the header: up to `byteOrderMarks` of them.
        if lineNumber == 1, fieldIndex == 0 {
            var marks = 0
            while marks < byteOrderMarks, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                bytes = UnsafeBufferPointer(rebasing: bytes[3...])
                marks += 1
            }
        }
        if nonASCII && String(validating: bytes, as: UTF8.self) == nil { throw notUTF8 }
        if failure == nil {
            let first = fieldIndex == 0
            if nonASCII {
                let token = Self.trimmed(String(decoding: bytes, as: UTF8.self), leadingLine: first, trailingLine: endsLine)
                if !(first && endsLine && token.isEmpty) { lineHasContent = true }
                if lineHasContent { try Array(token.utf8).withUnsafeBufferPointer { t throws(DataError) in value(t, text: token) } }
            } else {
                let t = Self.trimmed(bytes, leadingLine: first, trailingLine: endsLine)
                if !(first && endsLine && t.isEmpty) { lineHasContent = true }
                if lineHasContent { value(t, text: nil) }
            }
        }
        fieldIndex += 1
        if endsLine { endLine() }
    }

    /// A trimmed field of the header or of a row; `text` is its String when it was decoded as one.
    mutating func value(_ token: UnsafeBufferPointer<UInt8>, text: String?) {
        let j = fieldIndex
        guard let d = dimension else {
            headerField(token, text: text, index: j)
            return
        }
        guard j <= d, rowError == nil else { return }
        func name() -> String { text ?? String(decoding: token, as: UTF8.self) }
        guard let v = DecimalParser.parse(token) else {
            rowError = "'\(name())' in column \(column(j, d)) is not a number"
            return
        }
        guard v.isFinite else {
            rowError = "non-finite value '\(name())' in column \(column(j, d))"
            return
        }
        if j < d {
            row.append(v)
        } else {
            guard kind == .real || v == 1 || v == -1 else {
                rowError = "label '\(name())' must be +1 or -1 (real-valued labels need the squared loss)"
                return
            }
            label = v
        }
    }

    /// The header's name of column j (0-based) of d + 1.
    func column(_ j: Int, _ d: Int) -> String { headerSpelling[j] ?? (j < d ? "x\(j + 1)" : "y") }

    /// One header name: kept only as far as the checks at the end of the line need it. The usual `x<j>` is
    /// recognised from its bytes (no String made for it).
    mutating func headerField(_ token: UnsafeBufferPointer<UInt8>, text: String?, index j: Int) {
        headerCount = j + 1
        headerLast.removeAll(keepingCapacity: true)
        headerLast.append(contentsOf: token)
        if text == nil, Self.isExpectedName(token, index: j) { return }
        let name = text ?? String(decoding: token, as: UTF8.self)
        let lower = name.lowercased()
        if headerMismatch == nil, lower != "x\(j + 1)" { headerMismatch = (j, name) }
        if lower != name { headerSpelling[j] = name }
    }

    /// Whether ASCII bytes spell `x<j+1>` exactly (lower case, no leading zero).
    static func isExpectedName(_ token: UnsafeBufferPointer<UInt8>, index j: Int) -> Bool {
        guard token.count >= 2, token.count <= 20, token[0] == 0x78, token[1] != 0x30 else { return false }
        var value = 0
        for b in token[1...] {
            guard b &- 0x30 < 10 else { return false }
            value = value * 10 + Int(b &- 0x30)
        }
        return value == j + 1
    }

    /// The end of a line: the header's checks, or the row's (field count first, then its first bad value).
    mutating func endLine() {
        defer {
            lineNumber += 1
            fieldIndex = 0
            lineHasContent = false
            row.removeAll(keepingCapacity: true)
            rowError = nil
        }
        guard failure == nil, lineHasContent else { return }
        guard let d = dimension else {
            let d = headerCount - 1
            guard d >= 1 else {
                failure = fail(lineNumber, "the header must be x1,...,xd,y (at least one feature and the label)")
                return
            }
            if let (j, name) = headerMismatch, j < d {
                failure = fail(lineNumber, "header column \(j + 1) is '\(name)', expected 'x\(j + 1)' (header x1,...,xd,y)")
                return
            }
            let last = String(decoding: headerLast, as: UTF8.self)
            guard last.lowercased() == "y" else {
                failure = fail(lineNumber, "header column \(d + 1) is '\(last)', expected 'y' (header x1,...,xd,y)")
                return
            }
            // Only spellings that differ from the expected names are kept (`X5`, `Y`).
            headerSpelling = headerSpelling.filter { $0.key <= d }
            dimension = d
            row.reserveCapacity(d)
            return
        }
        guard fieldIndex == d + 1 else {
            failure = fail(lineNumber, "expected \(d + 1) fields, found \(fieldIndex)")
            return
        }
        if let rowError {
            failure = fail(lineNumber, rowError)
            return
        }
        points.append(row)
        labels.append(label)
        row = []
        row.reserveCapacity(d)
    }

    // MARK: - Trimming

    /// Whether an ASCII byte is trimmed from a field's ends (`CharacterSet.whitespaces`: space and tab) or, at a
    /// line's ends, also as `whitespacesAndNewlines` (vertical tab and form feed; LF and CR end lines).
    @inline(__always)
    static func isSpace(_ b: UInt8, line: Bool) -> Bool {
        b == 0x20 || b == 0x09 || (line && (b == 0x0B || b == 0x0C))
    }

    /// An ASCII field without its leading and trailing spaces (a line's first field as a line's start, its last as a
    /// line's end).
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, leadingLine: Bool, trailingLine: Bool) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = bytes.count
        while lo < hi, isSpace(bytes[lo], line: leadingLine) { lo += 1 }
        while hi > lo, isSpace(bytes[hi - 1], line: trailingLine) { hi -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[lo..<hi])
    }

    /// A decoded field trimmed as Foundation trims: `whitespaces`, or `whitespacesAndNewlines` at a line's ends.
    static func trimmed(_ text: String, leadingLine: Bool, trailingLine: Bool) -> String {
        let lineSet = CharacterSet.whitespacesAndNewlines, fieldSet = CharacterSet.whitespaces
        var scalars = Substring(text).unicodeScalars[...]
        while let s = scalars.first, (leadingLine ? lineSet : fieldSet).contains(s) { scalars.removeFirst() }
        while let s = scalars.last, (trailingLine ? lineSet : fieldSet).contains(s) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
