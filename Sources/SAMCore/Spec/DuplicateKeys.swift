import Foundation

/// Finds an object key given twice in JSON text (`{"lr": 0.1, "lr": 0.2}`), which a JSON parser silently resolves by
/// keeping one of the values: in a spec that would be input ignored without a word.
///
/// A single pass over the bytes that tracks strings and, per open object, the keys seen so far (at even positions:
/// a string directly after `{` or `,` inside an object is a key). It assumes syntactically valid JSON (the parser
/// checks that) and returns the JSON path of the first duplicate.
enum DuplicateKeys {
    static func first(in data: [UInt8]) -> (path: String, key: String)? {
        enum Container { case object(keys: Set<String>, path: String, expectingKey: Bool, lastKey: String?), array(path: String, index: Int) }
        var stack: [Container] = []
        var i = 0
        func pathOfChild() -> String {
            guard let top = stack.last else { return "" }
            switch top {
            case .object(_, let path, _, let key): return path.isEmpty ? (key ?? "") : "\(path).\(key ?? "")"
            case .array(let path, let index): return "\(path)[\(index)]"
            }
        }
        while i < data.count {
            let c = data[i]
            switch c {
            case UInt8(ascii: "\""):
                var j = i + 1, bytes: [UInt8] = []
                while j < data.count && data[j] != UInt8(ascii: "\"") {
                    if data[j] == UInt8(ascii: "\\") { bytes.append(data[j]); j += 1 }
                    if j < data.count { bytes.append(data[j]) }
                    j += 1
                }
                if case .object(var keys, let path, true, _)? = stack.last {
                    let key = String(decoding: bytes, as: UTF8.self)
                    if keys.contains(key) { return (path, key) }
                    keys.insert(key)
                    stack[stack.count - 1] = .object(keys: keys, path: path, expectingKey: false, lastKey: key)
                }
                i = j + 1
                continue
            case UInt8(ascii: "{"):
                stack.append(.object(keys: [], path: pathOfChild(), expectingKey: true, lastKey: nil))
            case UInt8(ascii: "["):
                stack.append(.array(path: pathOfChild(), index: 0))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
            case UInt8(ascii: ","):
                if let top = stack.last {
                    switch top {
                    case .object(let keys, let path, _, let key): stack[stack.count - 1] = .object(keys: keys, path: path, expectingKey: true, lastKey: key)
                    case .array(let path, let index): stack[stack.count - 1] = .array(path: path, index: index + 1)
                    }
                }
            default:
                break
            }
            i += 1
        }
        return nil
    }
}

extension JSONValue {
    /// Parses JSON text strictly: not JSON, or a key given twice in one object, is an error with its path.
    public init(parsingStrictly data: Data) throws(SpecError) {
        guard let value = JSONValue(parsing: data) else { throw .invalid(path: "", detail: "not valid JSON") }
        if let duplicate = DuplicateKeys.first(in: Array(data)) {
            throw .invalid(path: duplicate.path, detail: "key '\(duplicate.key)' given twice")
        }
        self = value
    }
}
