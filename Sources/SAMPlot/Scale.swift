import Foundation

/// How data values are spaced along an axis (or a color bar).
///
/// All layout happens in "scale space": the data value for `.linear`, its base-10 logarithm for `.log10`. Padding,
/// tick spacing and interpolation are uniform in that space, which is what makes a log axis look like one.
public enum Scale: String, Sendable, Codable, CaseIterable {
    /// Values as they are.
    case linear
    /// Base-10 logarithms of the (positive) values.
    case log10

    /// The value in scale space, or nil when the value cannot be shown on this scale (non-finite values, and
    /// non-positive ones on a log scale). Callers count the nils and report them as warnings.
    public func transform(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch self {
        case .linear: return value
        case .log10: return value > 0 ? Foundation.log10(value) : nil
        }
    }

    /// Back from scale space to data values.
    public func inverse(_ t: Double) -> Double {
        switch self {
        case .linear: return t
        case .log10: return pow(10, t)
        }
    }
}
