import Foundation
import Testing
import SAMAnalysis
import SAMCore
import SAMFlow

/// A rule, a loss and a model defined outside the library (this target), each one file plus one registration line
/// (`Extensions.registry`), run through the discrete and the flow runners with everything the built-in ones get.
@Suite struct ExtensionTests {
    static let registry = Extensions.registry
    static let threePoints: DataSource = .csv(path: "three", embedded: EmbeddedData(points: [[1.0, 0.5, -0.2], [0.3, 1.2, 0.4], [-0.8, -0.1, -0.9]],
                                                                                    labels: [1, 1, -1]))

    static func spec(_ data: DataSource = .singleExample(mu: [0.7, 1.1, 1.9]), model: String = TestTiedNetwork.name, depth: Int = 2,
                     alpha: [Double] = [0.6, 0.9, 1.2], loss: String = TestSigmoidLoss.name, rule: String = TestAdaptiveSAM.name,
                     rho: Double = 0.2, parameters: [String: Double] = [:], _ dynamics: DynamicsSpec = .discrete(DiscreteSettings(learningRate: 0.05, steps: 25)),
                     record: RecordingSchedule = .every(1)) -> RunSpec {
        RunSpec(data: data, model: ModelSpec(name: model, depth: depth, alpha: alpha), loss: loss,
                rule: RuleSpec(name: rule, rho: rho, parameters: parameters), dynamics: dynamics, record: record)
    }

    /// The steps of every combination of this target's components with built-in ones match the plain formulas.
    @Test(arguments: [
        (TestAdaptiveSAM.name, TestSigmoidLoss.name, TestTiedNetwork.name, 2),
        (TestAdaptiveSAM.name, TestSigmoidLoss.name, TestTiedNetwork.name, 3),
        (TestAdaptiveSAM.name, LogisticLoss.name, ProductNetwork.name, 2),
        (L2SAM.name, TestSigmoidLoss.name, ProductNetwork.name, 3),
        (L2SAM.name, LogisticLoss.name, TestTiedNetwork.name, 2),
        (LInfSAM.name, LogisticLoss.name, TestTiedNetwork.name, 3),
        (GradientDescent.name, TestSigmoidLoss.name, TestTiedNetwork.name, 1),
    ])
    func stepsMatchThePlainFormulas(_ rule: String, _ loss: String, _ model: String, _ depth: Int) throws {
        for data in [DataSource.singleExample(mu: [0.7, 1.1, 1.9]), Self.threePoints] {
            let spec = Self.spec(data, model: model, depth: depth, loss: loss, rule: rule, parameters: rule == TestAdaptiveSAM.name ? ["test_eta": 0.05] : [:])
            let dataset = try data.load()
            let result = try spec.run(on: dataset, registry: Self.registry)
            let plain = PlainModel(kind: model == ProductNetwork.name ? .product : .tied, depth: depth, points: dataset.points,
                                   labels: dataset.labels, loss: loss == LogisticLoss.name ? .logistic : .sigmoid)
            let kind: PlainModel.RuleKind = switch rule {
            case TestAdaptiveSAM.name: .asam(rho: 0.2, eta: 0.05)
            case L2SAM.name: .l2(0.2)
            case LInfSAM.name: .linf(0.2)
            default: .gd
            }
            var w = try Self.registry.model(named: model).model(spec.model, dimension: dataset.dimension).initialWeights
            for _ in 0..<25 { w = plain.step(w, kind, eta: 0.05) }
            #expect(result.status == .completed)
            let error = relativeError(result.finalWeights, w)
            #expect(error < 1e-12, "\(rule) \(loss) \(model) L=\(depth) n=\(dataset.count): \(error)")
            // The recorded rows are the plain model's betas.
            #expect(relativeError(result.rows.last!.beta!, plain.beta(w)) < 1e-12)
        }
    }

    /// Leaders from every step: the same whatever the recording grid, consistent with the rows, and equal to the
    /// argmax of the relative growth of |beta_j| between consecutive steps of the plain implementation.
    @Test func leadersComeFromEveryStep() throws {
        let base = Self.spec(.singleExample(mu: [1, 2, 3, 4, 5, 6]), alpha: [0.35], loss: LogisticLoss.name, rho: 1,
                             .discrete(DiscreteSettings(learningRate: 0.02, steps: 3000)), record: .every(1))
        var coarse = base
        coarse.record = .log(9)
        let a = try base.run(on: try base.data.load(), registry: Self.registry)
        let b = try coarse.run(on: try coarse.data.load(), registry: Self.registry)
        #expect(a.leaders == b.leaders && a.leadersAbsolute == b.leadersAbsolute)
        #expect(a.leaders.count >= 2, "\(a.leaders)")
        for row in a.rows.dropLast() {
            #expect(row.leader == a.leaders.last { $0.start <= row.clock }!.coordinate)
        }
        let plain = PlainModel(kind: .tied, depth: 2, points: [[1, 2, 3, 4, 5, 6]], labels: [1], loss: .logistic)
        var w = [Double](repeating: 0.35, count: 6)
        var leaders: [Int] = []
        for _ in 0..<3000 {
            let before = plain.beta(w)
            w = plain.step(w, .asam(rho: 1, eta: 0.01), eta: 0.02)
            let after = plain.beta(w)
            let growth = (0..<6).map { (abs(after[$0]) - abs(before[$0])) / abs(before[$0]) }
            let best = growth.indices.max { growth[$0] < growth[$1] }!
            let leader = growth[best] > 0 ? best + 1 : 0
            if leaders.last != leader { leaders.append(leader) }
        }
        #expect(a.leaders.map(\.coordinate) == leaders)
    }

    /// Divergence: the state becomes non-finite; the run reports the last finite state, never NaN.
    @Test func divergenceIsDetected() throws {
        // beta = w^2 >= 0 cannot separate mu < 0: |l'| = e^-z > 1 grows and the steps overshoot.
        let spec = Self.spec(.singleExample(mu: [-1, -2]), depth: 2, alpha: [1], loss: ExponentialLoss.name, rule: TestAdaptiveSAM.name,
                             rho: 0.1, .discrete(DiscreteSettings(learningRate: 1, steps: 1000)))
        let result = try spec.run(on: try spec.data.load(), registry: Self.registry)
        #expect(result.status == .diverged)
        let k = Int(result.endClock)
        #expect(result.eventClock == Double(k + 1))
        #expect(result.finalWeights.allSatisfy { $0.isFinite })
        #expect(result.rows.allSatisfy { $0.beta!.allSatisfy { $0.isFinite } && $0.logLoss.isFinite })
    }

    /// Collapse of the discrete rule below its threshold, and separation above it.
    @Test func collapseIsDetected() throws {
        let low = Self.spec(.singleExample(mu: [1, 2]), alpha: [0.1], loss: TestSigmoidLoss.name, rule: L2SAM.name, rho: 1,
                            .discrete(DiscreteSettings(learningRate: 0.01, steps: 3000)), record: .log(30))
        let collapsed = try low.run(on: try low.data.load(), registry: Self.registry)
        #expect(collapsed.status == .collapsed, "\(collapsed.status) \(collapsed.beta)")
        #expect(collapsed.regime == .collapse)
        var high = low
        high.model.alpha = [2]
        let separated = try high.run(on: try high.data.load(), registry: Self.registry)
        #expect(separated.status == .completed)
        #expect(separated.final.margin > 1)
    }

    /// Flows: the rescaled GD flow of the tied depth-3 model blows up at the closed-form time; l_inf-SAM below rho
    /// slides at w = 0 (Filippov) and, every predictor pinned, collapses; the external rule's flow is tracked by its
    /// discrete steps as eta shrinks.
    @Test func flowsHaveEventsAndSlidingModes() throws {
        // da/ds = 3 mu a^2 (tied, L = 3): a = alpha / (1 - 3 mu alpha s); ||w|| = B when the largest mu's weight does.
        let mu = [1.0, 2.0], alpha = 0.5, bound = 1e6
        let blow = Self.spec(.singleExample(mu: mu), depth: 3, alpha: [alpha], loss: LogisticLoss.name, rule: GradientDescent.name,
                             .flow(FlowSettings(time: 10, rescaled: true, rtol: 1e-12, atol: 1e-14, blowupNorm: bound)), record: .times([]))
        let blown = try blow.run(on: try blow.data.load(), registry: Self.registry)
        #expect(blown.status == .blowUp)
        func norm(_ s: Double) -> Double { mu.map { alpha / (1 - 3 * $0 * alpha * s) }.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        var lo = 0.0, hi = 1 / (3 * mu.max()! * alpha)
        for _ in 0..<200 { let mid = 0.5 * (lo + hi); if norm(mid) < bound { lo = mid } else { hi = mid } }
        #expect(abs(try #require(blown.eventClock) - lo) / lo < 1e-8)

        // l_inf-SAM, tied L = 2: da/ds = 2 mu (a - rho) while a > 0, so a = rho + (alpha - rho) e^(2 mu s) reaches 0 at
        // s = ln(rho / (rho - alpha)) / (2 mu) and slides there.
        let slide = Self.spec(.singleExample(mu: mu), alpha: [0.5, 0.8], loss: LogisticLoss.name, rule: LInfSAM.name, rho: 1,
                              .flow(FlowSettings(time: 5, rescaled: true, rtol: 1e-12, atol: 1e-14)))
        let slid = try slide.run(on: try slide.data.load(), registry: Self.registry)
        #expect(slid.status == .collapsed)
        for (j, a) in [0.5, 0.8].enumerated() {
            let exact = log(1 / (1 - a)) / (2 * mu[j])
            let start = try #require(slid.slides.first { $0.coordinate == j + 1 }).start
            #expect(abs(start - exact) / exact < 1e-8, "coordinate \(j + 1): \(start) vs \(exact)")
        }
        #expect(abs(try #require(slid.eventClock) - log(1 / (1 - 0.8)) / 4) < 1e-8)

        // The external rule and loss on the external model, as a flow and as discrete steps.
        let flow = Self.spec(.singleExample(mu: [1, 2]), alpha: [0.5], .flow(FlowSettings(time: 2, rtol: 1e-12, atol: 1e-14)),
                             record: .times([1]))
        let target = try flow.run(on: try flow.data.load(), registry: Self.registry).rows.first { abs($0.clock - 1) < 1e-12 }!.beta!
        var errors: [Double] = []
        for eta in [0.02, 0.01, 0.005] {
            let steps = Int((1 / eta).rounded())
            let discrete = Self.spec(.singleExample(mu: [1, 2]), alpha: [0.5], .discrete(DiscreteSettings(learningRate: eta, steps: steps)),
                                     record: .every(Double(steps)))
            let beta = try discrete.run(on: try discrete.data.load(), registry: Self.registry).beta
            errors.append(zip(beta, target).map { abs($0 - $1) }.max()!)
        }
        for k in 0..<2 { #expect(errors[k] / errors[k + 1] > 1.8 && errors[k] / errors[k + 1] < 2.2, "\(errors)") }
    }

    /// Summaries, folders, checkpoints and resume: the spec with the external names round-trips through JSON with
    /// the extended registry, a folder reads back, and a run interrupted, checkpointed and resumed gives the same
    /// bytes as an uninterrupted one.
    @Test func summariesFoldersCheckpointsAndResume() throws {
        let spec = Self.spec(.singleExample(mu: [1, 2, 3, 4, 5, 6]), alpha: [0.35], rho: 1, parameters: ["test_eta": 0.02],
                             .discrete(DiscreteSettings(learningRate: 0.02, steps: 20000)), record: .log(40))
        let dataset = try spec.data.load()
        let straight = try DiscreteRunner(spec: spec, dataset: dataset, registry: Self.registry)
        straight.run()
        let summary = try JSONOutput.encode(RunSummary(straight.result))
        let object = try #require(try JSONSerialization.jsonObject(with: summary) as? [String: Any])
        let config = try #require(object["config"] as? [String: Any])
        #expect(config["optimizer"] as? String == TestAdaptiveSAM.name && config["test_eta"] as? Double == 0.02)
        #expect(config["loss"] as? String == TestSigmoidLoss.name && config["param"] as? String == TestTiedNetwork.name)
        #expect(try RunSpec(jsonData: summary, clock: .step, registry: Self.registry) == spec)
        // The standard registry does not know the rule (and so neither its parameter): the rule is named.
        #expect(throws: SpecError.unknownName(field: "config.optimizer", name: TestAdaptiveSAM.name, known: Registry.standard.ruleNames)) {
            try RunSpec(jsonData: summary, clock: .step)
        }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samlab-extension-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try DiscreteRunner(spec: spec, dataset: dataset, registry: Self.registry)
        var calls = 0
        let partial = first.run(shouldStop: { calls += 1; return calls > 3 })
        #expect(partial.status == .interrupted)
        try RunFolder.saveCheckpoint(RunCheckpoint(config: spec, state: partial), in: folder)
        let saved = try #require(try RunFolder.loadCheckpoint(in: folder, registry: Self.registry))
        #expect(saved.config == spec)
        let second = try DiscreteRunner(spec: spec, dataset: dataset, registry: Self.registry)
        try second.restore(saved.state)
        second.run()
        #expect(try JSONOutput.encode(RunSummary(second.result)) == summary)
        try RunFolder.write(second.result, to: folder)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["summary.json", "trajectory.csv"])
        let read = try RunFolder.read(folder, registry: Self.registry)
        #expect(read.spec == spec && read.leaders == straight.result.leaders && read.status == .completed)
        #expect(read.rows.map(\.beta) == straight.result.rows.map(\.beta))
        // Analysis works on the result in memory and on the folder alike.
        let fromFolder = try RunAnalysis.analyze(read).map(\.verdict), inMemory = try RunAnalysis.analyze(straight.result).map(\.verdict)
        #expect(fromFolder == inMemory)
    }

    /// The rule's parameter is a key of the spec: validated, refused for another rule, listed among the known keys.
    @Test func ruleParametersAreSpecKeys() throws {
        let json = #"{"data": {"kind": "single", "mu": [1, 2]}, "optimizer": "test-asam", "test_eta": 0.5, "steps": 10}"#
        let spec = try RunSpec(jsonData: Data(json.utf8), clock: nil, registry: Self.registry)
        #expect(spec.rule.parameters == ["test_eta": 0.5] && spec.clock == .step)
        let negative = json.replacingOccurrences(of: "0.5", with: "-1")
        #expect(throws: SpecError.outOfRange(field: "test_eta", value: "-1.0", requirement: "must be non-negative")) {
            try RunSpec(jsonData: Data(negative.utf8), clock: nil, registry: Self.registry).validate(registry: Self.registry)
        }
        let other = json.replacingOccurrences(of: "test-asam", with: "l2-sam")
        #expect(throws: SpecError.inapplicable(field: "test_eta", reason: "is a parameter of test-asam, not of l2-sam")) {
            try RunSpec(jsonData: Data(other.utf8), clock: nil, registry: Self.registry).validate(registry: Self.registry)
        }
        let misspelt = json.replacingOccurrences(of: "test_eta", with: "test_eat")
        let message = errorMessage { _ = try RunSpec(jsonData: Data(misspelt.utf8), clock: nil, registry: Self.registry) }
        #expect(message.hasPrefix("unknown key 'test_eat' (known: ") && message.contains("test_eta"), "\(message)")
    }
}

func errorMessage(_ body: () throws -> Void) -> String {
    do { try body() } catch { return "\(error)" }
    return ""
}
