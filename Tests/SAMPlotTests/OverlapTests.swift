import Foundation
@testable import SAMPlot
import Testing

/// The layout's promise: no two labels overlap and none leaves the page. Checked on every example figure, using
/// the same text-width estimates the layout uses. (Free annotations are placed by the user and not checked against
/// data labels.)
@Suite struct OverlapTests {
    @Test(arguments: ExampleFigures.all.map(\.name))
    func noTextOverlapsOrLeavesThePage(name: String) {
        let figure = ExampleFigures.all.first { $0.name == name }!.figure
        let out = SVGRenderer.render(figure)
        #expect(ParsedSVG(out.svg).isWellFormed)
        #expect(out.warnings.isEmpty, "\(name): \(out.warnings)")
        let page = Rect(x: 0, y: 0, width: out.width, height: out.height)
        let boxes = out.textBoxes
        for (i, a) in boxes.enumerated() {
            #expect(page.contains(a.rect, tolerance: 0.5), "\(name): '\(a.text)' leaves the page: \(a.rect)")
            for b in boxes[(i + 1)...] where a.rect.intersects(b.rect, tolerance: 0.5) {
                Issue.record("\(name): '\(a.text)' (\(a.role)) overlaps '\(b.text)' (\(b.role))")
            }
        }
    }

    @Test(arguments: ExampleFigures.stress.map(\.name))
    func crowdedFiguresStillDoNotOverlap(name: String) {
        let out = SVGRenderer.render(ExampleFigures.stress.first { $0.name == name }!.figure)
        #expect(ParsedSVG(out.svg).isWellFormed)
        let boxes = out.textBoxes
        for (i, a) in boxes.enumerated() {
            for b in boxes[(i + 1)...] where a.rect.intersects(b.rect, tolerance: 0.5) {
                Issue.record("\(name): '\(a.text)' (\(a.role)) overlaps '\(b.text)' (\(b.role))")
            }
        }
    }
}
