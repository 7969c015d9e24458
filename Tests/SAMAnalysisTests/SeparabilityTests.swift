import Testing
import SAMCore
@testable import SAMAnalysis

private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

@Suite struct SeparabilityTests {
    // MARK: LinearProgram

    /// maximize 3x + 5y  s.t.  x ≤ 4, 2y ≤ 12, 3x + 2y ≤ 18, x, y ≥ 0  →  (2, 6), value 36.
    @Test func textbookLP() throws {
        let lp = LinearProgram(
            objective: [-3, -5],
            constraints: [[1, 0], [0, 2], [3, 2]],
            rowLower: [-.infinity, -.infinity, -.infinity],
            rowUpper: [4, 12, 18]
        )
        let s = try lp.solve()
        #expect(s.status == .optimal)
        #expect(abs(s.x[0] - 2) < 1e-9 && abs(s.x[1] - 6) < 1e-9)
        #expect(abs(s.objectiveValue + 36) < 1e-9)
        // Shadow prices of the max problem are (0, 1.5, 1); for the min form Clp reports their negatives.
        let expected = [0.0, -1.5, -1.0]
        for i in 0..<3 { #expect(abs(s.rowDuals[i] - expected[i]) < 1e-9) }
    }

    @Test func infeasibleLP() throws {
        // x, y ≥ 0 but x + y ≤ −1.
        let lp = LinearProgram(objective: [1, 1], constraints: [[1, 1]], rowLower: [-.infinity], rowUpper: [-1])
        #expect(try lp.solve().status == .infeasible)
    }

    @Test func unboundedLP() throws {
        // minimize −x  s.t.  x − y ≤ 1, x, y ≥ 0: take y → ∞, x = y + 1.
        let lp = LinearProgram(objective: [-1, 0], constraints: [[1, -1]], rowLower: [-.infinity], rowUpper: [1])
        #expect(try lp.solve().status == .unbounded)
    }

    @Test func malformedLPThrows() {
        #expect(throws: LinearProgramError.self) {
            try LinearProgram(objective: [1, 1], constraints: [[1]], rowLower: [0], rowUpper: [1]).solve()
        }
        #expect(throws: LinearProgramError.self) {
            try LinearProgram(objective: [1], constraints: [[.nan]], rowLower: [0], rowUpper: [1]).solve()
        }
        #expect(throws: LinearProgramError.self) {
            try LinearProgram(objective: [], constraints: [], rowLower: [], rowUpper: []).solve()
        }
    }

    // MARK: Separability

    /// (1, 2) ↦ +1 and (−1, −2) ↦ −1: maximize t s.t. b₁ + 2b₂ ≥ t, |b_j| ≤ 1  →  t = 3, b = (1, 1).
    @Test func symmetricPairIsSeparable() throws {
        let r = try Separability.check(points: [[1, 2], [-1, -2]], labels: [1, -1])
        #expect(r.separable)
        #expect(abs(r.bestMargin - 3) < 1e-9)
        #expect(abs(r.witness[0] - 1) < 1e-9 && abs(r.witness[1] - 1) < 1e-9)
    }

    /// One example: the closed form ‖x‖₁ (b = y sign x) is the LP's optimum, and decides separability as the LP does.
    @Test func oneExampleInClosedFormAgreesWithTheLP() throws {
        var rng = SplitMix64(seed: 11)
        for trial in 0..<200 {
            let d = Int(rng.next() % 6) + 1
            let x = (0..<d).map { _ in rng.next() % 4 == 0 ? 0 : Double(Int(rng.next() % 2001) - 1000) / 250 }
            let y: Double = rng.next() % 2 == 0 ? 1 : -1
            let closed = try Separability.check(points: [x], labels: [y])
            let scale = x.map(abs).max()!
            let lp = try Separability.linearProgram(points: [x], labels: [y], d: d, scale: scale)
            #expect(closed.separable == lp.separable, "trial \(trial): \(x)")
            #expect(abs(closed.bestMargin - lp.bestMargin) <= 1e-7 * max(1, closed.bestMargin), "trial \(trial): \(x)")
            #expect(closed.bestMargin == x.reduce(0) { $0 + abs($1) })
            #expect(abs(y * zip(closed.witness, x).reduce(0) { $0 + $1.0 * $1.1 } - closed.bestMargin) <= 1e-12 * max(1, closed.bestMargin))
        }
        #expect(try !Separability.check(points: [[0, 0]], labels: [1]).separable)
    }

    @Test func pointAndNegativeWithSameLabelIsNotSeparable() throws {
        let r = try Separability.check(points: [[1, 2], [-1, -2]], labels: [1, 1])
        #expect(!r.separable)
        #expect(r.bestMargin <= 1e-9)
    }

    @Test func xorIsNotSeparable() throws {
        let r = try Separability.check(points: [[1, 1], [-1, -1], [1, -1], [-1, 1]], labels: [1, 1, -1, -1])
        #expect(!r.separable)
        #expect(r.bestMargin <= 1e-9)
    }

    /// Points labelled by sign⟨b*, x⟩ with |⟨b*, x⟩| ≥ 0.1 are separable with margin at least
    /// 0.1 / ‖b*‖_∞ (b*/‖b*‖_∞ is feasible), and the witness must satisfy every LP constraint.
    @Test func randomSeparableSets() throws {
        var rng = SplitMix64(seed: 20_240_601)
        for trial in 0..<40 {
            let d = 1 + trial % 6, n = 5 + 3 * trial
            let bStar = (0..<d).map { _ in Double.random(in: -1...1, using: &rng) }
            var points: [[Double]] = [], labels: [Double] = []
            while points.count < n {
                let x = (0..<d).map { _ in Double.random(in: -3...3, using: &rng) }
                let s = dot(bStar, x)
                guard abs(s) >= 0.1 else { continue } // drop near-ties
                points.append(x)
                labels.append(s > 0 ? 1 : -1)
            }
            let r = try Separability.check(points: points, labels: labels)
            #expect(r.separable, "trial \(trial)")
            let bound = 0.1 / bStar.map(abs).max()!
            #expect(r.bestMargin >= bound - 1e-7, "trial \(trial)")
            #expect(r.witness.count == d)
            #expect(r.witness.allSatisfy { abs($0) <= 1 + 1e-9 }, "trial \(trial)")
            for (x, y) in zip(points, labels) {
                let margin = y * dot(r.witness, x)
                #expect(margin > 0 && margin >= r.bestMargin - 1e-7, "trial \(trial)")
            }
        }
    }

    @Test func badInputThrows() {
        #expect(throws: SeparabilityError.emptyData) { try Separability.check(points: [], labels: []) }
        #expect(throws: SeparabilityError.noFeatures) { try Separability.check(points: [[]], labels: [1]) }
        #expect(throws: SeparabilityError.raggedRow(index: 1, count: 1, expected: 2)) {
            try Separability.check(points: [[1, 2], [3]], labels: [1, -1])
        }
        #expect(throws: SeparabilityError.labelCountMismatch(points: 2, labels: 1)) {
            try Separability.check(points: [[1], [2]], labels: [1])
        }
        #expect(throws: SeparabilityError.invalidLabel(index: 1, value: 0.5)) {
            try Separability.check(points: [[1], [2]], labels: [1, 0.5])
        }
        #expect(throws: SeparabilityError.nonFinite(index: 0)) {
            try Separability.check(points: [[.infinity]], labels: [1])
        }
        #expect(throws: SeparabilityError.nonFinite(index: 1)) {
            try Separability.check(points: [[1], [.nan]], labels: [1, -1])
        }
        #expect(SeparabilityError.emptyData.description == "separability check needs at least one point")
    }
}
