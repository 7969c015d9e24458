/// Why a run specification (or a value in it) cannot be used. Every case carries the field and the offending value,
/// so that a caller can switch on it; `description` is one line that names spec keys (never command-line flags).
///
/// Errors from reading JSON carry the JSON path of the value (`axes[0].key`, `base.data`); the caller that read the
/// file adds its name in front.
public enum SpecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An object has a key that the spec does not know: `path: unknown key 'alpah' (known: alpha, ...)`.
    case unknownKey(path: String, key: String, known: [String])
    /// A value has the wrong JSON type: `path: wrong type (expected a number)`.
    case wrongType(path: String, expected: String)
    /// A key that must be present is missing.
    case missingKey(path: String, key: String)
    /// A name that no registered rule, loss or model has.
    case unknownName(field: SpecField, name: String, known: [String])
    /// A value outside its domain: `field requirement (got value)`, with an optional note after a colon.
    case outOfRange(field: SpecField, value: String, requirement: String, note: String? = nil)
    /// A value that does not fit the rest of the spec or the data: `field detail`.
    case inconsistent(field: SpecField, detail: String)
    /// Two settings that exclude each other: `field detail (drop one of other, field)`.
    case conflict(field: SpecField, with: SpecField, detail: String)
    /// A key that the chosen rule, model or dynamics does not take.
    case inapplicable(field: SpecField, reason: String)
    /// A problem with a data source or one of its values: `field: detail`.
    case data(field: SpecField, detail: String)
    /// A value of a document that is not what its place needs: `path: detail`.
    case invalid(path: String, detail: String)
    /// An error inside a part of a larger document (a sweep's `base`, `axes[2]`): `path: error`.
    indirect case within(path: String, SpecError)

    /// The field the error is about, when there is one.
    public var field: SpecField? {
        switch self {
        case .unknownKey, .wrongType, .missingKey, .invalid: nil
        case .within(_, let inner): inner.field
        case .unknownName(let f, _, _), .outOfRange(let f, _, _, _), .inconsistent(let f, _), .conflict(let f, _, _),
             .inapplicable(let f, _), .data(let f, _): f
        }
    }

    /// The one-line message, fields written by their spec keys.
    public var description: String { rendered { $0.description } }

    /// The one-line message with each field written by `name` (the command-line tool passes its flag names).
    public func rendered(_ name: (SpecField) -> String) -> String {
        func at(_ path: String) -> String { path.isEmpty ? "" : "\(path): " }
        switch self {
        case .unknownKey(let path, let key, let known):
            return "\(at(path))unknown key '\(key)' (known: \(known.joined(separator: ", ")))"
        case .wrongType(let path, let expected):
            return "wrong type at '\(path)' (expected \(expected))"
        case .missingKey(let path, let key):
            return "missing key '\(path.isEmpty ? key : "\(path).\(key)")'"
        case .unknownName(let field, let value, let known):
            return "\(name(field)): unknown name '\(value)' (known: \(known.joined(separator: ", ")))"
        case .outOfRange(let field, let value, let requirement, let note):
            return "\(name(field)) \(requirement) (got \(value))" + (note.map { ": \($0)" } ?? "")
        case .inconsistent(let field, let detail):
            return "\(name(field)) \(detail)"
        case .conflict(let field, let other, let detail):
            return "\(name(field)) \(detail) (drop one of \(name(other)), \(name(field)))"
        case .inapplicable(let field, let reason):
            return "\(name(field)) \(reason)"
        case .data(let field, let detail):
            return "\(name(field)): \(detail)"
        case .invalid(let path, let detail):
            return "\(at(path))\(detail)"
        case .within(let path, let inner):
            return "\(path): \(inner.rendered(name))"
        }
    }

    /// The innermost error (without the `within` paths around it).
    public var innermost: SpecError {
        if case .within(_, let inner) = self { return inner.innermost }
        return self
    }
}
