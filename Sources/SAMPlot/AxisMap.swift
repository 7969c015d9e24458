/// The affine map from scale space to page coordinates for one axis of a laid-out panel.
struct AxisMap: Sendable {
    var scale: Scale
    /// Visible range in scale space (lower < upper).
    var lower: Double
    var upper: Double
    /// Page coordinates of `lower` and `upper` (for y, lower is at the bottom, so start > end).
    var start: Double
    var end: Double

    /// Page coordinate of a data value; nil when the scale cannot show it.
    func pixel(_ value: Double) -> Double? {
        guard let t = scale.transform(value) else { return nil }
        return pixel(scaled: t)
    }

    func pixel(scaled t: Double) -> Double {
        start + (t - lower) / (upper - lower) * (end - start)
    }

    /// Data value at a page coordinate.
    func value(atPixel p: Double) -> Double {
        scale.inverse(lower + (p - start) / (end - start) * (upper - lower))
    }

    var length: Double { abs(end - start) }

    func contains(scaled t: Double) -> Bool {
        let eps = 1e-9 * max(upper - lower, 1e-300)
        return t >= lower - eps && t <= upper + eps
    }
}
