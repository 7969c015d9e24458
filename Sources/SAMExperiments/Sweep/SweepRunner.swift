import Foundation
import SAMAnalysis
import SAMCore
import SAMFlow

/// Runs the points of a sweep on `jobs` threads, skipping finished ones, and keeps the chosen result fields.
public enum SweepRunner {
    public struct Shard: Sendable, Equatable {
        public var index: Int
        public var count: Int

        /// `i/n` with 0 <= i < n (Slurm: --array=0-(n-1)).
        public init(parsing text: String) throws(InvalidInput) {
            let parts = text.split(separator: "/").map { Int($0) }
            guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, i >= 0, i < n else {
                throw InvalidInput("--shard must be i/n with 0 <= i < n (got '\(text)')")
            }
            index = i
            count = n
        }

        public init(index: Int, count: Int) {
            self.index = index
            self.count = count
        }
    }

    public struct Outcome: Sendable {
        public var total: Int
        public var skipped: Int
        public var ran: Int
    }

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
                throw InvalidInput("\(directory) holds a sweep that keeps \(old.keep), not \(spec.keep): use a new --out directory")
            }
        }
        for record in done {
            guard keys[record.key] == record.index else {
                throw InvalidInput("the spec has changed: finished point \(record.index) in \(store.path) is not the same point in this spec; use a new --out directory")
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

    /// Runs one point and returns its JSON line.
    static func record(_ spec: SweepSpec, _ point: SweepSpec.Point) throws(InvalidInput) -> String {
        let data = spec.configurationData(for: point)
        var result: [String: JSONValue] = [:]
        switch try spec.configuration(for: point) {
        case .train(let c):
            let trainer = try Trainer(configuration: c, dataset: try c.data.load(), recordsBeta: false)
            trainer.run()
            let summary = RunSummary(trainer: trainer, version: "sweep")
            result = fields(status: summary.status.rawValue, leaders: summary.leaders.map { ($0.coordinate, Double($0.start)) },
                            absolute: summary.leadersAbsolute.map { ($0.coordinate, Double($0.start)) }, beta: summary.beta,
                            direction: summary.direction, eventTime: summary.eventStep.map(Double.init), loss: summary.loss,
                            logLoss: summary.logLoss, margin: summary.margin, norm: summary.norm, clock: Double(summary.steps),
                            data: c.data, clockKey: "steps")
        case .flow(let c):
            var quiet = c
            quiet.record = .times([])
            let runner = try FlowRunner(configuration: quiet, dataset: try c.data.load())
            let outcome = runner.run()
            let summary = FlowSummary(outcome: outcome, runner: runner, version: "sweep")
            result = fields(status: summary.status.rawValue, leaders: summary.leaders.map { ($0.coordinate, $0.start) },
                            absolute: summary.leadersAbsolute.map { ($0.coordinate, $0.start) }, beta: summary.beta,
                            direction: summary.direction, eventTime: summary.eventTime, loss: summary.loss, logLoss: summary.logLoss,
                            margin: summary.margin, norm: summary.norm, clock: summary.time, data: c.data, clockKey: "time")
        }
        let kept = result.filter { spec.keep.contains($0.key) }
        var axes: [String: JSONValue] = [:]
        for (axis, value) in zip(spec.axes, point.values) { axes[axis.key] = .number(value) }
        var line: [String: JSONValue] = ["index": .number(Double(point.index)), "key": .string(fnv1a(data)), "axes": .object(axes),
                                         "result": .object(kept)]
        if let seed = point.seed { line["seed"] = .number(Double(seed)) }
        return JSONValue.object(line).canonical
    }

    static func fields(status: String, leaders: [(Int, Double)], absolute: [(Int, Double)], beta: [Double], direction: [Double]?,
                       eventTime: Double?, loss: Double?, logLoss: Double, margin: Double, norm: Double, clock: Double,
                       data: DataSource, clockKey: String) -> [String: JSONValue] {
        func list(_ l: [(Int, Double)]) -> JSONValue {
            .array(l.map { .object(["coordinate": .number(Double($0.0)), "start": .number($0.1)]) })
        }
        let order = leaders.map(\.0)
        // The regime of a single-example run, read off its leaders (PAPER.md: collapse / minor-first / major-first).
        var regime = "other"
        if status == "collapsed" { regime = "collapse" } else if case .singleExample(let mu) = data,
                                                                 let major = mu.indices.max(by: { mu[$0] < mu[$1] }).map({ $0 + 1 }) {
            if order == [major] { regime = "major-first" } else if order.count > 1, order.last == major, order.first! < major,
                                                                   order == order.sorted() { regime = "minor-first" }
        }
        return ["status": .string(status), "regime": .string(regime), "event_time": eventTime.map(JSONValue.number) ?? .null,
                clockKey: .number(clock), "loss": loss.map(JSONValue.number) ?? .null, "log_loss": .number(logLoss),
                "margin": .number(margin), "norm": .number(norm), "beta": .array(beta.map(JSONValue.number)),
                "direction": direction.map { .array($0.map(JSONValue.number)) } ?? .null, "leader": .number(Double(order.last ?? 0)),
                "leader_absolute": .number(Double(absolute.last?.0 ?? 0)), "leaders": list(leaders), "leaders_absolute": list(absolute),
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
