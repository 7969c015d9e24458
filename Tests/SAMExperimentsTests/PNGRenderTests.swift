import Foundation
import Testing
@testable import SAMExperiments
import SAMPlot

/// One figure of each kind (2-D trajectories, line plots with shaded bands on log axes, heat maps with a color bar,
/// small multiples) renders to a PNG that is not blank: compressed, a blank page of the same size is a few thousand
/// bytes (2.4 KB here at 760x520), and a drawn figure several times that (8.5x for the smoothest, the heat map of
/// thm44; PNG compression is a fair proxy for "pixels vary").
@Suite struct PNGRenderTests {
    @Test(.enabled(if: PNGExport.isAvailable, "rsvg-convert is not installed"), arguments: ["fig1", "fig4", "thm44"])
    func figuresAreNotBlank(_ id: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("samlab-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = try #require(Catalog.item(id)).run(true)
        for (name, figure) in output.figures {
            let png = dir.appendingPathComponent("\(name).png"), blank = dir.appendingPathComponent("blank.png")
            try SVGRenderer.render(figure).writePNG(to: png, scale: 1)
            let empty = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(figure.width)\" height=\"\(figure.height)\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/></svg>"
            try PNGExport.write(svg: empty, to: blank, scale: 1)
            let drawn = try Data(contentsOf: png).count, plain = try Data(contentsOf: blank).count
            #expect(drawn > 4 * plain, "\(id)/\(name): \(drawn) bytes against \(plain) for a blank page")
        }
    }
}
