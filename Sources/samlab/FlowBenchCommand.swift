import ArgumentParser
import Foundation
import SAMCore
import SAMFlow

/// `samlab bench flow`: work against precision of the rescaled l2-SAM flow to its blow-up event with both solvers,
/// next to scipy and diffrax, and the flow's cost per field evaluation against the bare field at several d.
struct FlowBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Evaluations, error and time of the rescaled l2-SAM flow (mu = 4..8, rho = 1) with dopri5 and dop853, next to scipy and diffrax.",
        discussion: """
        The problem is the one of bench/python/flow_scipy.py and flow_diffrax.py: integrate until ||w||_2 = 1e4 and \
        compare the event time with a tight reference. Times are the best of --repeats runs of the whole flow \
        (events and leader location included). The dop853-alone rows are the solver alone on scipy's problem (one \
        event checked at step ends, no leaders, atol absolute), with the dense output only where the event changes \
        sign (as scipy's dense_output=False) or on every step (-dense, as dense_output=True). Then, for d = 5, 50, 500 (mu evenly spaced in [4, 8]), the whole \
        flow's time per field evaluation against the bare field's (bursts of 500 calls; both the best of 20 x \
        --repeats tries).
        """
    )

    @Option(name: .customLong("peers"), parsing: .unconditional,
            help: ArgumentHelp("JSON lines from bench/python/flow_scipy.py and flow_diffrax.py (one file).", valueName: "file"))
    var peers: String?

    @Option(name: .customLong("repeats"), parsing: .unconditional, help: "Runs per measurement (at least 1); the best is kept.")
    var repeats = 3

    @Option(name: .customLong("dims"), parsing: .unconditional, help: "The dimensions of the field-cost table (positive integers).")
    var dims = "5,50,500"

    /// The keys of a peer record (bench/python/flow_scipy.py and flow_diffrax.py write them).
    static let peerKeys: Set<String> = [
        "impl", "rtol", "atol", "function_evaluations", "steps", "accepted_steps", "event_time", "relative_error",
        "milliseconds", "reference_event_time",
    ]

    struct Point { var tol: Double, evaluations: Double, error: Double, ms: Double }

    static func spec(mu: [Double], tol: Double, solver: String?) -> RunSpec {
        RunSpec(data: .singleExample(mu: mu), model: ModelSpec(depth: 2, alpha: [0.5]), rule: RuleSpec(name: L2SAM.name, rho: 1),
                dynamics: .flow(FlowSettings(time: 50, rescaled: true, rtol: tol, atol: tol, blowupNorm: 1e4, solver: solver)),
                record: .times([]))
    }

    /// The best wall time in ms of `runs` (default `repeats`) whole runs, and the last result.
    func solve(mu: [Double], tol: Double, solver: String?, runs: Int? = nil) throws -> (RunResult, Double) {
        let c = Self.spec(mu: mu, tol: tol, solver: solver)
        let dataset = try c.data.load()
        var best = Double.infinity
        var outcome: RunResult?
        for _ in 0..<max(runs ?? repeats, 1) {
            let runner = try FlowRunner(spec: c, dataset: dataset)
            let start = DispatchTime.now().uptimeNanoseconds
            outcome = runner.run()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-6)
        }
        return (outcome!, best)
    }

    /// Work (evaluations and ms) at a given error, by log-log interpolation between the measured tolerances.
    static func work(_ points: [Point], at target: Double) -> (evaluations: Double, ms: Double)? {
        let sorted = points.filter { $0.error > 0 }.sorted { $0.error > $1.error }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.error >= target && target >= b.error {
            let x = (log(target) - log(a.error)) / (log(b.error) - log(a.error))
            func at(_ u: Double, _ v: Double) -> Double { exp(log(u) + x * (log(v) - log(u))) }
            return (at(a.evaluations, b.evaluations), at(a.ms, b.ms))
        }
        return nil
    }

    /// The `--dims` entries, each a positive integer, or the flag's error.
    func dimensions() throws(InvalidInput) -> [Int] {
        try ValueParsing.numbers(dims, flag: "--dims").map { v throws(InvalidInput) -> Int in
            guard v >= 1, v <= 1e7, v == v.rounded() else { throw InvalidInput("--dims entries must be positive integers (got \(v))") }
            return Int(v)
        }
    }

    func run() throws {
        guard repeats >= 1 else { throw InvalidInput("--repeats must be at least 1 (got \(repeats))") }
        let dimensions = try dimensions()
        var peerPoints: [String: [Point]] = [:]
        var eventTimes: [String: [Double]] = [:]
        var reference: Double?
        if let peers {
            guard let text = String(data: try InputFile.read(peers), encoding: .utf8) else { throw InvalidInput("\(peers): not UTF-8") }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.allSatisfy(\.isWhitespace) {
                guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let rtol = o["rtol"] as? Double, let nfev = o["function_evaluations"] as? Int,
                      let error = o["relative_error"] as? Double else {
                    throw InvalidInput("\(peers) line \(number + 1): not a peer record (a JSON object with rtol, function_evaluations and relative_error)")
                }
                if let unknown = o.keys.sorted().first(where: { !Self.peerKeys.contains($0) }) {
                    throw InvalidInput("\(peers) line \(number + 1): unknown key '\(unknown)' (known: \(Self.peerKeys.sorted().joined(separator: ", ")))")
                }
                let impl = o["impl"] as? String ?? "scipy-RK45"
                peerPoints[impl, default: []].append(Point(tol: rtol, evaluations: Double(nfev), error: error,
                                                           ms: o["milliseconds"] as? Double ?? .nan))
                eventTimes[impl, default: []].append(o["event_time"] as? Double ?? .nan)
                if impl.hasPrefix("scipy") { reference = o["reference_event_time"] as? Double }
            }
        }
        // Every peer's error against one reference (scipy's DOP853 at 1e-13 when given).
        if let reference {
            for (impl, times) in eventTimes where times.allSatisfy(\.isFinite) {
                for (k, t) in times.enumerated() { peerPoints[impl]![k].error = abs(t - reference) / reference }
            }
        }
        let mu: [Double] = [4, 5, 6, 7, 8]
        let tight = try reference ?? (solve(mu: mu, tol: 1e-13, solver: "dop853").0.eventClock ?? .nan)
        print("samlab bench flow: rescaled l2-SAM, mu = 4..8, rho = 1, alpha = 0.5, until ||w|| = 1e4 (reference t = \(tight))")
        func col(_ s: String, _ w: Int) -> String { s.padding(toLength: w, withPad: " ", startingAt: 0) }
        print(col("rtol=atol", 11) + col("solver", 8) + col("evals", 7) + col("steps", 7) + col("rel.error", 11) + "ms")
        var ours: [String: [Point]] = [:]
        for tol in [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11] {
            for solver in Solver.allCases.map(\.rawValue) {
                let (outcome, ms) = try solve(mu: mu, tol: tol, solver: solver)
                let error = abs((outcome.eventClock ?? .nan) - tight) / tight
                let statistics = outcome.solver ?? SolverReport()
                ours["samlab-" + solver, default: []].append(
                    Point(tol: tol, evaluations: Double(statistics.functionEvaluations), error: error, ms: ms))
                print(col("\(tol)", 11) + col(solver, 8) + col("\(statistics.functionEvaluations)", 7)
                      + col("\(statistics.acceptedSteps)", 7) + col(String(format: "%.2e", error), 11) + String(format: "%.2f", ms))
            }
            // The solver alone on scipy's problem (FlowBenchSolverAlone.swift), without and with dense output.
            for dense in [false, true] {
                let alone = try solveAlone(mu: mu, tol: tol, solver: .dop853, dense: dense)
                let name = "dop853-alone" + (dense ? "-dense" : "")
                let error = abs((alone.eventTime ?? .nan) - tight) / tight
                ours["samlab-" + name, default: []].append(
                    Point(tol: tol, evaluations: Double(alone.evaluations), error: error, ms: alone.ms))
                print(col("\(tol)", 11) + col(name, 19) + col("\(alone.evaluations)", 7) + col("\(alone.steps)", 7)
                      + col(String(format: "%.2e", error), 11) + String(format: "%.3f", alone.ms))
            }
        }
        for (impl, points) in peerPoints.sorted(by: { $0.key < $1.key }) {
            for p in points {
                print(col("\(p.tol)", 11) + col(impl, 15) + col("\(Int(p.evaluations))", 7)
                      + col(String(format: "%.2e", p.error), 11) + String(format: "%.2f", p.ms))
            }
        }
        let all = ours.merging(peerPoints) { a, _ in a }
        for target in [1e-6, 1e-8, 1e-10] {
            let cells = all.sorted { $0.key < $1.key }.compactMap { impl, points in
                Self.work(points, at: target).map { "\(impl) " + String(format: "%.0f evaluations, %.3f ms", $0.evaluations, $0.ms) }
            }
            print(String(format: "at relative error %.0e: ", target) + cells.joined(separator: "; "))
        }
        try fieldCost(dimensions: dimensions)
    }

    /// The whole flow's wall time per field evaluation against the bare field's (FlowField.evaluate in a loop at the
    /// initial state), at each d of `dims`.
    func fieldCost(dimensions: [Int]) throws {
        print("field cost per evaluation (rtol = atol = 1e-10, until ||w|| = 1e4 or s = 50):")
        print("d     solver  evals   flow us/eval  bare field us  ratio")
        for d in dimensions {
            let mu = (0..<d).map { d == 1 ? 6 : 4 + 4 * Double($0) / Double(d - 1) }
            let c = Self.spec(mu: mu, tol: 1e-10, solver: nil)
            let runner = try FlowRunner(spec: c, dataset: try c.data.load())
            let field = runner.vectorField
            let state = runner.model.initialWeights
            var out = [Double](repeating: 0, count: state.count)
            // Bursts of 500 calls (about as many evaluations as one flow, a fraction of a ms to a few ms), the best
            // of 20 per repeat, against the best of as many whole flows: on a shared machine a long loop is
            // preempted and would look slower per call than short runs that fit between preemptions.
            let calls = 500, tries = 20 * max(repeats, 1)
            var bare = Double.infinity
            for _ in 0..<tries {
                let start = DispatchTime.now().uptimeNanoseconds
                state.withUnsafeBufferPointer { s in
                    out.withUnsafeMutableBufferPointer { o in
                        for _ in 0..<calls { field.evaluate(time: 0, state: s, derivative: o) }
                    }
                }
                bare = min(bare, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-3 / Double(calls))
            }
            for solver in Solver.allCases.map(\.rawValue) {
                let (outcome, ms) = try solve(mu: mu, tol: 1e-10, solver: solver, runs: tries)
                let evaluations = outcome.solver?.functionEvaluations ?? 0
                let perEvaluation = ms * 1e3 / Double(max(evaluations, 1))
                print(String(format: "%-5d ", d) + solver.padding(toLength: 8, withPad: " ", startingAt: 0)
                      + String(format: "%-7d %-13.3f %-14.3f %.2f", evaluations, perEvaluation, bare, perEvaluation / bare))
            }
        }
    }
}
