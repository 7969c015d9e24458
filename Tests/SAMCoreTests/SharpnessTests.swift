import Foundation
import Testing
@testable import SAMCore

/// Sharpness (THEORY.md §8) against a Hessian built here, independently of the library: central differences of
/// the plain reference gradient (`ReferenceModel.gradient`), and its eigenvalues by the cyclic Jacobi method.
@Suite struct SharpnessTests {
    static let cases: [(Parametrization, Int, Loss)] = Parametrization.allCases.flatMap { p in
        (1...3).flatMap { depth in Loss.allCases.map { (p, depth, $0) } }
    }

    /// The Hessian by central differences of the reference gradient, column by column, symmetrized.
    static func finiteDifferenceHessian(_ reference: ReferenceModel, at w: [Double]) -> [[Double]] {
        finiteDifferenceHessian(of: reference.gradient, at: w)
    }

    /// The Hessian by central differences of any gradient, column by column, symmetrized.
    static func finiteDifferenceHessian(of gradient: ([Double]) -> [Double], at w: [Double]) -> [[Double]] {
        let p = w.count
        var h = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        for i in 0..<p {
            let step = 1e-5 * max(1, abs(w[i]))
            var plus = w, minus = w
            plus[i] += step
            minus[i] -= step
            let gp = gradient(plus), gm = gradient(minus)
            for k in 0..<p { h[k][i] = (gp[k] - gm[k]) / (2 * step) }
        }
        for i in 0..<p { for k in 0..<i { let m = 0.5 * (h[i][k] + h[k][i]); h[i][k] = m; h[k][i] = m } }
        return h
    }

    /// Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (Golub and Van Loan, §8.5), ascending.
    static func jacobiEigenvalues(_ matrix: [[Double]]) -> [Double] {
        var a = matrix
        let n = a.count
        let total = a.flatMap { $0 }.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in 0..<n where i != j { off += a[i][j] * a[i][j] } }
            if off <= 1e-30 * total { break }
            for p in 0..<(n - 1) {
                for q in (p + 1)..<n where a[p][q] != 0 {
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let kp = a[k][p], kq = a[k][q]
                        a[k][p] = c * kp - s * kq
                        a[k][q] = s * kp + c * kq
                    }
                    for k in 0..<n {
                        let pk = a[p][k], qk = a[q][k]
                        a[p][k] = c * pk - s * qk
                        a[q][k] = s * pk + c * qk
                    }
                }
            }
        }
        return (0..<n).map { a[$0][$0] }.sorted()
    }

    /// The oracle's Hessian e^s A as a dense matrix, one product per unit vector.
    static func denseHessian(_ oracle: any HessianOracle) -> [[Double]] {
        let p = oracle.parameterCount
        var out = [Double](repeating: 0, count: p)
        return (0..<p).map { i in
            var e = [Double](repeating: 0, count: p)
            e[i] = 1
            oracle.multiply(e, into: &out)
            return out.map { exp(oracle.logScale) * $0 }
        }
    }

    static func largestEntry(_ m: [[Double]]) -> Double { m.flatMap { $0 }.map(abs).max() ?? 0 }

    @Test(arguments: cases)
    func hessianMatchesFiniteDifferences(_ p: Parametrization, _ depth: Int, _ loss: Loss) throws {
        for data in [try Dataset.singleExample(mu: [0.7, 1.1, 1.9]), Fixtures.threePoints] {
            let network = try Fixtures.network(p, depth: depth, d: data.dimension, seed: UInt64(depth * 10 + (p == .product ? 3 : 4)))
            let w = network.initialWeights
            let reference = ReferenceModel(parametrization: p, depth: depth, points: data.points, labels: data.labels, loss: loss)
            let fd = Self.finiteDifferenceHessian(reference, at: w)
            let scale = Self.largestEntry(fd)
            let oracle = try DiagonalHessian(model: network, loss: loss.margin, dataset: data, weights: w)
            let dense = Self.denseHessian(oracle)
            let entryError = zip(dense.flatMap { $0 }, fd.flatMap { $0 }).map { abs($0 - $1) }.max()! / scale
            let label = "p=\(p) L=\(depth) loss=\(loss) n=\(data.count)"
            #expect(entryError < 1e-6, "\(label): Hessian entries off by \(entryError) relative")
            let eigenvalues = Self.jacobiEigenvalues(fd)
            let spectral = eigenvalues.map(abs).max()!
            let record = SharpnessProbe(model: network, loss: loss.margin, dataset: data).measure(w)
            let lambda = try #require(record.lambdaMax, "\(label): \(record.failure ?? "")")
            #expect(abs(lambda - eigenvalues.last!) <= 1e-6 * spectral, "\(label): lambda_max \(lambda) vs \(eigenvalues.last!)")
            let trace = (0..<w.count).reduce(0) { $0 + fd[$1][$1] }
            #expect(abs(try #require(record.hessianTrace) - trace) <= 1e-6 * spectral, "\(label): trace \(record.hessianTrace!) vs \(trace)")
            // Jacobi itself: the eigenvalues sum to the trace.
            #expect(abs(eigenvalues.reduce(0, +) - trace) <= 1e-9 * spectral * Double(w.count))
            let gradientNorm = reference.gradient(w).reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(exp(oracle.logGradientNorm) - gradientNorm) <= 1e-12 * gradientNorm)
        }
    }

    /// At small weights of a depth-3 product network the l' term dominates the Hessian, and its most negative
    /// eigenvalue is twice its largest: a power iteration would report that one. lambda_max is the largest.
    @Test func lambdaMaxIsTheLargestAlgebraicEigenvalue() throws {
        let data = try Dataset.singleExample(mu: [1, 2])
        let network = try Fixtures.network(.product, depth: 3, alpha: [0.1], d: 2)
        let reference = ReferenceModel(parametrization: .product, depth: 3, points: data.points, labels: data.labels, loss: .logistic)
        let eigenvalues = Self.jacobiEigenvalues(Self.finiteDifferenceHessian(reference, at: network.initialWeights))
        #expect(eigenvalues.first! < -1.5 * eigenvalues.last!, "\(eigenvalues)")
        let record = SharpnessProbe(model: network, loss: Loss.logistic.margin, dataset: data).measure(network.initialWeights)
        let lambda = try #require(record.lambdaMax)
        #expect(lambda > 0)
        #expect(abs(lambda - eigenvalues.last!) <= 1e-6 * abs(eigenvalues.first!))
    }

    /// 80 parameters on 12 Gaussian points: Lanczos stops well before 80 steps and agrees with the dense
    /// eigenvalues of the oracle's own matrix to 1e-6 relative; the same seed gives the same bits, and another seed
    /// the same value to the tolerance.
    @Test func lanczosMatchesDenseEigenvaluesAndRepeats() throws {
        let data = try GaussianClusters(count: 12, mean: (1...40).map { 0.2 + 0.05 * Double($0) }, sigma: 0.5, seed: 3).generate()
        let network = try Fixtures.network(.product, depth: 2, d: 40, seed: 9)
        let oracle = try DiagonalHessian(model: network, loss: Loss.logistic.margin, dataset: data, weights: network.initialWeights)
        let eigenvalues = Self.jacobiEigenvalues(Self.denseHessian(oracle))
        let result = try Lanczos.largestEigenvalue(of: oracle)
        let lambda = exp(oracle.logScale) * result.eigenvalue
        #expect(abs(lambda - eigenvalues.last!) <= 1e-6 * abs(eigenvalues.last!), "\(lambda) vs \(eigenvalues.last!)")
        #expect(result.iterations < 80)
        #expect(try Lanczos.largestEigenvalue(of: oracle) == result)
        let other = try Lanczos.largestEigenvalue(of: oracle, seed: 12345)
        #expect(abs(other.eigenvalue - result.eigenvalue) <= 1e-6 * abs(result.eigenvalue))
        let probe = SharpnessProbe(model: network, loss: Loss.logistic.margin, dataset: data)
        #expect(probe.measure(network.initialWeights).lambdaMax!.bitPattern == probe.measure(network.initialWeights).lambdaMax!.bitPattern)
    }

    /// A Hessian of rank one plus zero stops at once (the Krylov space is invariant) with its exact eigenvalue.
    @Test func invariantKrylovSpaceStopsExactly() throws {
        struct RankOne: HessianOracle {
            let u: [Double] = [1, 2, 0, -1]
            var parameterCount: Int { 4 }
            var logScale: Double { 0 }
            func multiply(_ v: [Double], into out: inout [Double]) {
                let c = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<4 { out[i] = c * u[i] }
            }
            var scaledTrace: Double { 6 }
            var logGradientNorm: Double { 0 }
        }
        let result = try Lanczos.largestEigenvalue(of: RankOne())
        #expect(abs(result.eigenvalue - 6) < 1e-14)
        #expect(result.iterations <= 2)
    }

    /// sam_edge against the root of the quadratic (eta rho / G) lambda^2 + eta lambda - 2 = 0 by the textbook
    /// formula, where that formula is accurate, and against the defining equation everywhere.
    @Test func samEdgeSolvesTheQuadratic() {
        for eta in [0.01, 0.1, 0.3, 2.0] {
            for rho in [1e-3, 0.05, 1, 10] {
                for g in [1e-8, 1e-3, 0.1, 1, 50, 1e6] {
                    let edge = StabilityEdges.sam(learningRate: eta, rho: rho, gradientNorm: g)
                    let a = eta * rho / g, b = eta
                    let root = (-b + (b * b + 8 * a).squareRoot()) / (2 * a)
                    let x = 8 * rho / (eta * g)
                    if x > 1e-3 { #expect(abs(edge - root) <= 1e-12 * root, "eta=\(eta) rho=\(rho) g=\(g): \(edge) vs \(root)") }
                    #expect(abs(eta * edge * (1 + rho * edge / g) - 2) <= 1e-14 * 2, "eta=\(eta) rho=\(rho) g=\(g)")
                    #expect(edge < StabilityEdges.gd(learningRate: eta))
                }
            }
        }
        // x = 8 rho / (eta ||g||) = 8e-20 and 8e-10: the textbook root cancels to 0 and to 6 correct digits; this
        // form keeps the defining equation to rounding.
        for rho in [1e-18, 1e-8] {
            let edge = StabilityEdges.sam(learningRate: 0.1, rho: rho, gradientNorm: 1)
            #expect(abs(0.1 * edge * (1 + rho * edge) - 2) <= 1e-15, "rho = \(rho): \(edge)")
            let a = 0.1 * rho
            let textbook = (-0.1 + (0.01 + 8 * a).squareRoot()) / (2 * a)
            #expect(abs(0.1 * textbook * (1 + rho * textbook) - 2) > 1e-11)
        }
        // A gradient far below the smallest Double still has its edge, 4 / (eta sqrt(x)).
        let tiny = StabilityEdges.sam(learningRate: 0.1, rho: 1, logGradientNorm: -2000)
        #expect(abs(tiny - 40 * exp(-0.5 * (log(80) + 2000))) <= 1e-12 * tiny)
    }

    @Test func samEdgeIsTheGDEdgeAtZeroRadiusOrGradient() {
        #expect(StabilityEdges.gd(learningRate: 0.3) == 2 / 0.3)
        #expect(StabilityEdges.sam(learningRate: 0.3, rho: 0, gradientNorm: 1.5) == 2 / 0.3)
        #expect(StabilityEdges.sam(learningRate: 0.3, rho: 1, gradientNorm: 0) == 2 / 0.3)
        #expect(StabilityEdges.sam(learningRate: 0.3, rho: 1, logGradientNorm: -.infinity) == 2 / 0.3)
    }

    /// The gradient vanishes at w = 0 of a depth-2 product network (every d beta / d theta is 0): sam_edge is 2/eta.
    @Test func zeroGradientGivesTheGDEdgeInARun() throws {
        var spec = RunSpec.discrete(alpha: [0], optimizer: .l2SAM, learningRate: 0.2, rho: 0.5, steps: 3)
        spec.sharpness = true
        let runner = try DiscreteRunner(spec: spec, dataset: try Dataset.singleExample(mu: [1, 2]))
        runner.run()
        for row in runner.result.rows {
            let s = try #require(row.sharpness)
            #expect(s.gdEdge == 10 && s.samEdge == 10)
            // H at w = 0 is [[0, -l'(0) mu_j], ...]: eigenvalues +-|l'(0)| mu_j, so lambda_max = mu_max / 2.
            #expect(abs(try #require(s.lambdaMax) - 1) < 1e-12)
            #expect(s.hessianTrace == 0)
        }
    }

    /// Weights whose beta overflows give null values and a reason, never NaN; the warning names it.
    @Test func nonFiniteSharpnessIsNullWithAReason() throws {
        let data = try Dataset.singleExample(mu: [1, 2])
        let network = try Fixtures.network(.product, depth: 3, alpha: [1e120], d: 2)
        let record = SharpnessProbe(model: network, loss: Loss.logistic.margin, dataset: data,
                                    edges: .init(learningRate: 0.1, rho: 1)).measure(network.initialWeights)
        #expect(record.lambdaMax == nil && record.hessianTrace == nil && record.samEdge == nil)
        #expect(record.gdEdge == 20)
        #expect(record.failure?.contains("overflow") == true, "\(record.failure ?? "")")
        let row = TrajectoryRow(clock: 7, logLoss: 0, margin: 1, norm: 1, beta: nil, leader: 0, leaderAbsolute: 0, sharpness: record)
        var spec = RunSpec.discrete()
        spec.sharpness = true
        let result = RunResult(spec: spec, status: .completed, reason: nil, eventClock: nil, endClock: 7, rows: [row], leaders: [],
                               leadersAbsolute: [], final: StateObservation(logLoss: 0, margin: 1, norm: 1, beta: [1, 1]),
                               finalWeights: network.initialWeights, layerCount: 3, examples: 1, dimension: 2)
        #expect(result.sharpnessWarnings == ["sharpness: null at 1 of 1 recorded states (first at step 7): \(record.failure!)"])
        let csv = TrajectoryCSV.render([row], clock: .step, dimension: 2)
        #expect(csv.hasPrefix("step,loss,log_loss,margin,norm,leader,leader_absolute,lambda_max,hessian_trace,gd_edge,sam_edge\n"))
        #expect(!csv.lowercased().contains("nan"))
        let summary = String(decoding: try JSONOutput.encode(RunSummary(result)), as: UTF8.self)
        #expect(summary.contains("\"lambda_max\" : null") && summary.contains("\"gd_edge\" : 20"))
    }

    /// Without `sharpness` a run's rows, summary and config are what they were; with it every recorded row has the
    /// values, l2-SAM adds the edges, the rest of each row is unchanged, and the summary's config repeats the run.
    @Test func runsRecordSharpnessOnlyWhenAsked() throws {
        let data = try Dataset.singleExample(mu: [1, 2, 3])
        for optimizer in [Optimizer.gd, .l2SAM] {
            let plain = RunSpec.discrete(data: .singleExample(mu: [1, 2, 3]), optimizer: optimizer, learningRate: 0.3, rho: 0.5, steps: 200,
                                         record: .log(20))
            var sharp = plain
            sharp.sharpness = true
            let without = try DiscreteRunner(spec: plain, dataset: data)
            without.run()
            let with = try DiscreteRunner(spec: sharp, dataset: data)
            with.run()
            let a = without.result, b = with.result
            #expect(a.rows.allSatisfy { $0.sharpness == nil })
            #expect(b.rows.count == a.rows.count && b.rows.allSatisfy { $0.sharpness?.lambdaMax != nil && $0.sharpness?.failure == nil })
            #expect(b.rows.map { var r = $0; r.sharpness = nil; return r } == a.rows)
            #expect(b.rows.allSatisfy { $0.sharpness!.hasEdges == (optimizer == .l2SAM) })
            let plainJSON = String(decoding: try JSONOutput.encode(RunSummary(a)), as: UTF8.self)
            #expect(!plainJSON.contains("lambda_max") && !plainJSON.contains("sharpness"))
            let sharpJSON = String(decoding: try JSONOutput.encode(RunSummary(b)), as: UTF8.self)
            #expect(sharpJSON.contains("\"lambda_max\" : \(b.rows.last!.sharpness!.lambdaMax!)"))
            #expect(sharpJSON.contains("\"sharpness\" : true"))
            #expect(sharpJSON.contains("sam_edge") == (optimizer == .l2SAM))
            let decoded = try JSONDecoder().decode(RunSummary.self, from: Data(sharpJSON.utf8))
            #expect(decoded.config == sharp && decoded.sharpness == RunSummary(b).sharpness)
            // Each recorded value is the probe's at that step's weights: the final row against the final weights.
            let direct = SharpnessProbe.forRun(sharp, components: try sharp.components(dimension: 3), dataset: data)!.measure(b.finalWeights)
            #expect(direct == b.rows.last!.sharpness)
            if optimizer == .l2SAM, let s = b.rows.last!.sharpness {
                let reference = ReferenceModel(parametrization: .product, depth: 2, points: data.points, labels: data.labels, loss: .logistic)
                let g = reference.gradient(b.finalWeights).reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(abs(s.samEdge! - StabilityEdges.sam(learningRate: 0.3, rho: 0.5, gradientNorm: g)) <= 1e-12 * s.samEdge!)
                #expect(s.gdEdge == 2 / 0.3)
            }
        }
    }

    /// A run stopped, checkpointed (through JSON) and resumed has the rows, sharpness included, of one that was not.
    @Test func resumeKeepsTheSharpnessRows() throws {
        var spec = RunSpec.discrete(optimizer: .l2SAM, steps: 1500, record: .log(30))
        spec.sharpness = true
        let data = try Dataset.singleExample(mu: [1, 2])
        let whole = try DiscreteRunner(spec: spec, dataset: data)
        whole.run()
        let first = try DiscreteRunner(spec: spec, dataset: data)
        #expect(first.run(shouldStop: { true }).status == .interrupted)
        let saved = try JSONDecoder().decode(DiscreteState.self, from: try JSONOutput.encode(first.state))
        let second = try DiscreteRunner(spec: spec, dataset: data)
        try second.restore(saved)
        second.run()
        #expect(second.result.rows == whole.result.rows && whole.result.rows.allSatisfy { $0.sharpness?.samEdge != nil })
    }

    @Test func trajectoryCSVRoundTripsSharpness() throws {
        let rows = [
            TrajectoryRow(clock: 0, logLoss: -0.5, margin: 1, norm: 2, beta: [1, 2], leader: 2, leaderAbsolute: 2,
                          sharpness: SharpnessRecord(lambdaMax: 1.25, hessianTrace: -0.5, hasEdges: true, gdEdge: 20, samEdge: 3.5)),
            TrajectoryRow(clock: 5, logLoss: -0.7, margin: 1.5, norm: 2.5, beta: [1.5, 2], leader: 1, leaderAbsolute: 2,
                          sharpness: SharpnessRecord(lambdaMax: nil, hessianTrace: 0.25, hasEdges: true, gdEdge: 20, samEdge: nil)),
        ]
        let csv = TrajectoryCSV.render(rows, clock: .step, dimension: 2)
        #expect(csv.split(separator: "\n")[0] == "step,loss,log_loss,margin,norm,leader,leader_absolute,lambda_max,hessian_trace,gd_edge,sam_edge,beta_1,beta_2")
        #expect(csv.contains(",1,2,,0.25,20.0,,1.5,2.0\n"))
        let parsed = try TrajectoryCSV.parse(csv, source: "t.csv")
        #expect(parsed.rows == rows)
        #expect(throws: InvalidInput.self) { try TrajectoryCSV.parse(csv.replacingOccurrences(of: ",0.25,", with: ",x,"), source: "t.csv") }
    }

    @Test func specKeyIsStrictAndWrittenOnlyWhenOn() throws {
        let on = try RunSpec(jsonData: Data(#"{"lr": 0.1, "sharpness": true}"#.utf8), clock: nil)
        #expect(on.sharpness)
        #expect(try !RunSpec(jsonData: Data(#"{"lr": 0.1, "sharpness": false}"#.utf8), clock: nil).sharpness)
        #expect(try !RunSpec(jsonData: Data(#"{"lr": 0.1}"#.utf8), clock: nil).sharpness)
        #expect(throws: SpecError.wrongType(path: "sharpness", expected: "true or false")) {
            try RunSpec(jsonData: Data(#"{"lr": 0.1, "sharpness": 1}"#.utf8), clock: nil)
        }
        #expect(!String(decoding: try RunSpec().jsonData(), as: UTF8.self).contains("sharpness"))
        #expect(try RunSpec(jsonData: try on.jsonData(), clock: .step) == on)
        #expect(RunSpec.knownKeys(clock: .time).contains("sharpness"))
    }
}
