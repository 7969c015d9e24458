import Foundation
import Testing
@testable import SAMCore

/// The general path (`ParameterKernel`, `DenseNetwork`, `SquaredLoss`, `ParameterHessian`) against a plain
/// implementation of the definitions written here: explicit matrix products for the dense network's beta and its
/// gradient, the partial derivatives of the diagonal models written out, the rules' formulas as the issue states
/// them. Nothing here calls the library's pullback, pushforward or rules.
@Suite struct ParameterKernelTests {
    // MARK: - The plain reference

    enum Shape: CustomStringConvertible {
        case product(Int), signed(Int), dense(depth: Int, width: Int)
        var description: String {
            switch self {
            case .product(let l): "product L=\(l)"
            case .signed(let l): "signed L=\(l)"
            case .dense(let l, let h): "dense L=\(l) H=\(h)"
            }
        }
    }

    enum PlainLoss: String { case logistic, exponential, squared }

    /// A plain rule: the issue's formulas for eps, and the group size and GSAM weight.
    struct PlainRule: CustomStringConvertible {
        enum Kind { case gd, l2, linf, usam, asam(Double), lp(Double) }
        var kind: Kind
        var rho: Double
        var groupSize: Int? = nil
        var gapWeight = 0.0
        var description: String { "\(kind) rho=\(rho) m=\(groupSize.map(String.init) ?? "n") alpha=\(gapWeight)" }

        func epsilon(_ g: [Double], _ w: [Double]) -> [Double] {
            let norm2 = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
            switch kind {
            case .gd: return g.map { _ in 0 }
            case .l2: return norm2 > 0 ? g.map { rho * $0 / norm2 } : g.map { _ in 0 }
            case .linf: return g.map { $0 > 0 ? rho : ($0 < 0 ? -rho : 0) }
            case .usam: return g.map { rho * $0 }
            case .asam(let eta):
                let t = w.map { abs($0) + eta }
                let tg = zip(t, g).map { $0 * $1 }.reduce(0) { $0 + $1 * $1 }.squareRoot()
                return tg > 0 ? (0..<g.count).map { rho * t[$0] * t[$0] * g[$0] / tg } : g.map { _ in 0 }
            case .lp(let p):
                let q = p / (p - 1)
                let normQ = pow(g.reduce(0) { $0 + pow(abs($1), q) }, 1 / q)
                return normQ > 0 ? g.map { rho * ($0 < 0 ? -1 : ($0 > 0 ? 1 : 0)) * pow(abs($0), q - 1) / pow(normQ, q - 1) } : g.map { _ in 0 }
            }
        }
    }

    struct Plain {
        var shape: Shape
        var points: [[Double]]
        var labels: [Double]
        var loss: PlainLoss
        var d: Int { points[0].count }

        /// Layer matrices of the dense network (rows of out x in) from the flat weights.
        func matrices(_ w: [Double]) -> [[[Double]]] {
            guard case .dense(let depth, let h) = shape else { return [] }
            var offset = 0
            return (0..<depth).map { l in
                let rows = l == depth - 1 ? 1 : h, columns = l == 0 ? d : h
                defer { offset += rows * columns }
                return (0..<rows).map { i in Array(w[offset + i * columns..<offset + (i + 1) * columns]) }
            }
        }

        static func product(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
            a.map { row in (0..<b[0].count).map { k in zip(row, b).reduce(0) { $0 + $1.0 * $1.1[k] } } }
        }

        static func identity(_ n: Int) -> [[Double]] { (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } } }

        func beta(_ w: [Double]) -> [Double] {
            switch shape {
            case .product(let depth): return (0..<d).map { j in (0..<depth).reduce(1.0) { $0 * w[$1 * d + j] } }
            case .signed(let depth): return (0..<d).map { j in pow(w[j], Double(depth)) - pow(w[d + j], Double(depth)) }
            case .dense:
                let m = matrices(w)
                return m.dropLast().reversed().reduce(m.last!) { Self.product($0, $1) }[0]
            }
        }

        /// d <beta(w), x> / dw.
        func gradientOfPrediction(_ w: [Double], _ x: [Double]) -> [Double] {
            switch shape {
            case .product(let depth):
                var g = [Double](repeating: 0, count: w.count)
                for l in 0..<depth { for j in 0..<d { g[l * d + j] = x[j] * (0..<depth).filter { $0 != l }.reduce(1.0) { $0 * w[$1 * d + j] } } }
                return g
            case .signed(let depth):
                var g = [Double](repeating: 0, count: w.count)
                for j in 0..<d {
                    g[j] = x[j] * Double(depth) * pow(w[j], Double(depth - 1))
                    g[d + j] = -x[j] * Double(depth) * pow(w[d + j], Double(depth - 1))
                }
                return g
            case .dense(let depth, _):
                // d (W_L ... W_1 x) / d W_l = (W_L ... W_(l+1))^T (W_(l-1) ... W_1 x)^T.
                let m = matrices(w)
                var out: [Double] = []
                for l in 0..<depth {
                    var above = Self.identity(1)
                    for k in stride(from: depth - 1, to: l, by: -1) { above = Self.product(above, m[k]) }
                    var below = x.map { [$0] }
                    for k in 0..<l { below = Self.product(m[k], below) }
                    for i in 0..<m[l].count { for k in 0..<m[l][0].count { out.append(above[0][i] * below[k][0]) } }
                }
                return out
            }
        }

        func slope(_ p: Double, _ y: Double) -> Double {
            switch loss {
            case .logistic: -y / (1 + exp(y * p))
            case .exponential: -y * exp(-y * p)
            case .squared: p - y
            }
        }

        /// The gradient of the mean loss over `examples`, and its sum of |l'|.
        func gradient(_ w: [Double], examples: Range<Int>) -> (g: [Double], slopes: Double) {
            let b = beta(w)
            var g = [Double](repeating: 0, count: w.count), slopes = 0.0
            for n in examples {
                let p = zip(b, points[n]).reduce(0) { $0 + $1.0 * $1.1 }
                let s = slope(p, labels[n])
                slopes += abs(s)
                let dp = gradientOfPrediction(w, points[n])
                for i in 0..<w.count { g[i] += s * dp[i] / Double(examples.count) }
            }
            return (g, slopes)
        }

        /// The step direction D and the mean |l'| at the perturbed points.
        func direction(_ w: [Double], _ rule: PlainRule) -> (d: [Double], meanSlope: Double) {
            let n = points.count, size = min(rule.groupSize ?? n, n)
            var total = [Double](repeating: 0, count: w.count), slopes = 0.0
            for start in stride(from: 0, to: n, by: size) {
                let range = start..<min(start + size, n)
                let g = gradient(w, examples: range).g
                let eps = rule.epsilon(g, w)
                let (gp, s) = gradient(zip(w, eps).map { $0 + $1 }, examples: range)
                slopes += s
                if rule.gapWeight != 0 {
                    let dot = zip(g, gp).reduce(0) { $0 + $1.0 * $1.1 }, square = gp.reduce(0) { $0 + $1 * $1 }
                    let perp = square > 0 ? zip(g, gp).map { $0 - dot / square * $1 } : g
                    return (zip(gp, perp).map { $0 - rule.gapWeight * $1 }, slopes / Double(n))
                }
                for i in 0..<w.count { total[i] += Double(range.count) / Double(n) * gp[i] }
            }
            return (total, slopes / Double(n))
        }
    }

    // MARK: - Test rules for the kernel's hooks (the library's msam and gsam set the same hooks)

    /// l2-SAM's (or, unnormalized, usam's) elementwise form with a group size.
    struct GroupedTestRule: Rule {
        static let name = "test-grouped"
        static let summary = "test"
        let rho: Double, normalized: Bool, exampleGroupSize: Int?
        init(spec: RuleSpec) { (rho, normalized, exampleGroupSize) = (spec.rho, true, nil) }
        init(rho: Double, normalized: Bool, groupSize: Int) { (self.rho, self.normalized, exampleGroupSize) = (rho, normalized, groupSize) }
        func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { g }
        func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { normalized ? g * g : .zero }
        func coefficient(logGradientScale s: Double, normalizer: Double) -> Double {
            normalized ? (normalizer > 0 ? rho / normalizer.squareRoot() : 0) : rho * exp(s)
        }
    }

    /// l2-SAM's elementwise form with a GSAM weight.
    struct GapTestRule: Rule {
        static let name = "test-gap"
        static let summary = "test"
        let rho: Double, surrogateGapWeight: Double
        init(spec: RuleSpec) { (rho, surrogateGapWeight) = (spec.rho, 0.2) }
        init(rho: Double, alpha: Double) { (self.rho, surrogateGapWeight) = (rho, alpha) }
        func shape(gradient g: Lanes, weight w: Lanes) -> Lanes { g }
        func normalizerTerm(gradient g: Lanes, weight w: Lanes) -> Lanes { g * g }
        func coefficient(logGradientScale s: Double, normalizer: Double) -> Double { normalizer > 0 ? rho / normalizer.squareRoot() : 0 }
    }

    // MARK: - Cases

    static let classification = try! Dataset(points: [[1.0, 0.5, -0.2], [0.3, 1.2, 0.4], [-0.8, -0.1, -0.9], [0.6, -0.4, 1.1], [0.2, 0.9, 0.5]],
                                             labels: [1, 1, -1, 1, 1])
    static let regression = try! Dataset(points: classification.points, labels: [0.7, -1.3, 2.5, 0.1, -0.4], labelKind: .real)
    static let single = try! Dataset.singleExample(mu: [0.7, 1.1, 1.9])

    static func model(_ shape: Shape, d: Int, seed: UInt64) throws -> any Model {
        switch shape {
        case .product(let l), .signed(let l):
            var rng = SplitMix64(seed: seed)
            let name = if case .product = shape { "product" } else { "signed" }
            let layers = name == "product" ? l : 2
            let init0 = (0..<layers).map { _ in (0..<d).map { _ in 0.3 + 0.9 * rng.nextUniform() } }
            return try Registry.standard.model(named: name).model(ModelSpec(name: name, depth: l, layerInit: init0), dimension: d)
        case .dense(let l, let h):
            return try DenseNetwork(spec: ModelSpec(name: "dense", depth: l, alpha: [0.6], width: h, seed: seed), dimension: d)
        }
    }

    /// Library rule and plain rule side by side.
    static func rules() -> [(any Rule, PlainRule)] {
        let registry = Registry.standard
        func library(_ name: String, _ parameters: [String: Double] = [:]) -> any Rule {
            try! registry.rule(named: name).rule(RuleSpec(name: name, rho: 0.15, parameters: parameters))
        }
        return [
            (library("gd"), PlainRule(kind: .gd, rho: 0.15)),
            (library("l2-sam"), PlainRule(kind: .l2, rho: 0.15)),
            (library("linf-sam"), PlainRule(kind: .linf, rho: 0.15)),
            (library("usam"), PlainRule(kind: .usam, rho: 0.15)),
            (library("asam", ["asam_eta": 0.05]), PlainRule(kind: .asam(0.05), rho: 0.15)),
            (library("lp-sam", ["p": 3]), PlainRule(kind: .lp(3), rho: 0.15)),
            (GroupedTestRule(rho: 0.15, normalized: true, groupSize: 2), PlainRule(kind: .l2, rho: 0.15, groupSize: 2)),
            (GroupedTestRule(rho: 0.15, normalized: true, groupSize: 1), PlainRule(kind: .l2, rho: 0.15, groupSize: 1)),
            (GroupedTestRule(rho: 0.15, normalized: false, groupSize: 3), PlainRule(kind: .usam, rho: 0.15, groupSize: 3)),
            (GapTestRule(rho: 0.15, alpha: 0.3), PlainRule(kind: .l2, rho: 0.15, gapWeight: 0.3)),
            (library("msam", ["m": 2]), PlainRule(kind: .l2, rho: 0.15, groupSize: 2)),
            (library("msam", ["m": 1, "msam_norm": 1]), PlainRule(kind: .usam, rho: 0.15, groupSize: 1)),
            (library("msam", ["m": 7]), PlainRule(kind: .l2, rho: 0.15)),
            (library("gsam", ["gsam_alpha": 0.3]), PlainRule(kind: .l2, rho: 0.15, gapWeight: 0.3)),
        ]
    }

    static let shapes: [Shape] = [.dense(depth: 2, width: 3), .dense(depth: 3, width: 2), .product(1), .product(2), .product(3), .signed(2)]

    // MARK: - Steps and fields

    /// One step and the flow field of every rule, on every model, with a margin loss and the squared loss, on one
    /// example and on five, against the plain definitions (1e-12 relative: both are exact formulas).
    @Test(arguments: shapes)
    func stepAndFieldMatchThePlainDefinitions(_ shape: Shape) throws {
        for (data, loss) in [(Self.classification, PlainLoss.logistic), (Self.regression, .squared), (Self.single, .exponential)] {
            let model = try Self.model(shape, d: data.dimension, seed: 5)
            let libraryLoss = try Registry.standard.loss(named: loss.rawValue).loss()
            let plain = Plain(shape: shape, points: data.points, labels: data.labels, loss: loss)
            let w = model.initialWeights
            for (rule, reference) in Self.rules() {
                let label = "\(shape) \(loss) n=\(data.count) \(reference)"
                let eta = 0.05
                let kernel = ParameterKernel(rule: rule, model: model, dataset: data, loss: libraryLoss, learningRate: eta)
                var scan = GrowthScan(dimension: data.dimension)
                scan.begin(step: 0)
                #expect(kernel.step(scan: &scan), "\(label): step failed")
                let (direction, meanSlope) = plain.direction(w, reference)
                let expected = zip(w, direction).map { $0 - eta * $1 }
                let increment = zip(kernel.weights, w).map { $0 - $1 }, expectedIncrement = zip(expected, w).map { $0 - $1 }
                #expect(Fixtures.relativeError(increment, expectedIncrement) < 1e-11, "\(label): step off by \(Fixtures.relativeError(increment, expectedIncrement))")
                for rescaled in loss == .squared ? [false] : [false, true] {
                    var v = [Double](repeating: 0, count: w.count)
                    let ok = w.withUnsafeBufferPointer { s in v.withUnsafeMutableBufferPointer { kernel.velocity(at: s, rescaled: rescaled, into: $0) } }
                    #expect(ok)
                    let field = direction.map { -$0 / (rescaled ? meanSlope : 1) }
                    #expect(Fixtures.relativeError(v, field) < 1e-11, "\(label) rescaled=\(rescaled): field off by \(Fixtures.relativeError(v, field))")
                }
            }
        }
    }

    /// Where both paths apply (a diagonal model with a margin loss), the general path takes the lane kernels'
    /// steps: 200 steps of every registered rule agree to 1e-10.
    @Test(arguments: [Shape.product(2), .product(3), .signed(2)])
    func agreesWithTheLaneKernels(_ shape: Shape) throws {
        let data = Self.classification
        let model = try Self.model(shape, d: data.dimension, seed: 9)
        let parameters: [String: [String: Double]] = ["lp-sam": ["p": 3], "msam": ["m": 2], "gsam": ["gsam_alpha": 0.5]]
        for name in ["gd", "l2-sam", "linf-sam", "usam", "asam", "lp-sam", "msam", "gsam"] {
            let rule = try Registry.standard.rule(named: name).rule(RuleSpec(name: name, rho: 0.05, parameters: parameters[name] ?? [:]))
            let lanes = KernelFactory.make(rule: rule, model: model, dataset: data, loss: .logistic, learningRate: 0.1)
            let general = ParameterKernel(rule: rule, model: model, dataset: data, loss: LogisticLoss(), learningRate: 0.1)
            var a = GrowthScan(dimension: data.dimension), b = GrowthScan(dimension: data.dimension)
            for k in 0..<200 {
                a.begin(step: k); b.begin(step: k)
                #expect(lanes.step(scan: &a) && general.step(scan: &b))
                #expect(a.leader == b.leader, "\(shape) \(name): leader at step \(k)")
            }
            #expect(Fixtures.relativeError(general.weights, lanes.weights) < 1e-10, "\(shape) \(name)")
            #expect(a.firstZeroCrossing == b.firstZeroCrossing)
        }
    }

    /// A group or a gradient that vanishes gives eps = 0, never NaN: the squared loss at an exact fit.
    @Test func zeroGradientGivesZeroPerturbation() throws {
        let model = try Self.model(.product(2), d: 3, seed: 2)
        let beta = model.beta(of: model.initialWeights)
        let points = Self.classification.points
        let fitted = try Dataset(points: points, labels: points.map { zip($0, beta).reduce(0) { $0 + $1.0 * $1.1 } }, labelKind: .real)
        for (rule, _) in Self.rules() {
            let kernel = ParameterKernel(rule: rule, model: model, dataset: fitted, loss: SquaredLoss(), learningRate: 0.1)
            var scan = GrowthScan(dimension: 3)
            scan.begin(step: 0)
            #expect(kernel.step(scan: &scan))
            // The residuals are rounding-level, so the step is too.
            #expect(Fixtures.relativeError(kernel.weights, model.initialWeights) < 1e-12)
            let finite = kernel.weights.allSatisfy { $0.isFinite }
            #expect(finite)
        }
    }

    // MARK: - The dense model

    /// beta, the pullback, the pushforward and the pullback's derivative against the explicit products and central
    /// differences of them.
    @Test func denseDerivativesMatchExplicitProducts() throws {
        for (depth, width) in [(2, 3), (3, 2), (4, 3)] {
            let model = try Self.model(.dense(depth: depth, width: width), d: 3, seed: UInt64(depth)) as! DenseNetwork
            let plain = Plain(shape: .dense(depth: depth, width: width), points: [[1, 0, 0]], labels: [1], loss: .squared)
            let w = model.initialWeights
            #expect(Fixtures.relativeError(model.beta(of: w), plain.beta(w)) < 1e-14)
            let g = [0.4, -1.1, 0.7]
            #expect(Fixtures.relativeError(model.pullback(weights: w, betaGradient: g), plain.gradientOfPrediction(w, g)) < 1e-14)
            var rng = SplitMix64(seed: 11)
            let v = w.map { _ in rng.nextNormal() }
            let h = 1e-6
            let plus = plain.beta(zip(w, v).map { $0 + h * $1 }), minus = plain.beta(zip(w, v).map { $0 - h * $1 })
            let jv = zip(plus, minus).map { ($0 - $1) / (2 * h) }
            #expect(Fixtures.relativeError(model.pushforward(weights: w, velocity: v), jv) < 1e-8)
            let gp = plain.gradientOfPrediction(zip(w, v).map { $0 + h * $1 }, g), gm = plain.gradientOfPrediction(zip(w, v).map { $0 - h * $1 }, g)
            let second = zip(gp, gm).map { ($0 - $1) / (2 * h) }
            #expect(Fixtures.relativeError(model.pullbackDerivative(weights: w, betaGradient: g, direction: v), second) < 1e-8)
            // The exact trace of the second-order term is 0 (no weight appears squared): the unit-vector sum agrees.
            var unit = [Double](repeating: 0, count: w.count), trace = 0.0
            for i in 0..<w.count {
                unit[i] = 1
                trace += model.pullbackDerivative(weights: w, betaGradient: g, direction: unit)[i]
                unit[i] = 0
            }
            #expect(trace == 0)
            #expect(model.layerShapes == (0..<depth).map { .matrix(rows: $0 == depth - 1 ? 1 : width, columns: $0 == 0 ? 3 : width) })
        }
    }

    /// The init: i.i.d. N(0, alpha^2) from the seed, the same for the same seed, another for another.
    @Test func denseInitIsSeededGaussian() throws {
        let spec = ModelSpec(name: "dense", depth: 3, alpha: [0.5], width: 20, seed: 3)
        let a = try DenseNetwork(spec: spec, dimension: 10), b = try DenseNetwork(spec: spec, dimension: 10)
        #expect(a.initialWeights == b.initialWeights)
        var other = spec
        other.seed = 4
        let c = try DenseNetwork(spec: other, dimension: 10)
        #expect(c.initialWeights != a.initialWeights)
        let w = a.initialWeights
        #expect(w.count == 20 * 10 + 20 * 20 + 20)
        let mean = w.reduce(0, +) / Double(w.count)
        let sd = (w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(w.count)).squareRoot()
        // 620 draws: the sample sd is within 10% of 0.5 and the mean within 4 standard errors of 0.
        #expect(abs(sd - 0.5) < 0.05 && abs(mean) < 4 * 0.5 / Double(w.count).squareRoot(), "sd \(sd), mean \(mean)")
    }

    @Test func denseSpecErrors() throws {
        func error(_ spec: ModelSpec) -> String? {
            do { _ = try DenseNetwork(spec: spec, dimension: 3); try spec.validate(); return nil } catch { return error.description }
        }
        #expect(error(ModelSpec(name: "dense", depth: 1, width: 3))?.contains("at least 2") == true)
        #expect(error(ModelSpec(name: "dense", depth: 2, alpha: [1, 2, 3], width: 3))?.contains("one number") == true)
        #expect(error(ModelSpec(name: "dense", depth: 2))?.contains("width") == true)
        #expect(error(ModelSpec(name: "dense", depth: 2, width: 0)) != nil)
        #expect(throws: SpecError.self) { try ModelSpec(name: "product", width: 3).validate() }
        #expect(throws: SpecError.self) { try ModelSpec(name: "product", seed: 3).validate() }
    }

    // MARK: - The squared loss

    @Test func squaredLossValuesSlopesAndCurvatures() throws {
        let p = [0.5, -2.0, 3.25], y = [1.0, -2.0, 0.25]
        let loss = SquaredLoss()
        let expected = (0.25 + 0 + 9) / 2 / 3
        #expect(abs(exp(loss.logMeanValue(predictions: p, labels: y)) - expected) < 1e-15 * expected)
        var r = [Double](repeating: 0, count: 3), c = r
        let s = p.withUnsafeBufferPointer { pb in r.withUnsafeMutableBufferPointer { loss.slopes(predictions: pb, labels: y, into: $0) } }
        p.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { loss.curvatures(predictions: pb, labels: y, logScale: s, into: $0) } }
        #expect(zip(r, [-0.5, 0, 3]).allSatisfy { abs(exp(s) * $0 - $1) < 1e-15 })
        #expect(c.allSatisfy { abs(exp(s) * $0 - 1) < 1e-15 })
        #expect(loss.logMeanValue(predictions: y, labels: y) == -.infinity)
        #expect(SquaredLoss.meanSquaredError(predictions: p, labels: y) == 2 * expected)
    }

    /// A regression run reports mse (twice the loss) and no margin, in the summary and the trajectory.
    @Test func regressionRunsReportMSEAndNoMargin() throws {
        let data = DataSource.csv(path: "r.csv", embedded: EmbeddedData(points: Self.regression.points, labels: Self.regression.labels))
        var spec = RunSpec.discrete(data: data, optimizer: .l2SAM, steps: 50, record: .every(10))
        spec.loss = "squared"
        let runner = try DiscreteRunner(spec: spec, dataset: try data.load(labels: .real))
        runner.run()
        let result = runner.result
        let summary = RunSummary(result)
        let mse = try #require(summary.mse)
        #expect(abs(mse - 2 * exp(summary.logLoss)) < 1e-13 * mse)
        let json = String(decoding: try JSONOutput.encode(summary), as: UTF8.self)
        #expect(json.contains("\"margin\" : null") && json.contains("\"normalized_margin\" : null") && json.contains("\"mse\""))
        let csv = TrajectoryCSV.render(result.rows, clock: .step, dimension: 3)
        #expect(csv.hasPrefix("step,loss,log_loss,mse,margin,norm"))
        let back = try TrajectoryCSV.parse(csv, source: "t.csv").rows
        #expect(back.map(\.mse) == result.rows.map(\.mse))
        let decoded = try JSONDecoder().decode(RunSummary.self, from: try JSONOutput.encode(summary))
        #expect(decoded.mse == summary.mse && decoded.margin.isNaN)
    }

    @Test func rescaledFlowWithTheSquaredLossIsRefused() throws {
        var spec = RunSpec(loss: "squared", dynamics: .flow(FlowSettings(time: 1, rescaled: true)))
        #expect(throws: SpecError.self) { try spec.validate() }
        spec.dynamics = .flow(FlowSettings(time: 1, rescaled: false))
        try spec.validate()
    }

    // MARK: - Sharpness on the general path

    /// The general Hessian oracle against central differences of the plain gradient: dense and diagonal models,
    /// margin and squared losses; lambda_max and the trace from the dense matrix's Jacobi eigenvalues.
    @Test(arguments: [Shape.dense(depth: 2, width: 3), .dense(depth: 3, width: 2), .product(2), .signed(2)])
    func generalHessianMatchesFiniteDifferences(_ shape: Shape) throws {
        for (data, loss) in [(Self.classification, PlainLoss.logistic), (Self.regression, .squared), (Self.single, .exponential)] {
            let model = try Self.model(shape, d: 3, seed: 7)
            let plain = Plain(shape: shape, points: data.points, labels: data.labels, loss: loss)
            let w = model.initialWeights, p = w.count
            let fd = SharpnessTests.finiteDifferenceHessian(of: { plain.gradient($0, examples: 0..<data.count).g }, at: w)
            let libraryLoss = try Registry.standard.loss(named: loss.rawValue).loss()
            let oracle = try ParameterHessian(model: model, loss: libraryLoss, dataset: data, weights: w)
            let dense = SharpnessTests.denseHessian(oracle)
            let scale = SharpnessTests.largestEntry(fd)
            let error = zip(dense.flatMap { $0 }, fd.flatMap { $0 }).map { abs($0 - $1) }.max()! / scale
            let label = "\(shape) \(loss) n=\(data.count)"
            #expect(error < 1e-6, "\(label): entries off by \(error)")
            let eigenvalues = SharpnessTests.jacobiEigenvalues(fd)
            let record = SharpnessProbe(model: model, loss: libraryLoss, dataset: data).measure(w)
            let lambda = try #require(record.lambdaMax, "\(label): \(record.failure ?? "")")
            let spectral = eigenvalues.map(abs).max()!
            #expect(abs(lambda - eigenvalues.last!) <= 1e-6 * spectral, "\(label): lambda_max \(lambda) vs \(eigenvalues.last!)")
            let trace = (0..<p).reduce(0) { $0 + fd[$1][$1] }
            #expect(abs(try #require(record.hessianTrace) - trace) <= 1e-6 * spectral, "\(label): trace")
            let gradientNorm = plain.gradient(w, examples: 0..<data.count).g.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(exp(oracle.logGradientNorm) - gradientNorm) <= 1e-12 * gradientNorm)
        }
    }
}
