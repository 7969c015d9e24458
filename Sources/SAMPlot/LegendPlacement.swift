/// Where a panel's legend goes.
///
/// `.auto` takes the corner of the plot area that covers the fewest data points and labels (ties go to the
/// quadrant with less data, then upper right, upper left, lower right, lower left), and moves outside to the right
/// when the legend is too large for any corner or the panel holds a heat map (there is no empty corner on a heat
/// map). `.outside` always uses the right margin.
public enum LegendPlacement: String, Sendable, Codable, CaseIterable {
    /// Automatic, outside on the right, no legend, or a fixed corner of the plot area.
    case auto, outside, none, upperRight, upperLeft, lowerRight, lowerLeft
}

/// Where a figure-wide legend goes, for small multiples whose panels share their series.
public enum SharedLegend: String, Sendable, Codable, CaseIterable {
    /// Below the panels, or to their right.
    case bottom, right
}
