import Foundation
import Testing
@testable import SAMCore

/// ASAM and lp-SAM written out from their definitions, independently of the rules' lanes and kernels: plain loops
/// over one vector of all parameters, `pow`, and the lp maximizer in the form rho sign(g) (|g| / ||g||_q)^(q-1).
enum PlainRules {
    /// ASAM (Kwon et al. 2021): T = diag(|w| + eta), eps = rho T^2 g / ||T g||_2, 0 when T g = 0.
    static func asam(weights w: [Double], gradient g: [Double], rho: Double, eta: Double) -> [Double] {
        let t = w.map { abs($0) + eta }
        var norm = 0.0
        for k in g.indices { norm += (t[k] * g[k]) * (t[k] * g[k]) }
        norm = norm.squareRoot()
        return g.indices.map { norm > 0 ? rho * t[$0] * t[$0] * g[$0] / norm : 0 }
    }

    /// argmax of <g, eps> over ||eps||_p <= rho; p = 1: rho sign(g_k) at the first largest |g_k|; 0 when g = 0.
    static func lp(gradient g: [Double], rho: Double, p: Double) -> [Double] {
        func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }
        guard g.contains(where: { $0 != 0 }) else { return g.map { _ in 0 } }
        if p == .infinity { return g.map { rho * sign($0) } }
        if p == 1 {
            var k = 0
            for i in g.indices where abs(g[i]) > abs(g[k]) { k = i }
            return g.indices.map { $0 == k ? rho * sign(g[k]) : 0 }
        }
        let q = p / (p - 1)
        let norm = pow(g.reduce(0) { $0 + pow(abs($1), q) }, 1 / q)
        return g.map { rho * sign($0) * pow(abs($0) / norm, q - 1) }
    }
}

/// A new rule of this suite: a name for the test log, the rule's spec and its plain eps.
struct NewRuleCase: CustomTestStringConvertible, Sendable {
    var name: String
    var parameters: [String: Double]
    var testDescription: String { name }

    static let rho = 0.2

    var spec: RuleSpec {
        RuleSpec(name: name.hasPrefix("asam") ? AdaptiveSAM.name : LpSAM.name, rho: Self.rho, parameters: parameters)
    }

    var rule: any Rule { try! Registry.standard.rule(named: spec.name).rule(spec) }

    func epsilon(weights w: [Double], gradient g: [Double]) -> [Double] {
        if let eta = parameters["asam_eta"] { return PlainRules.asam(weights: w, gradient: g, rho: Self.rho, eta: eta) }
        return PlainRules.lp(gradient: g, rho: Self.rho, p: parameters["p"]!)
    }

    static let all: [NewRuleCase] = [
        NewRuleCase(name: "asam eta=0.01", parameters: ["asam_eta": 0.01]),
        NewRuleCase(name: "asam eta=0", parameters: ["asam_eta": 0]),
        NewRuleCase(name: "asam eta=0.3", parameters: ["asam_eta": 0.3]),
        NewRuleCase(name: "lp p=1", parameters: ["p": 1]),
        NewRuleCase(name: "lp p=1.5", parameters: ["p": 1.5]),
        NewRuleCase(name: "lp p=2", parameters: ["p": 2]),
        NewRuleCase(name: "lp p=2.5", parameters: ["p": 2.5]),
        NewRuleCase(name: "lp p=3", parameters: ["p": 3]),
        NewRuleCase(name: "lp p=7", parameters: ["p": 7]),
        NewRuleCase(name: "lp p=inf", parameters: ["p": .infinity]),
    ]
}

/// ASAM and lp-SAM (THEORY.md §4.15): the rules' eps, both kernels' steps and the flow field against the plain
/// definitions, on D_mu and on three examples, depth 1-3, both parametrizations; lp's reductions to l2-SAM (p = 2)
/// and l_inf-SAM (p = inf); p = 1's tie rule; zero gradients.
@Suite struct AdaptiveAndLpRuleTests {
    static let models: [(Parametrization, Int)] = Parametrization.allCases.flatMap { p in [1, 2, 3].map { (p, $0) } }
    static let cases: [(NewRuleCase, Parametrization, Int)] = NewRuleCase.all.flatMap { c in models.map { (c, $0.0, $0.1) } }

    /// The plain step w - eta grad L(w + eps(w)) of the reference model.
    static func plainStep(_ reference: ReferenceModel, _ w: [Double], _ rule: NewRuleCase, eta: Double) -> [Double] {
        let eps = rule.epsilon(weights: w, gradient: reference.gradient(w))
        let perturbed = reference.gradient(zip(w, eps).map { $0 + $1 })
        return zip(w, perturbed).map { $0 - eta * $1 }
    }

    @Test(arguments: cases)
    func stepsMatchThePlainDefinition(_ rule: NewRuleCase, _ p: Parametrization, _ depth: Int) throws {
        let single = try Dataset.singleExample(mu: [0.7, 1.1, 1.9, 0.4, 1.3])
        for (data, general) in [(Fixtures.threePoints, true), (single, false), (single, true)] {
            let network = try Fixtures.network(p, depth: depth, d: data.dimension, seed: 11)
            let reference = ReferenceModel(parametrization: p, depth: depth, points: data.points, labels: data.labels, loss: .logistic)
            let (weights, w) = Fixtures.stepsSideBySide(rule.rule, network, data, general: general, eta: 0.05, steps: 25) {
                Self.plainStep(reference, $0, rule, eta: 0.05)
            }
            let error = Fixtures.relativeError(weights, w)
            #expect(error < 1e-12, "\(rule.name) \(p) L=\(depth) n=\(data.count) general=\(general): \(error)")
        }
    }

    /// The flow's field -grad L(w + eps(w)), and the rescaled one divided by the mean |l'| at the perturbed point.
    @Test(arguments: cases.filter { $0.0.parameters["p"] != 1 })
    func flowFieldMatchesThePlainDefinition(_ rule: NewRuleCase, _ p: Parametrization, _ depth: Int) throws {
        for data in [Fixtures.threePoints, try Dataset.singleExample(mu: [0.7, 1.1, 1.9])] {
            let network = try Fixtures.network(p, depth: depth, d: data.dimension, seed: 5)
            let kernel = KernelFactory.makeGeneral(rule: rule.rule, model: network, dataset: data, loss: Loss.logistic.margin)
            let reference = ReferenceModel(parametrization: p, depth: depth, points: data.points, labels: data.labels, loss: .logistic)
            let w = network.initialWeights
            let perturbed = zip(w, rule.epsilon(weights: w, gradient: reference.gradient(w))).map { $0 + $1 }
            let field = reference.gradient(perturbed).map { -$0 }
            let beta = reference.beta(perturbed)
            let meanSlope = zip(data.points, data.labels).reduce(0.0) { total, example in
                let z = example.1 * zip(beta, example.0).reduce(0) { $0 + $1.0 * $1.1 }
                return total + 1 / (1 + exp(z))
            } / Double(data.count)
            for rescaled in [false, true] {
                var out = [Double](repeating: 0, count: w.count)
                let ok = w.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { kernel.velocity(at: s, rescaled: rescaled, into: $0) } }
                #expect(ok)
                let expected = rescaled ? field.map { $0 / meanSlope } : field
                let error = Fixtures.relativeError(out, expected)
                #expect(error < 1e-12, "\(rule.name) \(p) L=\(depth) n=\(data.count) rescaled=\(rescaled): \(error)")
            }
        }
    }

    /// lp-SAM at p = 2 is l2-SAM and at p = inf l_inf-SAM: 100 steps of both kernels and the flow field agree to
    /// 1e-14 (they share the arithmetic, so in fact bit for bit).
    @Test(arguments: models)
    func lpReducesToL2AndLInf(_ p: Parametrization, _ depth: Int) throws {
        let single = try Dataset.singleExample(mu: [0.7, 1.1, 1.9, 0.4, 1.3])
        for (exponent, other) in [(2.0, L2SAM.name), (Double.infinity, LInfSAM.name)] {
            let lp = try Registry.standard.rule(named: LpSAM.name).rule(RuleSpec(name: LpSAM.name, rho: 0.2, parameters: ["p": exponent]))
            let known = try Registry.standard.rule(named: other).rule(RuleSpec(name: other, rho: 0.2))
            for (data, general) in [(Fixtures.threePoints, true), (single, false), (single, true)] {
                let network = try Fixtures.network(p, depth: depth, d: data.dimension, seed: 3)
                let kernels = Fixtures.sideBySide(lp, known, network, data, general: general)
                let place = "p = \(exponent) \(p) L=\(depth) n=\(data.count) general=\(general)"
                #expect(Fixtures.relativeError(kernels[0].weights, kernels[1].weights) <= 1e-14, "\(place)")
                let betas = try kernels.map { try #require($0.observe(includeBeta: true).beta) }
                #expect(Fixtures.relativeError(betas[0], betas[1]) <= 1e-14, "\(place)")
                #expect(kernels[0].weights == kernels[1].weights, "\(place): not bit for bit")
            }
            let network = try Fixtures.network(p, depth: depth, d: 3, seed: 4)
            let fields = [lp, known].map { rule in
                let kernel = KernelFactory.makeGeneral(rule: rule, model: network, dataset: Fixtures.threePoints, loss: Loss.logistic.margin)
                var out = [Double](repeating: 0, count: network.initialWeights.count)
                _ = network.initialWeights.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { kernel.velocity(at: s, rescaled: true, into: $0) } }
                return out
            }
            #expect(fields[0] == fields[1], "field, p = \(exponent) \(p) L=\(depth)")
        }
    }

    /// The general form's own arithmetic (|g|^(q-1) by pow, rho / S^(1/p)) at p = 2 is l2-SAM's, so the form that
    /// serves every other p reduces too: 100 steps of both kernels agree to 1e-13.
    @Test(arguments: models)
    func generalFormAtTwoIsL2(_ p: Parametrization, _ depth: Int) throws {
        let single = try Dataset.singleExample(mu: [0.7, 1.1, 1.9, 0.4, 1.3])
        for (data, general) in [(Fixtures.threePoints, true), (single, false)] {
            let network = try Fixtures.network(p, depth: depth, d: data.dimension, seed: 3)
            let kernels = [LpSAMForm<PowerMagnitude>(rho: 0.2, p: 2, exponent: 1) as any Rule, L2SAM(rho: 0.2)].map {
                KernelFactory.make(rule: $0, model: network, dataset: data, loss: Loss.logistic.margin, learningRate: 0.1, forceGeneral: general)
            }
            var scan = GrowthScan(dimension: data.dimension)
            for _ in 0..<100 { for k in kernels { #expect(k.step(scan: &scan)) } }
            let error = Fixtures.relativeError(kernels[0].weights, kernels[1].weights)
            #expect(error <= 1e-13, "\(p) L=\(depth) n=\(data.count): \(error)")
        }
    }

    /// p = 1: rho sign(g_k) on the largest |g_k|, ties to the first in parameter order (here across lanes and layers).
    @Test func lpOneTakesTheFirstLargestComponent() throws {
        let rule = LpSAM(rho: 0.5, p: 1)
        let w = [Double](repeating: 0.3, count: 10)
        var g = [1.0, -3, 2, 0, 0.5, 3, -3, 1, 0, 2]
        #expect(rule.epsilon(weights: w, gradientDirection: g, logScale: -900) == [0, -0.5, 0, 0, 0, 0, 0, 0, 0, 0])
        g[1] = 2.5
        #expect(rule.epsilon(weights: w, gradientDirection: g, logScale: 0) == [0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0])
        #expect(PlainRules.lp(gradient: g, rho: 0.5, p: 1) == rule.epsilon(weights: w, gradientDirection: g, logScale: 0))
        // A balanced network on mu = (1, 1): every |g_k| is equal, so w_1 of layer 1, coordinate 1, moves alone.
        for p in Parametrization.allCases {
            for general in [false, true] {
                let network = try Fixtures.network(p, depth: 2, alpha: [0.5], d: 2)
                let data = try Dataset.singleExample(mu: [1, 1])
                let kernel = KernelFactory.make(rule: LpSAM(rho: NewRuleCase.rho, p: 1), model: network, dataset: data,
                                                loss: Loss.logistic.margin, learningRate: 0.1, forceGeneral: general)
                let reference = ReferenceModel(parametrization: p, depth: 2, points: data.points, labels: data.labels, loss: .logistic)
                let g0 = reference.gradient(network.initialWeights)
                #expect(PlainRules.lp(gradient: g0, rho: 1, p: 1).firstIndex { $0 != 0 } == 0, "\(p)")
                var w = network.initialWeights
                var scan = GrowthScan(dimension: 2)
                for _ in 0..<10 {
                    #expect(kernel.step(scan: &scan))
                    w = Self.plainStep(reference, w, NewRuleCase(name: "lp p=1", parameters: ["p": 1]), eta: 0.1)
                }
                #expect(Fixtures.relativeError(kernel.weights, w) < 1e-13, "\(p) general=\(general)")
            }
        }
    }

    /// The formula is the maximizer: ||eps||_p = rho and <g, eps> = rho ||g||_q, and no other point of the sphere
    /// does better (sampled).
    @Test func lpIsTheMaximizerOnTheSphere() throws {
        let g = [0.3, -1.2, 0.7, 0.05, -0.4]
        var rng = SplitMix64(seed: 9)
        for p in [1.0, 1.5, 2, 3, 7, .infinity] {
            let eps = try #require(LpSAM(rho: 0.8, p: p).epsilon(weights: g, gradientDirection: g, logScale: 3))
            #expect(Fixtures.relativeError(eps, PlainRules.lp(gradient: g, rho: 0.8, p: p)) < 1e-14, "p = \(p)")
            func norm(_ v: [Double], _ r: Double) -> Double {
                r == .infinity ? v.map(abs).max()! : pow(v.reduce(0) { $0 + pow(abs($1), r) }, 1 / r)
            }
            #expect(abs(norm(eps, p) - 0.8) < 1e-14, "p = \(p)")
            let q = p == 1 ? Double.infinity : (p == .infinity ? 1 : p / (p - 1))
            let value = zip(g, eps).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(value - 0.8 * norm(g, q)) < 1e-14, "p = \(p)")
            for _ in 0..<200 {
                let v = g.map { _ in rng.nextNormal() }
                let scaled = v.map { 0.8 * $0 / norm(v, p) }
                #expect(zip(g, scaled).reduce(0) { $0 + $1.0 * $1.1 } <= value + 1e-12, "p = \(p)")
            }
        }
    }

    /// A zero gradient gives eps = 0, never NaN; so does ASAM with eta = 0 at w = 0 (T g = 0). At w = 0 (depth 2)
    /// the kernels take a step that stays at 0.
    @Test func degenerateGradientsGiveZeroPerturbation() throws {
        let zero = [Double](repeating: 0, count: 6)
        for rule in NewRuleCase.all.map(\.rule) {
            #expect(rule.epsilon(weights: [0.5, -1, 2, 0, 0.1, 3], gradientDirection: zero, logScale: 0) == zero, "\(rule)")
            for general in [false, true] {
                let network = try Fixtures.network(.product, depth: 2, alpha: [0], d: 2)
                let kernel = KernelFactory.make(rule: rule, model: network, dataset: try .singleExample(mu: [1, 2]), loss: Loss.logistic.margin,
                                                learningRate: 0.1, forceGeneral: general)
                var scan = GrowthScan(dimension: 2)
                #expect(kernel.step(scan: &scan))
                #expect(kernel.weights == [0, 0, 0, 0], "\(rule) general=\(general)")
            }
        }
        let asam0 = AdaptiveSAM(rho: 1, eta: 0)
        #expect(asam0.epsilon(weights: zero, gradientDirection: [1, 2, 3, 4, 5, 6], logScale: 0) == zero)
        // Depth 1 at w = 0: the gradient is -mu, T = 0, so ASAM with eta = 0 is GD there.
        let network = try Fixtures.network(.product, depth: 1, alpha: [0], d: 2)
        for general in [false, true] {
            let kernel = KernelFactory.make(rule: asam0, model: network, dataset: try .singleExample(mu: [1, 2]), loss: Loss.logistic.margin,
                                            learningRate: 0.1, forceGeneral: general)
            var scan = GrowthScan(dimension: 2)
            #expect(kernel.step(scan: &scan))
            #expect(Fixtures.relativeError(kernel.weights, [0.05, 0.1]) < 1e-15, "general=\(general): \(kernel.weights)")
        }
    }

    /// The spec keys: `asam_eta` >= 0, `p` in [1, inf] with inf spelt "inf" (read and written), non-numbers refused,
    /// and a flow of lp-sam at p = 1 refused.
    @Test func specKeysAndTheirDomains() throws {
        func spec(_ json: String, clock: Clock? = .step) throws -> RunSpec { try RunSpec(jsonData: Data(json.utf8), clock: clock) }
        let inf = try spec(#"{"optimizer": "lp-sam", "p": "inf"}"#)
        #expect(inf.rule.parameters["p"] == .infinity)
        let written = String(decoding: try inf.jsonData(), as: UTF8.self)
        #expect(written.contains(#""p" : "inf""#), "\(written)")
        #expect(try RunSpec(jsonData: try inf.jsonData(), clock: .step) == inf)
        // Defaults are written too, so that a summary's config repeats the run.
        let defaults = String(decoding: try spec(#"{"optimizer": "asam"}"#).jsonData(), as: UTF8.self)
        #expect(defaults.contains(#""asam_eta" : 0.01"#), "\(defaults)")
        #expect(errorMessage { _ = try spec(#"{"optimizer": "lp-sam", "p": "two"}"#) } == #"wrong type at 'p' (expected a number or "inf")"#)
        #expect(errorMessage { _ = try spec(#"{"optimizer": "asam", "asam_eta": "inf"}"#) } == "wrong type at 'asam_eta' (expected a number)")
        #expect(errorMessage { try spec(#"{"optimizer": "lp-sam", "p": 0.5}"#).validate() } == "p must be at least 1.0 (got 0.5)")
        #expect(errorMessage { try spec(#"{"optimizer": "asam", "asam_eta": -0.1}"#).validate() } == "asam_eta must be non-negative (got -0.1)")
        #expect(errorMessage { try spec(#"{"optimizer": "l2-sam", "p": 3}"#).validate() } == "p is a parameter of lp-sam, not of l2-sam")
        #expect(errorMessage { try spec(#"{"optimizer": "lp-sam", "p": 1.5}"#).validate() } == "")
        #expect(errorMessage { try spec(#"{"optimizer": "lp-sam", "p": "inf", "time": 1}"#, clock: .time).validate() } == "")
        let refused = errorMessage { try spec(#"{"optimizer": "lp-sam", "p": 1, "time": 1}"#, clock: .time).validate() }
        #expect(refused.hasPrefix("optimizer lp-sam with p = 1 puts eps on a single component"), "\(refused)")
        #expect(errorMessage { try spec(#"{"optimizer": "lp-sam", "p": 1}"#).validate() } == "")
        // The parameter's domain, as the registry states it.
        let p = try #require(Registry.standard.rule(named: LpSAM.name).parameters.first)
        #expect(p.admitsInfinity && p.minimum == 1 && p.minimumIncluded)
        #expect(throws: SpecError.self) { try p.validate(.nan) }
        #expect(throws: SpecError.self) { try p.validate(-.infinity) }
        try p.validate(.infinity)
    }
}
