/// One set of axes: a title, an x and a y `Axis`, and the layers drawn in them.
public struct Panel: Sendable, Codable, Equatable {
    public var title: String?
    public var x: Axis
    public var y: Axis
    public var layers: [Layer]
    public var legend: LegendPlacement
    /// Light grid lines at the major ticks (never drawn over heat maps).
    public var grid: Bool
    /// Same data units per point on both axes (linear axes only): circles look round and angles are true, which a
    /// trajectory in the (β₁, β₂) plane needs. The shorter range is widened around its center.
    public var equalAspect: Bool

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

    public mutating func add(_ layer: some PanelLayer) { layers.append(layer.layer) }

    public mutating func add(contentsOf layers: [some PanelLayer]) { self.layers += layers.map(\.layer) }

    /// A copy with one more layer, for building panels in a single expression.
    public func adding(_ layer: some PanelLayer) -> Panel {
        var copy = self
        copy.add(layer)
        return copy
    }

    var hasHeatMap: Bool { layers.contains { if case .heatMap = $0 { return true } else { return false } } }
}
