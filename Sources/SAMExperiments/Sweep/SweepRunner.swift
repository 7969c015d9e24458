import Foundation
import SAMAnalysis
import SAMCore
import SAMFlow

/// Runs the points of a sweep on `jobs` threads, skipping finished ones, and keeps the chosen result fields.
public enum SweepRunner {
    /// Shard i of n: the points whose index is i modulo n.
    public struct Shard: Sendable, Equatable {
        /// i, 0-based.
        public var index: Int
        /// n, the number of shards.
        public var count: Int

        /// `i/n` with 0 <= i < n (Slurm: --array=0-(n-1)).
        public init(parsing text: String) throws(SpecError) {
            let parts = text.split(separator: "/").map { Int($0) }
            guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, i >= 0, i < n else {
                throw .outOfRange(field: "shard", value: "'\(text)'", requirement: "must be i/n with 0 <= i < n")
            }
            index = i
            count = n
        }

        /// Shard `index` of `count` (unchecked).
        public init(index: Int, count: Int) {
            self.index = index
            self.count = count
        }
    }

    /// What a call to `run` did.
    public struct Outcome: Sendable {
        /// The points of this run (of the shard, if any).
        public var total: Int
        /// Points already in the store, skipped.
        public var skipped: Int
        /// Points run now.
        public var ran: Int
    }

    /// Runs the sweep's pending points (of `shard`, if given) on `jobs` threads into `directory`'s store, writing `spec.json` beside it; `progress` gets (done, total).
    public static func run(_ spec: SweepSpec, specText: Data, directory: String, jobs: Int, shard: Shard?,
                           progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws(InvalidInput) -> Outcome {
        try AtomicFile.makeDirectory(directory)
        let specPath = (directory as NSString).appendingPathComponent("spec.json")
        let points = spec.points().filter { shard == nil || $0.index % shard!.count == shard!.index }
        let keys = Dictionary(uniqueKeysWithValues: spec.points().map { (fnv1a(spec.configurationData(for: $0)), $0.index) })
        let store = SweepStore(directory: directory)
        let done = try store.open()
        defer { store.close() }
        if FileManager.default.fileExists(atPath: specPath) {
            let old = try SweepSpec(json: try InputFile.read(specPath), source: specPath)
            guard old.keep == spec.keep else {
                throw InvalidInput("\(directory) holds a sweep that keeps \(old.keep), not \(spec.keep): use a new result directory")
            }
        }
        for record in done {
            guard keys[record.key] == record.index else {
                throw InvalidInput("the spec has changed: finished point \(record.index) in \(store.path) is not the same point in this spec; use a new result directory")
            }
        }
        try AtomicFile.write(specText, to: specPath)
        let finished = Set(done.map(\.key))
        let pending = points.filter { !finished.contains(fnv1a(spec.configurationData(for: $0))) }
        let next = Counter(), completed = Counter(), failure = ErrorBox()
        let workers = max(1, min(jobs, pending.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while failure.error == nil {
                let i = next.increment() - 1
                guard i < pending.count else { return }
                do {
                    let line = try record(spec, pending[i])
                    try store.append(line)
                    progress(completed.increment(), pending.count)
                } catch let error as InvalidInput {
                    failure.set(error)
                } catch {
                    failure.set(InvalidInput("\(error)"))
                }
            }
        }
        if let error = failure.error { throw error }
        return Outcome(total: points.count, skipped: points.count - pending.count, ran: pending.count)
    }

    /// Runs one point and returns its JSON line. The point's data are loaded and checked as `train` / `flow` do.
    static func record(_ spec: SweepSpec, _ point: SweepSpec.Point) throws(InvalidInput) -> String {
        let data = spec.configurationData(for: point)
        let place = "point \(point.index) (\(zip(spec.axes, point.values).map { "\($0.key) = \($1)" }.joined(separator: ", ")))"
        var run: RunSpec
        do { run = try spec.runSpec(for: point) } catch { throw InvalidInput("\(place): \(error)") }
        // A sweep keeps summaries only: no trajectory rows for flows, no beta in the rows of discrete runs.
        if run.clock == .time { run.record = .times([]) }
        let result: RunResult
        do {
            let prepared = try PreparedRun(run)
            result = try prepared.run(recordsBeta: false)
        } catch let error as RunSetupError {
            throw InvalidInput("\(place): \(error)")
        } catch {
            throw InvalidInput("\(place): \(error)")
        }
        let summary = RunSummary(result, version: "sweep")
        let kept = fields(result, summary: summary).filter { spec.keep.contains($0.key) }
        var axes: [String: JSONValue] = [:]
        for (axis, value) in zip(spec.axes, point.values) { axes[axis.key] = .number(value) }
        var line: [String: JSONValue] = ["index": .number(Double(point.index)), "key": .string(fnv1a(data)), "axes": .object(axes),
                                         "result": .object(kept)]
        if let seed = point.seed { line["seed"] = .number(Double(seed)) }
        return JSONValue.object(line).canonical
    }

    /// The fields a sweep can keep of a run (`SweepSpec.resultFields`).
    static func fields(_ result: RunResult, summary: RunSummary) -> [String: JSONValue] {
        func list(_ l: [LeaderPeriod]) -> JSONValue {
            .array(l.map { .object(["coordinate": .number(Double($0.coordinate)), "start": .number($0.start)]) })
        }
        let order = result.leaders.map(\.coordinate)
        return ["status": .string(result.status.rawValue), "regime": .string(result.regime.rawValue),
                "event_time": result.eventClock.map(JSONValue.number) ?? .null,
                result.clock == .step ? "steps" : "time": .number(result.endClock),
                "loss": summary.loss.map(JSONValue.number) ?? .null, "log_loss": .number(summary.logLoss),
                "margin": .number(summary.margin), "norm": .number(summary.norm), "beta": .array(summary.beta.map(JSONValue.number)),
                "direction": summary.direction.map { .array($0.map(JSONValue.number)) } ?? .null, "leader": .number(Double(order.last ?? 0)),
                "leader_absolute": .number(Double(result.leadersAbsolute.last?.coordinate ?? 0)), "leaders": list(result.leaders),
                "leaders_absolute": list(result.leadersAbsolute),
                "first_leader": .number(Double(order.first ?? 0)), "leader_count": .number(Double(order.count))]
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    }

    final class ErrorBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: InvalidInput?
        var error: InvalidInput? { lock.lock(); defer { lock.unlock() }; return stored }
        func set(_ e: InvalidInput) { lock.lock(); if stored == nil { stored = e }; lock.unlock() }
    }
}
