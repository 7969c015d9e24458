/// Where a dataset came from, for messages: a file, or a field of the run specification.
public enum DataOrigin: Equatable, Sendable, CustomStringConvertible {
    /// A file, by its path.
    case file(String)
    /// A field of the run specification (such as `data.mu`).
    case field(SpecField)

    /// The path, or the field's dotted name.
    public var description: String {
        switch self {
        case .file(let path): path
        case .field(let field): field.description
        }
    }
}

/// Why a dataset cannot be used: the file cannot be read, a line of it is malformed, or the examples are not a
/// valid binary classification set. `description` names the file (and line) or the spec field, never a flag.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file cannot be read: `path: cannot read the file (reason)`.
    case unreadable(path: String, reason: String)
    /// A line of a text file is malformed: `path:line: detail` (or `path: detail` for the whole file).
    case malformed(origin: DataOrigin, line: Int?, detail: String)
    /// The examples do not make a dataset (no examples, mismatched lengths, a non-finite value, a bad label).
    case invalid(origin: DataOrigin, detail: String)
    /// The data must be linearly separable through the origin and are not.
    case notSeparable(origin: DataOrigin, detail: String)

    /// The file or spec field the error is about.
    public var origin: DataOrigin? {
        switch self {
        case .unreadable(let path, _): .file(path)
        case .malformed(let o, _, _), .invalid(let o, _), .notSeparable(let o, _): o
        }
    }

    /// The message, naming the file (and line) or the spec field.
    public var description: String { rendered { $0.description } }

    /// The message with the origin written by `name` (the command-line tool passes its flag names for fields).
    public func rendered(_ name: (DataOrigin) -> String) -> String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read the file (\(reason))"
        case .malformed(let origin, let line, let detail): "\(name(origin))\(line.map { ":\($0)" } ?? ""): \(detail)"
        case .invalid(let origin, let detail), .notSeparable(let origin, let detail): "\(name(origin)): \(detail)"
        }
    }
}
