import Foundation
@testable import SAMPlot
import Testing

@Suite struct PNGExportTests {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("samplot-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(.enabled(if: PNGExport.isAvailable, "rsvg-convert is not installed"))
    func writesRealPNGs() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.png"), b = dir.appendingPathComponent("b.png")
        try SVGRenderer.render(ExampleFigures.lossCurve).writePNG(to: a, scale: 1)
        try SVGRenderer.render(ExampleFigures.phaseDiagram).writePNG(to: b, scale: 1)
        let bytesA = [UInt8](try Data(contentsOf: a)), bytesB = [UInt8](try Data(contentsOf: b))
        #expect(Array(bytesA.prefix(8)) == Self.signature)
        #expect(Array(bytesB.prefix(8)) == Self.signature)
        #expect(bytesA.count > 5_000 && bytesB.count > 5_000)
        #expect(bytesA != bytesB)
        // IHDR: width and height in pixels = size in points × scale.
        func be32(_ bytes: [UInt8], _ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        #expect(be32(bytesA, 16) == 520 && be32(bytesA, 20) == 320)
        // Nothing but the two images is left in the directory (temporary files are cleaned up).
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["a.png", "b.png"])
        // Scale 2 doubles the pixels.
        try SVGRenderer.render(ExampleFigures.lossCurve).writePNG(to: a, scale: 2)
        #expect(be32([UInt8](try Data(contentsOf: a)), 16) == 1040)
    }

    @Test(.enabled(if: PNGExport.isAvailable, "rsvg-convert is not installed"))
    func reportsRendererErrors() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("bad.png")
        #expect(throws: PNGExport.Failure.self) { try PNGExport.write(svg: "<svg", to: target) }
        #expect(!FileManager.default.fileExists(atPath: target.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func svgAndSpecAreWrittenAtomically() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let svgURL = dir.appendingPathComponent("fig.svg"), json = dir.appendingPathComponent("fig.json")
        let figure = ExampleFigures.trajectory
        try SVGRenderer.render(figure).writeSVG(to: svgURL)
        try figure.save(to: json)
        #expect(try Figure.load(from: json) == figure)
        #expect(try String(contentsOf: svgURL, encoding: .utf8).hasPrefix("<?xml"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["fig.json", "fig.svg"])
    }
}
