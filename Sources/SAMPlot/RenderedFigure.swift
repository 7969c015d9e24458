import Foundation

/// The output of `SVGRenderer.render`: the SVG document, and what the renderer had to leave out or change.
///
/// Rendering never fails. Data a figure cannot show (non-positive values on a log axis, NaN, mismatched array
/// lengths, labels too long for their space) is dropped or shortened and reported in `warnings`, one sentence
/// each, naming the panel and series, so a pipeline can log them or fail on them as it sees fit.
public struct RenderedFigure: Sendable {
    /// The SVG document.
    public var svg: String
    /// One sentence per thing the renderer dropped or changed, naming the panel and series.
    public var warnings: [String]
    /// Width in points.
    public var width: Double
    /// Height in points.
    public var height: Double
    /// Every text box placed, for overlap checks.
    var textBoxes: [TextBox]

    /// Writes the SVG document to `url`, atomically.
    public func writeSVG(to url: URL) throws { try AtomicFile.write(Data(svg.utf8), to: url) }

    /// PNG through `rsvg-convert`; `scale` 2 gives 2 pixels per point.
    public func writePNG(to url: URL, scale: Double = 2) throws {
        try PNGExport.write(svg: svg, to: url, scale: scale)
    }
}
