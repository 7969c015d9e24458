import Foundation

/// A JSON value, with canonical bytes (sorted keys, integers without a fraction) so that equal values give equal
/// bytes: sweeps identify a point by the canonical bytes of its configuration.
public indirect enum JSONValue: Sendable, Equatable {
    /// JSON `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number (JSON does not distinguish integers).
    case number(Double)
    /// A string.
    case string(String)
    /// A list.
    case array([JSONValue])
    /// An object (key order is not kept; `canonical` sorts the keys).
    case object([String: JSONValue])

    /// From what `JSONSerialization` returns.
    public init(_ any: Any) {
        switch any {
        // JSONSerialization's booleans are NSNumbers whose type code is "c" (char); numbers have i, d, q, ...
        case let n as NSNumber where String(cString: n.objCType) == "c": self = .bool(n.boolValue)
        case let n as NSNumber: self = .number(n.doubleValue)
        case let s as String: self = .string(s)
        case let a as [Any]: self = .array(a.map(JSONValue.init))
        case let o as [String: Any]: self = .object(o.mapValues(JSONValue.init))
        default: self = .null
        }
    }

    /// Parses JSON text; `nil` when it is not JSON.
    public init?(parsing data: Data) {
        guard let any = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        self.init(any)
    }

    /// The value of an encodable type (through the one JSON style of SAMLab).
    public init<T: Encodable>(encoding value: T) throws(InvalidInput) {
        guard let parsed = JSONValue(parsing: try JSONOutput.encode(value)) else {
            throw InvalidInput("internal error: a value did not encode as JSON")
        }
        self = parsed
    }

    /// The canonical JSON text: sorted keys, no spaces, whole numbers below 1e15 without a fraction.
    public var canonical: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let x): x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
        case .string(let s): "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .array(let a): "[" + a.map(\.canonical).joined(separator: ",") + "]"
        case .object(let o): "{" + o.keys.sorted().map { "\"\($0)\":\(o[$0]!.canonical)" }.joined(separator: ",") + "}"
        }
    }

    /// The canonical text as UTF-8 bytes (what sweeps hash to identify a point).
    public var canonicalData: Data { Data(canonical.utf8) }

    /// The name of the value's JSON type, for messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

extension JSONValue: Codable {
    /// Any JSON value.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let x = try? c.decode(Double.self) { self = .number(x) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// The value as JSON.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let x): try c.encode(x)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
