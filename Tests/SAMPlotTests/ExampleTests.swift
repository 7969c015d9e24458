import Foundation
@testable import SAMPlot
import Testing

/// Renders every example; with SAMPLOT_EXAMPLES=dir also writes each as .svg, .png and .json there.
@Suite struct ExampleTests {
    @Test func renderExamples() throws {
        let target = ProcessInfo.processInfo.environment["SAMPLOT_EXAMPLES"]
        if let target { try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true) }
        for (name, figure) in ExampleFigures.all + ExampleFigures.stress {
            let out = SVGRenderer.render(figure)
            #expect(ParsedSVG(out.svg).isWellFormed, "\(name)")
            guard let target else { continue }
            let base = URL(fileURLWithPath: target).appendingPathComponent(name)
            try out.writeSVG(to: base.appendingPathExtension("svg"))
            try figure.save(to: base.appendingPathExtension("json"))
            if PNGExport.isAvailable { try out.writePNG(to: base.appendingPathExtension("png"), scale: 2) }
            for w in out.warnings { print("\(name): warning: \(w)") }
        }
    }
}
