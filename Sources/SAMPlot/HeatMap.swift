/// Values on a grid, one colored cell each, with a color bar: phase diagrams over (ρ, η), Grad-CAM saliency.
///
/// `values[row][column]`: rows run along y, columns along x. Cell boundaries come from `xEdges`/`yEdges`
/// (count + 1 values) or from `xCenters`/`yCenters` (count values; boundaries halfway between, in scale space, so
/// log-spaced centers get log-spaced cells); with neither, cells sit at 0, 1, 2, … in index space.
///
/// NaN (and infinite) cells are "no data", not a value: they are drawn hatched grey and get their own key under
/// the color bar, so a missing run can never be mistaken for a low value. The color range defaults to the finite
/// values; diverging maps center it on zero.
///
/// Categorical maps (a regime, a limit direction, a leading coordinate) set `categories`: value k (rounded) is
/// category k, drawn in `categoryColors[k]` (default: `Palette` color k), and the panel shows a legend of swatches
/// with the category names, headed by `label`, instead of a continuous color bar whose ticks (0.25, 1.5) would
/// name values that do not exist. Values outside 0..<categories.count count as no data.
public struct HeatMap: Sendable, Codable, Equatable {
    /// The values, `values[row][column]` (rows along y); NaN means no data.
    public var values: [[Double]]
    /// Cell boundaries along x (columns + 1 values), or nil.
    public var xEdges: [Double]?
    /// Cell boundaries along y (rows + 1 values), or nil.
    public var yEdges: [Double]?
    /// Cell centers along x (one per column), or nil.
    public var xCenters: [Double]?
    /// Cell centers along y (one per row), or nil.
    public var yCenters: [Double]?
    /// How values map to colors.
    public var colorMap: ColorMap
    /// Fixed color range; nil follows the data.
    public var valueRange: ClosedRange<Double>?
    /// Log color scales suit quantities spanning decades (losses, rates); non-positive cells then count as no data.
    public var colorScale: Scale
    /// Color bar title.
    public var label: String?
    /// Whether the panel shows a color bar (or, for categories, their legend) for this map.
    public var showsColorBar: Bool
    /// Category names, for a categorical map (value k is category k); nil for a continuous one.
    public var categories: [String]?
    /// Colors of the categories (cycled); nil for the palette's.
    public var categoryColors: [Color]?

    /// Whether this is a categorical map.
    public var isCategorical: Bool { !(categories ?? []).isEmpty }

    /// The category of value `v`, or nil (no data).
    func category(_ v: Double) -> Int? {
        guard let names = categories, v.isFinite else { return nil }
        let k = v.rounded()
        guard k >= 0, k < Double(names.count) else { return nil }
        return Int(k)
    }

    /// The color of category `k`.
    func categoryColor(_ k: Int) -> Color {
        if let colors = categoryColors, !colors.isEmpty { return colors[Palette.wrap(k, colors.count)] }
        return Palette.color(k)
    }

    /// A categorical heat map: value k is `categories[k]`; the panel shows a legend of the categories (headed by
    /// `label`) instead of a color bar.
    public init(values: [[Double]], xEdges: [Double]? = nil, yEdges: [Double]? = nil, xCenters: [Double]? = nil,
                yCenters: [Double]? = nil, categories: [String], colors: [Color]? = nil, label: String? = nil,
                showsLegend: Bool = true) {
        self.init(values: values, xEdges: xEdges, yEdges: yEdges, label: label, showsColorBar: showsLegend)
        self.xCenters = xCenters
        self.yCenters = yCenters
        self.categories = categories
        self.categoryColors = colors
    }

    /// A heat map with cell boundaries (or, with neither, cells at 0, 1, 2, … in index space).
    public init(values: [[Double]], xEdges: [Double]? = nil, yEdges: [Double]? = nil, colorMap: ColorMap = .viridis,
                valueRange: ClosedRange<Double>? = nil, colorScale: Scale = .linear, label: String? = nil,
                showsColorBar: Bool = true) {
        self.values = values
        self.xEdges = xEdges
        self.yEdges = yEdges
        self.colorMap = colorMap
        self.valueRange = valueRange
        self.colorScale = colorScale
        self.label = label
        self.showsColorBar = showsColorBar
    }

    /// A heat map with cell centers; boundaries lie halfway between them, in scale space.
    public init(values: [[Double]], xCenters: [Double], yCenters: [Double], colorMap: ColorMap = .viridis,
                valueRange: ClosedRange<Double>? = nil, colorScale: Scale = .linear, label: String? = nil,
                showsColorBar: Bool = true) {
        self.init(values: values, colorMap: colorMap, valueRange: valueRange, colorScale: colorScale, label: label,
                  showsColorBar: showsColorBar)
        self.xCenters = xCenters
        self.yCenters = yCenters
    }

    var rowCount: Int { values.count }
    var columnCount: Int { values.first?.count ?? 0 }

    /// Cell boundaries along one axis in scale space, or a reason why they cannot be had.
    static func edges(count: Int, edges: [Double]?, centers: [Double]?, scale: Scale) -> Result<[Double], EdgeError> {
        if let edges {
            guard edges.count == count + 1 else { return .failure(.count("edges", edges.count, count + 1)) }
            let t = edges.compactMap(scale.transform)
            guard t.count == edges.count else { return .failure(.unrepresentable) }
            return .success(t)
        }
        if let centers {
            guard centers.count == count else { return .failure(.count("centers", centers.count, count)) }
            let c = centers.compactMap(scale.transform)
            guard c.count == centers.count else { return .failure(.unrepresentable) }
            if c.count == 1 { return .success([c[0] - 0.5, c[0] + 0.5]) }
            var out = [c[0] - (c[1] - c[0]) / 2]
            for i in 0..<(c.count - 1) { out.append((c[i] + c[i + 1]) / 2) }
            out.append(c[c.count - 1] + (c[c.count - 1] - c[c.count - 2]) / 2)
            return .success(out)
        }
        let raw = (0...count).map(Double.init)
        let t = raw.compactMap(scale.transform)
        guard t.count == raw.count else { return .failure(.unrepresentable) }
        return .success(t)
    }

    enum EdgeError: Error {
        case count(String, Int, Int)
        case unrepresentable

        var text: String {
            switch self {
            case let .count(what, got, want): return "has \(got) \(what) where \(want) are needed"
            case .unrepresentable: return "has cell positions the log axis cannot show (zero or negative)"
            }
        }
    }
}
