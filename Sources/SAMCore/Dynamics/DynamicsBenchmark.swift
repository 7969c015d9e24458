import Foundation

/// The benchmark problem of `samlab bench dynamics`, shared with bench/python/bench_dynamics.py: discrete l2-SAM,
/// depth 2, logistic loss, one example mu_j = (1 + (j-1)/(d-1)) / d (margin O(1) at every d), alpha = 0.5,
/// eta = 0.1, rho = 0.05. Any other rule can take l2-SAM's place (`samlab bench dynamics --optimizer`), on the same
/// problem.
public enum DynamicsBenchmark {
    /// mu_j = (1 + (j-1)/(d-1)) / d, j = 1..d: a single example whose margin stays O(1) at every d.
    public static func mu(dimension d: Int) -> [Double] {
        (0..<d).map { j in (1 + Double(j) / Double(max(d - 1, 1))) / Double(d) }
    }

    /// The benchmark's rule: l2-SAM with rho = 0.05.
    public static let rule = RuleSpec(name: L2SAM.name, rho: 0.05)

    /// The benchmark's specification at dimension d, with `rule` (l2-SAM by default).
    public static func spec(dimension d: Int, rule: RuleSpec = DynamicsBenchmark.rule) -> RunSpec {
        RunSpec(data: .singleExample(mu: mu(dimension: d)), model: ModelSpec(depth: 2, alpha: [0.5]),
                rule: rule, dynamics: .discrete(DiscreteSettings(learningRate: 0.1)))
    }

    /// The benchmark's kernel, built from its spec through the standard registry (as every run's is).
    public static func kernel(dimension d: Int, rule: RuleSpec = DynamicsBenchmark.rule) throws -> any DynamicsKernel {
        let spec = spec(dimension: d, rule: rule)
        let dataset = try spec.data.load()
        let components = try spec.components(dimension: d)
        return KernelFactory.make(rule: components.rule, model: components.model, dataset: dataset, loss: components.loss,
                                  learningRate: 0.1)
    }

    /// Steps per second with `rule`, best of `repeats` timings of at least `minimumSeconds` each (after one warm-up batch).
    public static func measure(dimension d: Int, rule: RuleSpec = DynamicsBenchmark.rule, tracksLeaders: Bool, minimumSeconds: Double,
                               repeats: Int = 3) throws -> Double {
        let kernel = try kernel(dimension: d, rule: rule)
        var scan = GrowthScan(dimension: d, tracksLeaders: tracksLeaders)
        let batch = max(1, 10_000_000 / max(d, 1) / 10)
        func runBatch() {
            for _ in 0..<batch {
                guard kernel.step(scan: &scan) else { fatalError("benchmark dynamics diverged") }
            }
        }
        runBatch()
        var best = 0.0
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            var steps = 0
            var elapsed = 0.0
            repeat {
                runBatch()
                steps += batch
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            } while elapsed < minimumSeconds
            best = max(best, Double(steps) / elapsed)
        }
        return best
    }

    /// Steps per second of the whole `samlab train` path on the benchmark problem: a `DiscreteRunner` (kernel,
    /// leaders decided from every step, rows at the default schedule, log-spaced 200 states, with beta up to
    /// d = 1000) running `steps` steps, timed from `run()` to its end (building the runner and writing the result
    /// are outside: they are a run's fixed cost). Best of `repeats` runs, after one warm-up run.
    public static func measureTrain(dimension d: Int, rule: RuleSpec = DynamicsBenchmark.rule, steps: Int,
                                    repeats: Int = 3) throws -> Double {
        var spec = spec(dimension: d, rule: rule)
        spec.dynamics = .discrete(DiscreteSettings(learningRate: 0.1, steps: steps))
        let dataset = try spec.data.load()
        var best = 0.0
        for round in 0...repeats {
            let runner = try DiscreteRunner(spec: spec, dataset: dataset)
            let start = DispatchTime.now().uptimeNanoseconds
            let state = runner.run()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            guard state.status != .diverged else { fatalError("benchmark dynamics diverged") }
            if round > 0 { best = max(best, Double(steps) / elapsed) }
        }
        return best
    }

    /// Bytes per second of the loop with the step's minimal traffic: read x, w1, w2 and write w1, w2 once
    /// (every step must do at least this). The bound on steps per second is this over 40 d bytes.
    public static func streamBandwidth(dimension d: Int, minimumSeconds: Double) -> Double {
        let x = [Double](repeating: 1e-3, count: d)
        var w1 = [Double](repeating: 0.5, count: d), w2 = w1
        var best = 0.0
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            var passes = 0
            var elapsed = 0.0
            repeat {
                let s = passes % 2 == 0 ? 1e-9 : -1e-9
                x.withUnsafeBufferPointer { x in
                    w1.withUnsafeMutableBufferPointer { w1 in
                        w2.withUnsafeMutableBufferPointer { w2 in
                            for i in 0..<d {
                                let a = w1[i], b = w2[i]
                                w1[i] = a + s * x[i] * b
                                w2[i] = b + s * x[i] * a
                            }
                        }
                    }
                }
                passes += 1
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            } while elapsed < minimumSeconds
            best = max(best, Double(passes) * 40 * Double(d) / elapsed)
        }
        return best
    }
}
