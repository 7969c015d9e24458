// SAMPlot: SAMLab's figures. A `Figure` is data plus a spec (Codable, saved as JSON next to its data);
// `SVGRenderer.render` turns any figure into SVG by one code path, and `PNGExport` rasterizes that SVG with
// librsvg's rsvg-convert. Nothing here depends on the rest of SAMLab.
//
//     var loss = Panel(title: "loss", x: Axis("step"), y: .log("loss"))
//     loss.add(ShadedInterval(start: 0, end: 400, colorIndex: 1, label: "β₁ leads"))
//     loss.add(LineSeries(x: steps, y: losses, label: "ℓ₂-SAM"))
//     let margin = Panel(title: "margin", x: Axis("step"), y: Axis("normalized margin"))
//         .adding(LineSeries(x: steps, y: margins, label: "ℓ₂-SAM"))
//     let figure = Figure(title: "ℓ₂-SAM on D_μ", width: 640, height: 280, columns: 2,
//                         panels: [loss, margin], sharedLegend: .bottom)
//     let rendered = SVGRenderer.render(figure)   // rendered.svg, rendered.warnings
//     try rendered.writeSVG(to: url); try rendered.writePNG(to: pngURL, scale: 2); try figure.save(to: jsonURL)
//
// Concepts follow the usual grammar of graphics (matplotlib's axes and artists, vega-lite's scales and layers):
// Figure (grid of panels, shared legend) > Panel (two Axis with a Scale, layers) > layers (LineSeries,
// ScatterSeries, Trajectory2D, ShadedInterval, ReferenceLine, HeatMap, TextAnnotation). Styles come from Palette
// (Okabe–Ito colors with dash patterns and markers in step) and ColorMap; ticks from Ticks; text extents from
// TextMetrics; page layout from PanelLayout; drawing from PanelRenderer and LegendBox through SVGWriter.
