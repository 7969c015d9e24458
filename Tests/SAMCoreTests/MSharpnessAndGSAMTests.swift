import Foundation
import Testing
@testable import SAMCore

/// m-sharpness SAM and GSAM written out from their definitions, independently of the rules' lanes and kernels: the
/// plain `ReferenceModel` of each group of examples (its mean loss and gradient), plain loops over one vector of all
/// parameters.
struct PlainCombinedRule: CustomTestStringConvertible, Sendable {
    enum Kind: Sendable { case msam(m: Int, normalized: Bool), gsam(alpha: Double) }
    var kind: Kind
    static let rho = 0.2

    var testDescription: String {
        switch kind {
        case .msam(let m, let normalized): "msam m=\(m) \(normalized ? "l2" : "none")"
        case .gsam(let alpha): "gsam alpha=\(alpha)"
        }
    }

    var spec: RuleSpec {
        switch kind {
        case .msam(let m, let normalized):
            RuleSpec(name: MSharpnessSAM.name, rho: Self.rho, parameters: ["m": Double(m), "msam_norm": normalized ? 0 : 1])
        case .gsam(let alpha): RuleSpec(name: SurrogateGapSAM.name, rho: Self.rho, parameters: ["gsam_alpha": alpha])
        }
    }

    var rule: any Rule { try! Registry.standard.rule(named: spec.name).rule(spec) }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    /// The examples of `reference` from `range` (their mean loss is L_b).
    static func group(_ reference: ReferenceModel, _ range: Range<Int>) -> ReferenceModel {
        var r = reference
        r.points = Array(reference.points[range])
        r.labels = Array(reference.labels[range])
        return r
    }

    /// The step direction and the examples' |l'| at the points where its gradients are taken (logistic loss).
    func direction(_ reference: ReferenceModel, _ w: [Double]) -> (direction: [Double], slopes: [Double]) {
        let n = reference.points.count
        func slopes(_ r: ReferenceModel, at v: [Double]) -> [Double] {
            let beta = r.beta(v)
            return zip(r.points, r.labels).map { x, y in 1 / (1 + exp(y * Self.dot(beta, x))) }
        }
        switch kind {
        case .msam(let m, let normalized):
            var total = [Double](repeating: 0, count: w.count), all: [Double] = []
            for start in stride(from: 0, to: n, by: m) {
                let group = Self.group(reference, start..<min(start + m, n))
                let g = group.gradient(w)
                let norm = Self.dot(g, g).squareRoot()
                let eps = g.map { normalized ? (norm > 0 ? Self.rho * $0 / norm : 0) : Self.rho * $0 }
                let moved = zip(w, eps).map { $0 + $1 }
                let gp = group.gradient(moved)
                let share = Double(group.points.count) / Double(n)
                for k in total.indices { total[k] += share * gp[k] }
                all += slopes(group, at: moved)
            }
            return (total, all)
        case .gsam(let alpha):
            let g = reference.gradient(w)
            let norm = Self.dot(g, g).squareRoot()
            let moved = zip(w, g).map { $0 + (norm > 0 ? Self.rho * $1 / norm : 0) }
            let gp = reference.gradient(moved)
            let gpNorm2 = Self.dot(gp, gp)
            let perp = gpNorm2 > 0 ? zip(g, gp).map { $0 - Self.dot(g, gp) / gpNorm2 * $1 } : g
            return (zip(gp, perp).map { $0 - alpha * $1 }, slopes(reference, at: moved))
        }
    }

    static let all: [PlainCombinedRule] = [1, 2, 3].flatMap { m in [true, false].map { PlainCombinedRule(kind: .msam(m: m, normalized: $0)) } }
        + [0.1, 0.5].map { PlainCombinedRule(kind: .gsam(alpha: $0)) }
}

/// msam and gsam (THEORY.md §4.16): both kernels' steps and the flow field (plain and rescaled) against the plain
/// definitions, on five examples and on D_mu, depth 1-3, both parametrizations; the reductions to l2-SAM and usam
/// bit for bit; degenerate gradients; the spec keys.
@Suite struct MSharpnessAndGSAMTests {
    static let models: [(Parametrization, Int)] = Parametrization.allCases.flatMap { p in [1, 2, 3].map { (p, $0) } }
    static let cases: [(PlainCombinedRule, Parametrization, Int)] = PlainCombinedRule.all.flatMap { c in models.map { (c, $0.0, $0.1) } }

    static let fivePoints = try! Dataset(points: [[1.0, 0.5, -0.2], [0.3, 1.2, 0.4], [-0.8, -0.1, -0.9], [0.6, -0.3, 1.1], [-0.2, -1.0, 0.3]],
                                         labels: [1, 1, -1, 1, -1])
    static let single = try! Dataset.singleExample(mu: [0.7, 1.1, 1.9, 0.4, 1.3])

    @Test(arguments: cases)
    func stepsMatchThePlainDefinition(_ rule: PlainCombinedRule, _ p: Parametrization, _ depth: Int) throws {
        for (data, general) in [(Self.fivePoints, true), (Self.single, false), (Self.single, true)] {
            let network = try Fixtures.network(p, depth: depth, d: data.dimension, seed: 13)
            let reference = ReferenceModel(parametrization: p, depth: depth, points: data.points, labels: data.labels, loss: .logistic)
            let (weights, w) = Fixtures.stepsSideBySide(rule.rule, network, data, general: general, eta: 0.05, steps: 25) { w in
                zip(w, rule.direction(reference, w).direction).map { $0 - 0.05 * $1 }
            }
            let error = Fixtures.relativeError(weights, w)
            #expect(error < 1e-12, "\(rule.testDescription) \(p) L=\(depth) n=\(data.count) general=\(general): \(error)")
        }
    }

    /// The field -(step direction), and rescaled, divided by the mean |l'| over the examples at the perturbed points
    /// where the step's gradients are taken.
    @Test(arguments: cases)
    func flowFieldMatchesThePlainDefinition(_ rule: PlainCombinedRule, _ p: Parametrization, _ depth: Int) throws {
        for data in [Self.fivePoints, Self.single] {
            let network = try Fixtures.network(p, depth: depth, d: data.dimension, seed: 6)
            let kernel = KernelFactory.makeGeneral(rule: rule.rule, model: network, dataset: data, loss: Loss.logistic.margin)
            let reference = ReferenceModel(parametrization: p, depth: depth, points: data.points, labels: data.labels, loss: .logistic)
            let w = network.initialWeights
            let (direction, slopes) = rule.direction(reference, w)
            let meanSlope = slopes.reduce(0, +) / Double(slopes.count)
            for rescaled in [false, true] {
                var out = [Double](repeating: 0, count: w.count)
                let ok = w.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { kernel.velocity(at: s, rescaled: rescaled, into: $0) } }
                #expect(ok)
                let expected = direction.map { -$0 / (rescaled ? meanSlope : 1) }
                let error = Fixtures.relativeError(out, expected)
                #expect(error < 1e-12, "\(rule.testDescription) \(p) L=\(depth) n=\(data.count) rescaled=\(rescaled): \(error)")
                // d beta / dt is the chain rule of that field.
                let betaVelocity = out.withUnsafeBufferPointer { kernel.betaVelocity($0) }
                let h = 1e-6
                let ahead = reference.beta(zip(w, expected).map { $0 + h * $1 }), behind = reference.beta(zip(w, expected).map { $0 - h * $1 })
                let difference = zip(ahead, behind).map { ($0 - $1) / (2 * h) }
                #expect(Fixtures.relativeError(betaVelocity, difference) < 1e-6, "\(rule.testDescription) \(p) L=\(depth)")
            }
        }
    }

    /// msam with m >= n (or "n") is l2-SAM, and with norm none usam; gsam with alpha = 0 is l2-SAM: 100 steps of both
    /// kernels and the flow field (plain and rescaled) agree bit for bit (so within 1e-14).
    @Test(arguments: models)
    func reductionsAreBitForBit(_ p: Parametrization, _ depth: Int) throws {
        func rule(_ name: String, _ parameters: [String: Double] = [:]) throws -> any Rule {
            try Registry.standard.rule(named: name).rule(RuleSpec(name: name, rho: 0.2, parameters: parameters))
        }
        let pairs: [(any Rule, any Rule, String)] = [
            (try rule("msam", ["m": 5]), try rule("l2-sam"), "m = 5"),
            (try rule("msam", ["m": 8]), try rule("l2-sam"), "m = 8"),
            (try rule("msam"), try rule("l2-sam"), "m = n"),
            (try rule("msam", ["m": 5, "msam_norm": 1]), try rule("usam"), "m = 5, none"),
            (try rule("msam", ["msam_norm": 1]), try rule("usam"), "m = n, none"),
            (try rule("gsam", ["gsam_alpha": 0]), try rule("l2-sam"), "alpha = 0"),
            // One example: every m is one group.
            (try rule("msam", ["m": 1]), try rule("l2-sam"), "m = 1"),
        ]
        for (candidate, known, name) in pairs {
            for (data, general) in [(Self.fivePoints, true), (Self.single, false), (Self.single, true)] where name != "m = 1" || data.count == 1 {
                let network = try Fixtures.network(p, depth: depth, d: data.dimension, seed: 3)
                let kernels = Fixtures.sideBySide(candidate, known, network, data, general: general)
                let place = "\(name) \(p) L=\(depth) n=\(data.count) general=\(general)"
                #expect(Fixtures.relativeError(kernels[0].weights, kernels[1].weights) <= 1e-14, "\(place)")
                #expect(kernels[0].weights == kernels[1].weights, "\(place): not bit for bit")
            }
            let network = try Fixtures.network(p, depth: depth, d: 3, seed: 4)
            for rescaled in [false, true] where name != "m = 1" {
                let fields = [candidate, known].map { rule in
                    let kernel = KernelFactory.makeGeneral(rule: rule, model: network, dataset: Self.fivePoints, loss: Loss.logistic.margin)
                    var out = [Double](repeating: 0, count: network.initialWeights.count)
                    _ = network.initialWeights.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { kernel.velocity(at: s, rescaled: rescaled, into: $0) } }
                    return out
                }
                #expect(fields[0] == fields[1], "field, \(name) \(p) L=\(depth) rescaled=\(rescaled)")
            }
        }
    }

    /// THEORY.md §4.16: at depth 1 on one example g and g_p are parallel (both along a = y x), so g_perp = 0 and GSAM
    /// is l2-SAM, to rounding; at depth 2 it is not.
    @Test func gsamOnOneExampleAtDepthOneIsL2() throws {
        for p in Parametrization.allCases {
            for (depth, same) in [(1, true), (2, false)] {
                for general in [false, true] {
                    let network = try Fixtures.network(p, depth: depth, d: 5, seed: 8)
                    let kernels = [SurrogateGapSAM(rho: 0.3, alpha: 0.5) as any Rule, L2SAM(rho: 0.3)].map {
                        KernelFactory.make(rule: $0, model: network, dataset: Self.single, loss: Loss.logistic.margin, learningRate: 0.1,
                                           forceGeneral: general)
                    }
                    var scan = GrowthScan(dimension: 5)
                    for _ in 0..<50 { for k in kernels { #expect(k.step(scan: &scan)) } }
                    let error = Fixtures.relativeError(kernels[0].weights, kernels[1].weights)
                    #expect(same ? error < 1e-12 : error > 1e-6, "\(p) L=\(depth) general=\(general): \(error)")
                }
            }
        }
    }

    /// Zero gradients give eps = 0 and finite steps: at w = 0 (depth 2) every rule stays at 0; a group of examples at
    /// the origin has g_b = 0; and where g_p = 0 exactly, GSAM's g_perp is g (w <- w + eta alpha g).
    @Test func degenerateGradientsStayFinite() throws {
        for rule in PlainCombinedRule.all {
            for (data, general) in [(Self.fivePoints, true), (Self.single, false), (Self.single, true)] {
                let network = try Fixtures.network(.product, depth: 2, alpha: [0], d: data.dimension)
                let kernel = KernelFactory.make(rule: rule.rule, model: network, dataset: data, loss: Loss.logistic.margin,
                                                learningRate: 0.1, forceGeneral: general)
                var scan = GrowthScan(dimension: data.dimension)
                #expect(kernel.step(scan: &scan))
                #expect(kernel.weights.allSatisfy { $0 == 0 }, "\(rule.testDescription) n=\(data.count) general=\(general)")
            }
        }
        // Examples 1-2 at the origin: group 1 of msam m = 2 has g_1 = 0, hence eps_1 = 0.
        let data = try Dataset(points: [[0, 0], [0, 0], [1, 0.5], [0.2, 1]], labels: [1, -1, 1, 1])
        for p in Parametrization.allCases {
            for rule in PlainCombinedRule.all {
                let network = try Fixtures.network(p, depth: 2, d: 2, seed: 2)
                let reference = ReferenceModel(parametrization: p, depth: 2, points: data.points, labels: data.labels, loss: .logistic)
                let (weights, w) = Fixtures.stepsSideBySide(rule.rule, network, data, general: true, eta: 0.1, steps: 10) { w in
                    zip(w, rule.direction(reference, w).direction).map { $0 - 0.1 * $1 }
                }
                #expect(weights.allSatisfy { $0.isFinite })
                #expect(Fixtures.relativeError(weights, w) < 1e-12, "\(rule.testDescription) \(p)")
            }
        }
        // Depth 2, d = 1, mu = 1, w = (1, 1), rho = sqrt 2: eps = -(1, 1) exactly, so w + eps = 0 and g_p = 0.
        let one = try Dataset.singleExample(mu: [1])
        for general in [false, true] {
            let network = try Fixtures.network(.product, depth: 2, alpha: [1], d: 1)
            let kernel = KernelFactory.make(rule: SurrogateGapSAM(rho: 2.0.squareRoot(), alpha: 0.5), model: network, dataset: one,
                                            loss: Loss.logistic.margin, learningRate: 0.1, forceGeneral: general)
            var scan = GrowthScan(dimension: 1)
            #expect(kernel.step(scan: &scan))
            let expected = 1 + 0.1 * 0.5 * (-1 / (1 + exp(1.0)))
            #expect(Fixtures.relativeError(kernel.weights, [expected, expected]) < 1e-15, "general=\(general): \(kernel.weights)")
        }
    }

    /// The spec keys: `m` an integer >= 1 or "n" (the default, read and written as "n"), `msam_norm` "l2" or "none"
    /// (strings only), `gsam_alpha` >= 0; a summary's config re-reads to the same spec.
    @Test func specKeysAndTheirDomains() throws {
        func spec(_ json: String, clock: Clock? = .step) throws -> RunSpec { try RunSpec(jsonData: Data(json.utf8), clock: clock) }
        func written(_ s: RunSpec) throws -> String { String(decoding: try s.jsonData(), as: UTF8.self) }
        let byDefault = try spec(#"{"optimizer": "msam"}"#)
        let defaultText = try written(byDefault)
        #expect(defaultText.contains(#""m" : "n""#) && defaultText.contains(#""msam_norm" : "l2""#), "\(defaultText)")
        let given = try spec(#"{"optimizer": "msam", "m": 3, "msam_norm": "none"}"#)
        #expect(given.rule.parameters == ["m": 3, "msam_norm": 1])
        let givenText = try written(given)
        #expect(givenText.contains(#""m" : 3"#) && givenText.contains(#""msam_norm" : "none""#), "\(givenText)")
        for s in [byDefault, given, try spec(#"{"optimizer": "msam", "m": "n"}"#), try spec(#"{"optimizer": "gsam", "gsam_alpha": 0.3}"#)] {
            let again = try RunSpec(jsonData: try s.jsonData(), clock: .step)
            #expect(try again.jsonData() == s.jsonData())
        }
        #expect(try spec(#"{"optimizer": "msam", "m": null}"#).rule.parameters["m"] == nil)
        let gsamText = try written(spec(#"{"optimizer": "gsam"}"#))
        #expect(gsamText.contains(#""gsam_alpha" : 0.1"#))
        #expect(errorMessage { try spec(#"{"optimizer": "msam", "m": 0}"#).validate() } == "m must be at least 1.0 (got 0.0)")
        #expect(errorMessage { try spec(#"{"optimizer": "msam", "m": 1.5}"#).validate() } == #"m must be an integer or "n" (got 1.5)"#)
        #expect(errorMessage { _ = try spec(#"{"optimizer": "msam", "m": "inf"}"#) } == #"wrong type at 'm' (expected an integer or "n")"#)
        #expect(errorMessage { _ = try spec(#"{"optimizer": "msam", "msam_norm": "l1"}"#) } == #"wrong type at 'msam_norm' (expected "l2" or "none")"#)
        #expect(errorMessage { _ = try spec(#"{"optimizer": "msam", "msam_norm": 0}"#) } == #"wrong type at 'msam_norm' (expected "l2" or "none")"#)
        #expect(errorMessage { try spec(#"{"optimizer": "gsam", "gsam_alpha": -0.1}"#).validate() } == "gsam_alpha must be non-negative (got -0.1)")
        #expect(errorMessage { try spec(#"{"optimizer": "l2-sam", "m": 2}"#).validate() } == "m is a parameter of msam, not of l2-sam")
        #expect(errorMessage { try spec(#"{"optimizer": "msam", "m": 2, "time": 1}"#, clock: .time).validate() } == "")
        #expect(errorMessage { try spec(#"{"optimizer": "gsam", "time": 1}"#, clock: .time).validate() } == "")
        // The hooks the dense kernels read.
        #expect(MSharpnessSAM(rho: 1, groupSize: 2).exampleGroupSize == 2 && MSharpnessSAM(rho: 1, groupSize: nil).exampleGroupSize == nil)
        #expect(SurrogateGapSAM(rho: 1, alpha: 0.3).surrogateGapWeight == 0.3 && SurrogateGapSAM(rho: 1, alpha: 0.3).kernelRule.surrogateGapWeight == 0.3)
        #expect(MSharpnessSAM(rho: 1, groupSize: 2).kernelRule.exampleGroupSize == 2)
        let g: [Double] = [0.3, -1.2, 0.7, 0.05, -0.4]
        #expect(MSharpnessSAM(rho: 0.5, groupSize: 2).epsilon(weights: g, gradientDirection: g, logScale: 1)
                == L2SAM(rho: 0.5).epsilon(weights: g, gradientDirection: g, logScale: 1))
        #expect(MSharpnessSAM(rho: 0.5, groupSize: 2, normalized: false).epsilon(weights: g, gradientDirection: g, logScale: 1)
                == UnnormalizedSAM(rho: 0.5).epsilon(weights: g, gradientDirection: g, logScale: 1))
        #expect(SurrogateGapSAM(rho: 0.5, alpha: 0.2).epsilon(weights: g, gradientDirection: g, logScale: 1)
                == L2SAM(rho: 0.5).epsilon(weights: g, gradientDirection: g, logScale: 1))
    }
}
