import Testing
import SAMCore
import SAMAnalysis

private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
private func maxAbsDiff(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }
private func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

/// A separable dataset: random x ∈ [−1, 1]^d labelled by sign⟨b*, x⟩, keeping only points with
/// |⟨b*, x⟩| ≥ 0.1 ‖b*‖ (a guaranteed margin), optionally scaled.
private func randomSeparable(d: Int, n: Int, scale: Double, rng: inout SplitMix64) -> (points: [[Double]], labels: [Double]) {
    let bStar = (0..<d).map { _ in Double.random(in: -1...1, using: &rng) }
    var points: [[Double]] = [], labels: [Double] = []
    while points.count < n {
        let x = (0..<d).map { _ in Double.random(in: -1...1, using: &rng) }
        let m = dot(bStar, x)
        guard abs(m) >= 0.1 * norm(bStar) else { continue }
        points.append(x.map { $0 * scale })
        labels.append(m > 0 ? 1 : -1)
    }
    return (points, labels)
}

@Suite struct MaxMarginTests {
    // MARK: Closed forms

    @Test func symmetricPair() throws {
        let points: [[Double]] = [[1, 2], [1, -2]], labels: [Double] = [1, 1]
        for norm in MarginNorm.allCases {
            let s = try MaxMargin.solve(points: points, labels: labels, norm: norm)
            #expect(maxAbsDiff(s.solution, [1, 0]) < 1e-12, "\(norm)")
            #expect(abs(s.norm - 1) < 1e-12)
            #expect(maxAbsDiff(s.direction, [1, 0]) < 1e-12)
            #expect(s.unique == true)
            #expect(s.supportVectors == [0, 1])
        }
        #expect(maxAbsDiff(try MaxMargin.solveL2WithClp(points: points, labels: labels).solution, [1, 0]) < 1e-7)
    }

    /// D_μ = {(μ, +1)}: l1 solution e_d/μ_d for the largest |μ_d| (unique), l2 solution μ/‖μ‖².
    @Test func singleExample() throws {
        let mu: [Double] = [1, 2, 3]
        let l1 = try MaxMargin.solve(points: [mu], labels: [1], norm: .l1)
        #expect(maxAbsDiff(l1.solution, [0, 0, 1.0 / 3]) < 1e-12)
        #expect(abs(l1.norm - 1.0 / 3) < 1e-12)
        #expect(l1.unique == true)
        #expect(l1.supportVectors == [0])
        let l2 = try MaxMargin.solve(points: [mu], labels: [1], norm: .l2)
        #expect(maxAbsDiff(l2.solution, mu.map { $0 / 14 }) < 1e-12)
        #expect(abs(l2.norm - 1 / 14.0.squareRoot()) < 1e-12)
        #expect(l2.unique == true)
        #expect(abs(l2.multipliers[0] - 1.0 / 14) < 1e-12)
        let clp = try MaxMargin.solveL2WithClp(points: [mu], labels: [1])
        #expect(maxAbsDiff(clp.solution, l2.solution) < 1e-7 * norm(l2.solution))  // Clp's QP accuracy
    }

    /// μ = (2, 2): every b ≥ 0 with b₁ + b₂ = ½ is l1-optimal.
    @Test func l1Tie() throws {
        let l1 = try MaxMargin.solve(points: [[2, 2]], labels: [1], norm: .l1)
        #expect(l1.unique == false)
        #expect(abs(l1.norm - 0.5) < 1e-12)
        #expect(l1.solution.allSatisfy { $0 >= -1e-12 })
        let l2 = try MaxMargin.solve(points: [[2, 2]], labels: [1], norm: .l2)
        #expect(maxAbsDiff(l2.solution, [0.25, 0.25]) < 1e-12)
    }

    /// Duplicating the feature that carries the most l1 weight creates a tie (the weight can be
    /// split between the copies), so the l1 solution must be reported non-unique; l2 just splits it.
    @Test func duplicatedFeatureIsATie() throws {
        var rng = SplitMix64(seed: 3)
        for trial in 0..<6 {
            let (points, labels) = randomSeparable(d: 2 + trial % 3, n: 12, scale: 1, rng: &rng)
            let base = try MaxMargin.solve(points: points, labels: labels, norm: .l1)
            #expect(base.unique == true)
            let j = base.solution.indices.max { abs(base.solution[$0]) < abs(base.solution[$1]) }!
            let doubled = points.map { $0 + [$0[j]] }
            let l1 = try MaxMargin.solve(points: doubled, labels: labels, norm: .l1)
            #expect(l1.unique == false, "trial \(trial)")
            #expect(abs(l1.norm - base.norm) <= 1e-9 * base.norm)
            let l2 = try MaxMargin.solve(points: doubled, labels: labels, norm: .l2)
            #expect(abs(l2.solution[j] - l2.solution.last!) <= 1e-9 * l2.norm)
        }
    }

    // MARK: Random separable sets

    @Test func randomSetsAgreeAndCertify() throws {
        var rng = SplitMix64(seed: 20_240_611)
        var nonUniqueL1 = 0
        for trial in 0..<40 {
            let d = 2 + trial % 5, n = Int.random(in: 5...30, using: &rng)
            let scale = [1.0, 1e-3, 1e3][trial % 3]
            let (points, labels) = randomSeparable(d: d, n: n, scale: scale, rng: &rng)
            let a = zip(points, labels).map { x, y in x.map { y * $0 } }
            let tag = "trial \(trial) d=\(d) n=\(n) scale=\(scale)"

            // l2: NNLS-LDP vs Clp QP.
            let l2 = try MaxMargin.solve(points: points, labels: labels, norm: .l2)
            let clp = try MaxMargin.solveL2WithClp(points: points, labels: labels)
            #expect(norm(zip(l2.solution, clp.solution).map { $0 - $1 }) <= 1e-6 * norm(l2.solution), "\(tag)")
            #expect(abs(l2.norm - norm(l2.solution)) <= 1e-12 * l2.norm)
            #expect(abs(norm(l2.direction) - 1) < 1e-12)

            // l2 KKT, for both multiplier sets: A b ≥ 1, b = Σ α_n a_n, α ≥ 0, α = 0 off the support.
            for n in a.indices { #expect(dot(a[n], l2.solution) >= 1 - 1e-9, "\(tag) margin \(n)") }
            for (name, alpha, tol) in [("nnls", l2.multipliers, 1e-9), ("clp", clp.multipliers, 1e-6)] {
                let combo = (0..<d).map { j in a.indices.reduce(0) { $0 + alpha[$1] * a[$1][j] } }
                #expect(maxAbsDiff(combo, l2.solution) <= tol * norm(l2.solution), "\(tag) \(name) stationarity")
                let alphaScale = alpha.map(abs).max() ?? 0
                for n in a.indices {
                    #expect(alpha[n] >= -tol * alphaScale, "\(tag) \(name) alpha[\(n)] = \(alpha[n])")
                    if !l2.supportVectors.contains(n) {
                        #expect(abs(alpha[n]) <= tol * alphaScale, "\(tag) \(name) alpha[\(n)] off support")
                    }
                }
            }

            // l1: primal feasibility and the LP duality certificate.
            let l1 = try MaxMargin.solve(points: points, labels: labels, norm: .l1)
            let y = l1.multipliers
            for n in a.indices { #expect(dot(a[n], l1.solution) >= 1 - 1e-9, "\(tag) l1 margin \(n)") }
            #expect(abs(l1.norm - y.reduce(0, +)) <= 1e-8 * max(1, l1.norm), "\(tag) duality gap")
            #expect(y.allSatisfy { $0 >= -1e-12 }, "\(tag) dual sign")
            let aty = (0..<d).map { j in a.indices.reduce(0) { $0 + y[$1] * a[$1][j] } }
            #expect(aty.map(abs).max()! <= 1 + 1e-9, "\(tag) dual feasibility")
            #expect(l1.norm <= l2.solution.map(abs).reduce(0, +) * (1 + 1e-9), "l1 optimum beats the l2 point")
            if l1.unique != true { nonUniqueL1 += 1 }
        }
        // Random data in general position have a unique l1 solution.
        #expect(nonUniqueL1 == 0)
    }

    // MARK: Errors

    @Test func nonSeparableThrows() {
        let cases: [([[Double]], [Double])] = [
            ([[1, 1], [-1, -1], [1, -1], [-1, 1]], [1, 1, -1, -1]),  // XOR
            ([[1], [2]], [1, -1]),                                   // separable only with a bias
            ([[1, 2], [-1, -2]], [1, 1]),                            // x and −x, same label
            ([[0, 0], [1, 0]], [1, 1]),                              // a point at the origin
        ]
        for (points, labels) in cases {
            for norm in MarginNorm.allCases {
                do {
                    _ = try MaxMargin.solve(points: points, labels: labels, norm: norm)
                    Issue.record("expected notSeparable for \(points)")
                } catch let MaxMarginError.notSeparable(bestMargin) {
                    #expect(bestMargin <= 0)
                    let text = "\(MaxMarginError.notSeparable(bestMargin: bestMargin))"
                    #expect(text.hasPrefix("the data are not linearly separable through the origin"))
                    #expect(text.hasSuffix("(<= 0)"))
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
            #expect(throws: MaxMarginError.self) { try MaxMargin.solveL2WithClp(points: points, labels: labels) }
        }
    }

    @Test func invalidInputThrows() {
        let bad: [([[Double]], [Double])] = [
            ([], []), ([[1, 2], [1]], [1, 1]), ([[1, 2]], [0.5]), ([[1, .nan]], [1]), ([[1, 2]], [1, 1]),
        ]
        for (points, labels) in bad {
            do {
                _ = try MaxMargin.solve(points: points, labels: labels, norm: .l2)
                Issue.record("expected invalidInput for \(points) \(labels)")
            } catch let error as MaxMarginError {
                guard case .invalidInput = error else { Issue.record("got \(error)"); continue }
                #expect(!error.description.contains("\n"))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    // MARK: Building blocks

    @Test func nnlsSmallCases() throws {
        // E = I, f = (1, −1): x = (1, 0).
        let s = try NonNegativeLeastSquares(columns: [[1, 0], [0, 1]], target: [1, -1]).solve()
        #expect(maxAbsDiff(s.x, [1, 0]) < 1e-15 && s.passiveSet == [0])
        #expect(abs(s.residualNorm - 1) < 1e-15)
        // Random overdetermined problems: KKT (x ≥ 0, w ≤ tol on Z, w ≈ 0 on P).
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20 {
            let m = Int.random(in: 3...12, using: &rng), n = Int.random(in: 2...10, using: &rng)
            let cols = (0..<n).map { _ in (0..<m).map { _ in Double.random(in: -1...1, using: &rng) } }
            let f = (0..<m).map { _ in Double.random(in: -1...1, using: &rng) }
            let r = try NonNegativeLeastSquares(columns: cols, target: f).solve()
            #expect(r.x.allSatisfy { $0 >= 0 })
            for j in 0..<n {
                #expect(r.dual[j] <= 1e-12)
                if r.x[j] > 0 { #expect(abs(r.dual[j]) <= 1e-12) }
            }
        }
        #expect(throws: NNLSError.self) { try NonNegativeLeastSquares(columns: [[1, 2]], target: [1]).solve() }
        #expect(throws: NNLSError.iterationLimit(1)) {
            try NonNegativeLeastSquares(columns: [[1, 0], [0, 1]], target: [1, 1], maxIterations: 1).solve()
        }
    }

    @Test func ldpInfeasible() {
        #expect(throws: LeastDistanceError.self) {
            try LeastDistanceProgram(constraints: [[1], [-1]], lowerBounds: [1, 1]).solve()
        }
    }

    @Test func quadraticProgramWrapper() throws {
        // min ½xᵀHx, H = [[2, 1], [1, 2]], s.t. x₁ + x₂ ≥ 1, x free → (½, ½), value ¾.
        let free = [-Double.infinity, -.infinity], up = [Double.infinity, .infinity]
        let qp = QuadraticProgram(objective: [0, 0], hessian: [[2, 1], [1, 2]], constraints: [[1, 1]],
                                  rowLower: [1], rowUpper: [.infinity], colLower: free, colUpper: up)
        let s = try qp.solve()
        #expect(s.status == .optimal)
        #expect(maxAbsDiff(s.x, [0.5, 0.5]) < 1e-9 && abs(s.objectiveValue - 0.75) < 1e-9)
        // min −x₁ + ½x₂²: unbounded; Clp claims optimal with x₁ = 1e30, the wrapper says unbounded.
        let unbounded = QuadraticProgram(objective: [-1, 0], hessian: [[0, 0], [0, 1]], constraints: [[1, 1]],
                                         rowLower: [-.infinity], rowUpper: [.infinity], colLower: free, colUpper: up)
        #expect(try unbounded.solve().status == .unbounded)
        #expect(throws: QuadraticProgramError.self) {
            try QuadraticProgram(objective: [0, 0], hessian: [[1, 2], [0, 1]], constraints: [[1, 1]],
                                 rowLower: [1], rowUpper: [.infinity]).solve()
        }
    }
}

