import Foundation
import Testing
import SAMAnalysis

@Suite struct StationarityTests {
    /// At L = 2 (q = 1) the l1 max-margin solution is a KKT point; e_d is for D_mu, and a wrong direction is not.
    @Test func l1SolutionIsStationary() throws {
        let report = try #require(try Stationarity.check(direction: [0, 0, 1], points: [[1, 2, 3]], labels: [1], depth: 2))
        #expect(report.residual < 1e-12)
        let wrong = try #require(try Stationarity.check(direction: [1, 1, 1], points: [[1, 2, 3]], labels: [1], depth: 2))
        #expect(wrong.residual > 0.1)
    }

    /// For q = 2/L < 1 on D_mu the KKT points are the basis vectors (single non-zero coordinate) and others; the
    /// l2 direction mu/||mu|| (q = 2, L = 1) is stationary for L = 1.
    @Test func depthOneIsTheL2Problem() throws {
        let mu = [1.0, 2, 3]
        let report = try #require(try Stationarity.check(direction: mu, points: [mu], labels: [1], depth: 1))
        #expect(report.residual < 1e-12)
        let random = [[1.0, 2], [2, 0.5], [-1, -1.5]], labels = [1.0, 1, -1]
        let l2 = try MaxMargin.solve(points: random, labels: labels, norm: .l2)
        #expect(try #require(try Stationarity.check(direction: l2.direction, points: random, labels: labels, depth: 1)).residual < 1e-8)
    }
}
