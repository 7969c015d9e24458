import Foundation

/// Strict reading of one JSON object of a spec: typed accessors that name the JSON path on error, and a final
/// check that refuses every key that was not read (so a misspelt key is an error, never ignored).
public struct SpecObject: Sendable {
    /// The object's JSON path (`""` for the document itself, `data`, `axes[0]`).
    public let path: String
    /// The object's values by key.
    public let values: [String: JSONValue]
    /// The folder that file names in the spec are read against (`data.mu_file`): the folder of the configuration or
    /// summary file, or nil (the working directory).
    public var baseDirectory: String?

    /// Reads `value` as an object at JSON path `path`; anything else is a wrong-type error.
    public init(_ value: JSONValue, path: String) throws(SpecError) {
        guard case .object(let values) = value else { throw .wrongType(path: path.isEmpty ? "." : path, expected: "an object") }
        self.path = path
        self.values = values
    }

    /// Whether the object has `key` (null counts as present).
    public func contains(_ key: String) -> Bool { values[key] != nil }

    /// The path of a key of this object.
    public func path(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Refuses any key outside `known` (listed in the message).
    public func requireOnly(_ known: [String]) throws(SpecError) {
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw .unknownKey(path: path, key: unknown, known: known)
        }
    }

    /// The value of a key that must be present.
    public func value(_ key: String) throws(SpecError) -> JSONValue {
        guard let v = values[key] else { throw .missingKey(path: path, key: key) }
        return v
    }

    /// A number, or nil when the key is absent or null.
    public func double(_ key: String) throws(SpecError) -> Double? {
        guard let v = values[key], v != .null else { return nil }
        guard case .number(let x) = v else { throw .wrongType(path: path(of: key), expected: "a number") }
        return x
    }

    /// A whole number (below 9e15 in size), or nil when the key is absent or null.
    public func integer(_ key: String) throws(SpecError) -> Int? {
        guard let x = try double(key) else { return nil }
        guard x == x.rounded(), abs(x) < 9e15 else { throw .wrongType(path: path(of: key), expected: "an integer") }
        return Int(x)
    }

    /// A boolean, or nil when the key is absent or null.
    public func bool(_ key: String) throws(SpecError) -> Bool? {
        guard let v = values[key], v != .null else { return nil }
        guard case .bool(let b) = v else { throw .wrongType(path: path(of: key), expected: "true or false") }
        return b
    }

    /// A string, or nil when the key is absent or null.
    public func string(_ key: String) throws(SpecError) -> String? {
        guard let v = values[key], v != .null else { return nil }
        guard case .string(let s) = v else { throw .wrongType(path: path(of: key), expected: "a string") }
        return s
    }

    /// A list of numbers; a single number is a one-entry list.
    public func doubles(_ key: String) throws(SpecError) -> [Double]? {
        guard let v = values[key], v != .null else { return nil }
        return try SpecObject.doubles(v, path: path(of: key))
    }

    /// A list of lists of numbers.
    public func doubleLists(_ key: String) throws(SpecError) -> [[Double]]? {
        guard let v = values[key], v != .null else { return nil }
        guard case .array(let rows) = v else { throw .wrongType(path: path(of: key), expected: "a list of lists of numbers") }
        var out: [[Double]] = []
        for (i, row) in rows.enumerated() { out.append(try SpecObject.doubles(row, path: "\(path(of: key))[\(i)]")) }
        return out
    }

    /// A nested object (its path extends this one's), or nil when the key is absent or null.
    public func object(_ key: String) throws(SpecError) -> SpecObject? {
        guard let v = values[key], v != .null else { return nil }
        var nested = try SpecObject(v, path: path(of: key))
        nested.baseDirectory = baseDirectory
        return nested
    }

    /// A file name of the spec as a path: absolute as given, else against `baseDirectory`.
    public func resolve(_ file: String) -> String {
        guard let baseDirectory, !file.hasPrefix("/") else { return file }
        return (baseDirectory as NSString).appendingPathComponent(file)
    }

    static func doubles(_ value: JSONValue, path: String) throws(SpecError) -> [Double] {
        if case .number(let x) = value { return [x] }
        guard case .array(let entries) = value else { throw .wrongType(path: path, expected: "a list of numbers") }
        var out: [Double] = []
        for (i, entry) in entries.enumerated() {
            guard case .number(let x) = entry else { throw .wrongType(path: "\(path)[\(i)]", expected: "a number") }
            out.append(x)
        }
        return out
    }
}
