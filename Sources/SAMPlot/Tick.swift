/// A tick on an axis or color bar: a data value, its label (nil for unlabeled and minor ticks), and whether it is a
/// major tick (long mark, grid line) or a minor one (short mark, faint grid line on log axes).
public struct Tick: Sendable, Equatable, CustomStringConvertible {
    public var value: Double
    public var label: String?
    public var isMajor: Bool

    public init(value: Double, label: String?, isMajor: Bool = true) {
        self.value = value
        self.label = label
        self.isMajor = isMajor
    }

    public var description: String { label ?? (isMajor ? "|\(value)" : ".\(value)") }
}
