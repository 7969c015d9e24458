/// A place in a run specification that a value belongs to: a key of the spec's JSON (`lr`, `alpha`, `data.mu`,
/// `data.sigma`), with an entry index for list-valued keys (`layer_init[1]`).
///
/// Library errors name fields, never command-line flags: the `samlab` tool maps a field to its flag (`lr` is
/// `--lr`, `data.sigma` is `--gaussian: sigma`) when it prints an error.
public struct SpecField: Hashable, Sendable, CustomStringConvertible {
    /// The key path in the spec's JSON, dot-separated (`data.mu`).
    public var key: String
    /// The 0-based entry of a list-valued key, when the value is one entry of it.
    public var index: Int?

    /// The field `key` (dot-separated), or entry `index` of it.
    public init(_ key: String, index: Int? = nil) {
        self.key = key
        self.index = index
    }

    /// `lr`, `layer_init[1]`.
    public var description: String { index.map { "\(key)[\($0)]" } ?? key }
}

extension SpecField: ExpressibleByStringLiteral {
    /// A field written as a string literal: `"data.mu"`.
    public init(stringLiteral value: String) { self.init(value) }
}
