/// A tick on an axis or color bar: a data value, its label (nil for unlabeled and minor ticks), and whether it is a
/// major tick (long mark, grid line) or a minor one (short mark, faint grid line on log axes).
public struct Tick: Sendable, Equatable, CustomStringConvertible {
    /// The tick's position, in data units.
    public var value: Double
    /// Its label; nil for unlabeled and minor ticks.
    public var label: String?
    /// Major (long mark, grid line) or minor.
    public var isMajor: Bool

    /// A tick at `value` with the given label.
    public init(value: Double, label: String?, isMajor: Bool = true) {
        self.value = value
        self.label = label
        self.isMajor = isMajor
    }

    /// The label, or `|value` for an unlabeled major tick and `.value` for a minor one (for tests).
    public var description: String { label ?? (isMajor ? "|\(value)" : ".\(value)") }
}
