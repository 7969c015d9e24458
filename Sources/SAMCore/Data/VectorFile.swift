import Foundation

/// A vector of numbers read from a file, for values too long for a command line or a summary (`--mu @FILE`, the spec
/// key `data.mu_file`): a NumPy `.npy` file (a float64 vector, or an array of one row or column; told by its magic,
/// whatever its name), or text holding numbers separated by commas or ASCII whitespace (one per line, or one
/// comma-separated line: a CSV or plain list). Every value must be finite. Numbers are read from the bytes
/// (`DecimalParser`), exactly as `Double(String)` reads them.
public enum VectorFile {
    /// The values of the file at `path`; every error is one line starting with the path: `v.txt: entry 3 ('a') is not
    /// a number`, `v.txt: holds no numbers`, `v.txt: cannot read the file (no such file)`.
    public static func read(_ path: String) throws(InvalidInput) -> [Double] {
        let data: Data
        do { data = try InputFile.contents(path) } catch { throw InvalidInput(error.description) }
        let values: [Double]
        if NPYArray.isNPY(data) {
            let array = try NPYArray(data: data, source: path)
            guard array.shape.count == 1 || array.shape.contains(1) else {
                throw InvalidInput("\(path): an array of shape \(array.shape.map(String.init).joined(separator: "x")), expected a vector")
            }
            if let i = array.values.firstIndex(where: { !$0.isFinite }) {
                throw InvalidInput("\(path): entry \(i + 1) (\(array.values[i])) is not finite")
            }
            values = array.values
        } else {
            values = try parse(data, source: path)
        }
        guard !values.isEmpty else { throw InvalidInput("\(path): holds no numbers") }
        return values
    }

    /// `read(path)` with `source` (a flag) before every error: `--mu: v.txt: entry 3 ('a') is not a number`.
    public static func read(_ path: String, source: String) throws(InvalidInput) -> [Double] {
        do { return try read(path) } catch { throw InvalidInput("\(source): \(error.message)") }
    }

    /// Numbers separated by commas or whitespace (ASCII space, tab, LF, CR, vertical tab, form feed), possibly none;
    /// `source` names the file in errors.
    public static func parse(_ data: Data, source: String) throws(InvalidInput) -> [Double] {
        var values = [Double]()
        var failure: InvalidInput?
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let n = bytes.count
            var i = 0, entry = 0
            func separator(_ b: UInt8) -> Bool { b == 0x2C || b == 0x20 || (b >= 0x09 && b <= 0x0D) }
            while i < n {
                while i < n, separator(bytes[i]) { i += 1 }
                guard i < n else { break }
                var j = i
                while j < n, !separator(bytes[j]) { j += 1 }
                entry += 1
                let token = UnsafeBufferPointer(rebasing: bytes[i..<j])
                guard let v = DecimalParser.parse(token), v.isFinite else {
                    let text = String(decoding: token, as: UTF8.self)
                    let what = DecimalParser.parse(token) == nil ? "is not a number" : "is not finite"
                    failure = InvalidInput("\(source): entry \(entry) ('\(text)') \(what)")
                    return
                }
                values.append(v)
                i = j
            }
        }
        if let failure { throw failure }
        return values
    }
}
