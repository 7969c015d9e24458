/// One set of axes: a title, an x and a y `Axis`, and the layers drawn in them.
public struct Panel: Sendable, Codable, Equatable {
    /// The panel's title; nil for none.
    public var title: String?
    /// The horizontal axis.
    public var x: Axis
    /// The vertical axis.
    public var y: Axis
    /// What is drawn, in a fixed order by kind (see `Layer`).
    public var layers: [Layer]
    /// Where the panel's legend goes.
    public var legend: LegendPlacement
    /// Light grid lines at the major ticks (never drawn over heat maps).
    public var grid: Bool
    /// Same data units per point on both axes (linear axes only): circles look round and angles are true, which a
    /// trajectory in the (β₁, β₂) plane needs. The shorter range is widened around its center.
    public var equalAspect: Bool

    /// A panel with the given title, axes, layers, legend, grid and aspect.
    public init(title: String? = nil, x: Axis = Axis(), y: Axis = Axis(), layers: [Layer] = [],
                legend: LegendPlacement = .auto, grid: Bool = true, equalAspect: Bool = false) {
        self.title = title
        self.x = x
        self.y = y
        self.layers = layers
        self.legend = legend
        self.grid = grid
        self.equalAspect = equalAspect
    }

    /// Adds a layer (a series, band, reference, heat map or text).
    public mutating func add(_ layer: some PanelLayer) { layers.append(layer.layer) }

    /// Adds several layers of one kind.
    public mutating func add(contentsOf layers: [some PanelLayer]) { self.layers += layers.map(\.layer) }

    /// A copy with one more layer, for building panels in a single expression.
    public func adding(_ layer: some PanelLayer) -> Panel {
        var copy = self
        copy.add(layer)
        return copy
    }

    var hasHeatMap: Bool { layers.contains { if case .heatMap = $0 { return true } else { return false } } }
}
