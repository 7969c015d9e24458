import Testing
@testable import SAMCore

/// Which kernels registration compiles (issue 14's build time): every registered rule, at every branch of its
/// parameters, runs on specialized kernels; no dispatching rule (m-SAM, lp-SAM, GSAM) compiles kernels of its own type,
/// which would never run; and m-SAM's grouped forms have no one-example kernel, since one example is one group, where
/// m-SAM takes l2-SAM's (or usam's) steps bit for bit.
@Suite struct KernelSpecializationTests {
    static func rule(_ name: String, _ parameters: [String: Double] = [:]) throws -> any Rule {
        try Registry.standard.rule(named: name).rule(RuleSpec(name: name, rho: 0.2, parameters: parameters))
    }

    /// Each registered rule at each parameter branch its `kernelRule` switches on.
    static func cases() throws -> [(String, any Rule)] {
        var cases: [(String, any Rule)] = []
        for name in Registry.standard.ruleNames { cases.append((name, try rule(name))) }
        for p in [1, 1.5, 2, 2.5, 3, Double.infinity] { cases.append(("lp-sam p=\(p)", try rule("lp-sam", ["p": p]))) }
        for m in [1.0, 2, .infinity] {
            for norm in [0.0, 1] { cases.append(("msam m=\(m) norm=\(norm)", try rule("msam", ["m": m, "msam_norm": norm]))) }
        }
        for alpha in [0, 0.3] { cases.append(("gsam alpha=\(alpha)", try rule("gsam", ["gsam_alpha": alpha]))) }
        return cases
    }

    @Test func everyRegisteredRuleRunsSpecialized() throws {
        let algebras = FastAlgebraIdentifiers.all()
        for (label, rule) in try Self.cases() {
            let general = try #require(Registry.standard.specializedKernelBuilders(for: rule.kernelRule), "\(label): n-example kernel")
            #expect(Set(general.general.keys) == algebras, "\(label)")
            let single = try #require(Registry.standard.specializedKernelBuilders(for: rule.singleExampleKernelRule), "\(label): one-example kernel")
            #expect(Set(single.single.keys) == algebras, "\(label)")
        }
    }

    @Test func dispatchingRulesCompileNoKernelsOfTheirOwn() throws {
        for rule in [try Self.rule("msam", ["m": 2]), try Self.rule("lp-sam", ["p": 3]), try Self.rule("gsam", ["gsam_alpha": 0.3])] {
            #expect(Registry.standard.specializedKernelBuilders(for: rule) == nil, "\(type(of: rule))")
        }
        let grouped = try #require(Registry.standard.specializedKernelBuilders(for: try Self.rule("msam", ["m": 2]).kernelRule))
        #expect(grouped.single.isEmpty)
    }

    /// m-SAM on one example (any M, either norm) takes the same steps as l2-SAM (usam), bit for bit, on both kernels.
    @Test(arguments: [Parametrization.product, .signed])
    func msamOnOneExampleIsItsBaseRule(_ p: Parametrization) throws {
        let data = try Dataset.singleExample(mu: [0.7, 1.1, 1.9])
        let network = try Fixtures.network(p, depth: 2, d: 3, seed: 3)
        for (m, norm, base) in [(1.0, 0.0, "l2-sam"), (4, 0, "l2-sam"), (1, 1, "usam")] {
            for general in [false, true] {
                var weights: [[Double]] = []
                for rule in [try Self.rule("msam", ["m": m, "msam_norm": norm]), try Self.rule(base)] {
                    let kernel = KernelFactory.make(rule: rule, model: network, dataset: data, loss: .logistic, learningRate: 0.05,
                                                    forceGeneral: general)
                    var scan = GrowthScan(dimension: 3)
                    for _ in 0..<30 { #expect(kernel.step(scan: &scan)) }
                    weights.append(kernel.weights)
                }
                #expect(weights[0] == weights[1], "m=\(m) norm=\(norm) general=\(general)")
            }
        }
    }
}

/// The identifiers of `FastAlgebras`' types.
private struct FastAlgebraIdentifiers: AlgebraTypeVisitor {
    var identifiers: Set<ObjectIdentifier> = []
    mutating func visit<A: LaneAlgebra>(_ type: A.Type) { identifiers.insert(ObjectIdentifier(type)) }

    static func all() -> Set<ObjectIdentifier> {
        var visitor = FastAlgebraIdentifiers()
        FastAlgebras.visitAll(&visitor)
        return visitor.identifiers
    }
}
