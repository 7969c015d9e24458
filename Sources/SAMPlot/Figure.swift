import Foundation

/// A whole figure: a grid of panels plus a title and an optional legend shared by all panels.
///
/// A figure is data plus a spec and nothing else; `SVGRenderer` turns any figure into SVG by one code path, so
/// every figure of a paper gets the same fonts, palette, ticks and layout rules. Being a Codable value, a figure can
/// be saved as JSON next to its data (`save(to:)`) and re-rendered later, or diffed to see what changed. JSON keeps
/// NaN and infinities as the strings "NaN", "Infinity" and "-Infinity", since heat maps use NaN for missing cells.
///
/// Panels fill the grid row by row. With `shareX`/`shareY` all panels whose axes have the same scale (and no fixed
/// domain) show the same range, so small multiples can be compared by eye.
public struct Figure: Sendable, Codable, Equatable {
    /// The figure's title; nil for none.
    public var title: String?
    /// Size in points (1 pt = 1 SVG user unit = 1 PNG pixel at scale 1).
    public var width: Double
    /// Height in points.
    public var height: Double
    /// Panels per row of the grid.
    public var columns: Int
    /// Nil: as many rows as the panels need.
    public var rows: Int?
    /// The panels, filling the grid row by row.
    public var panels: [Panel]
    /// One legend for all panels; panels whose own legend is `.auto` then contribute their entries to it.
    public var sharedLegend: SharedLegend?
    /// Give panels with the same x scale (and no fixed domain) the same x range.
    public var shareX: Bool
    /// Give panels with the same y scale (and no fixed domain) the same y range.
    public var shareY: Bool
    /// Fonts, sizes and colors of the frame and text.
    public var theme: Theme
    /// One color bar for all panels, right of the grid (panels sharing one color map and range); nil for none.
    public var colorBar: FigureColorBar?

    /// A figure with the given title, size, grid, panels, legend, axis sharing, theme and shared color bar.
    public init(title: String? = nil, width: Double = 480, height: Double = 320, columns: Int = 1, rows: Int? = nil,
                panels: [Panel] = [], sharedLegend: SharedLegend? = nil, shareX: Bool = false, shareY: Bool = false,
                theme: Theme = .paper, colorBar: FigureColorBar? = nil) {
        self.colorBar = colorBar
        self.title = title
        self.width = width
        self.height = height
        self.columns = columns
        self.rows = rows
        self.panels = panels
        self.sharedLegend = sharedLegend
        self.shareX = shareX
        self.shareY = shareY
        self.theme = theme
    }

    /// A one-panel figure.
    public init(_ panel: Panel, width: Double = 480, height: Double = 320, theme: Theme = .paper) {
        self.init(width: width, height: height, panels: [panel], theme: theme)
    }

    var gridColumns: Int { max(columns, 1) }
    var gridRows: Int { max(rows ?? (panels.count + gridColumns - 1) / gridColumns, 1) }

    // MARK: - JSON

    /// The spec as pretty JSON with sorted keys (NaN and infinities as strings).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }

    /// Reads a spec written by `jsonData()`.
    public init(jsonData: Data) throws {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        self = try decoder.decode(Figure.self, from: jsonData)
    }

    /// Writes the spec as pretty JSON, atomically.
    public func save(to url: URL) throws { try AtomicFile.write(try jsonData(), to: url) }

    /// Reads a spec saved by `save(to:)`.
    public static func load(from url: URL) throws -> Figure { try Figure(jsonData: Data(contentsOf: url)) }
}
