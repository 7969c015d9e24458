import Foundation
import Testing
@testable import SAMExperiments

/// The data behind one small figure (fig1 in --quick mode) against a golden copy, within tolerance rather than
/// byte for byte: a change that moves a number by more than 1e-9 relative is a change of results and must be looked
/// at (and the golden file regenerated with `samlab reproduce fig1 --quick` if it is intended).
@Suite struct GoldenDataTests {
    @Test func figureOneTrajectories() throws {
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/fig1-quick-trajectories.csv")
        let expected = try String(contentsOf: golden, encoding: .utf8).split(separator: "\n")
        let output = try #require(Catalog.item("fig1")).run(true)
        let actual = try #require(output.tables.first { $0.name == "trajectories" }).csv.split(separator: "\n")
        #expect(actual.count == expected.count)
        #expect(actual.first == expected.first)
        var worst = 0.0
        for (a, e) in zip(actual.dropFirst(), expected.dropFirst()) {
            let fa = a.split(separator: ","), fe = e.split(separator: ",")
            #expect(fa.count == fe.count && fa[0] == fe[0])
            for (x, y) in zip(fa.dropFirst(), fe.dropFirst()) {
                guard let u = Double(x), let v = Double(y) else { continue }
                worst = max(worst, abs(u - v) / max(1, abs(v)))
            }
        }
        #expect(worst < 1e-9, "largest relative difference \(worst)")
    }
}
