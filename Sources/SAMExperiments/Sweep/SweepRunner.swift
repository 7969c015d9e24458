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
        /// Points run now (and stored).
        public var ran: Int
        /// Whether `shouldStop` stopped the run (some pending points may be left; `ran < total - skipped`).
        public var interrupted = false
        /// Points that were running when the run stopped and were given up (not stored; a rerun runs them).
        public var abandoned = 0
    }

    /// Runs the sweep's pending points (of `shard`, if given) on `jobs` threads into `directory`'s store, writing
    /// `spec.json` beside it; `progress` gets (done, total).
    ///
    /// The store is locked for the whole run: a second writer on the same directory is refused. The points are
    /// made one at a time from their indices, so memory does not grow with the grid. Once `shouldStop` returns true
    /// (it is polled every 50 ms), no new point starts; the points in flight get `grace` seconds to finish and be
    /// stored, the others are abandoned, and the outcome says `interrupted`. Every stored point is complete (and
    /// fsynced by the time the store closes: `SweepStore`), so a rerun resumes where this run stopped.
    public static func run(_ spec: SweepSpec, specText: Data, directory: String, jobs: Int, shard: Shard?,
                           progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
                           shouldStop: @escaping @Sendable () -> Bool = { false }, grace: TimeInterval = 5) throws(InvalidInput) -> Outcome {
        try AtomicFile.makeDirectory(directory)
        let specPath = (directory as NSString).appendingPathComponent("spec.json")
        let count = spec.pointCount
        let store = SweepStore(directory: directory)
        var stored: [(index: Int, key: String)] = []
        try store.open { record throws(InvalidInput) in stored.append((record.index, record.key)) }
        defer { store.close() }
        if FileManager.default.fileExists(atPath: specPath) {
            let old = try SweepSpec(json: try InputFile.read(specPath), source: specPath)
            guard old.keep == spec.keep else {
                throw InvalidInput("\(directory) holds a sweep that keeps \(old.keep), not \(spec.keep): use a new result directory")
            }
        }
        var done = Set<Int>()
        for record in stored {
            guard record.index < count, spec.key(for: spec.point(at: record.index)) == record.key else {
                throw InvalidInput("the spec has changed: finished point \(record.index) in \(store.path) is not the same point in this spec; use a new result directory")
            }
            done.insert(record.index)
        }
        stored = []
        try AtomicFile.write(specText, to: specPath)
        let first = shard?.index ?? 0, step = shard?.count ?? 1
        let total = first < count ? (count - first + step - 1) / step : 0
        let pendingCount = total - done.filter { $0 % step == first }.count
        let cursor = Cursor(first: first, step: step, end: count, done: done)
        let completed = Counter(), failure = ErrorBox(), stopping = Flag()
        let group = DispatchGroup()
        for _ in 0..<max(1, min(jobs, pendingCount)) {
            group.enter()
            let worker = Thread {
                defer { group.leave() }
                while failure.error == nil, !stopping.isSet, let i = cursor.next() {
                    do {
                        let line = try record(spec, spec.point(at: i))
                        try store.append(line)
                        progress(completed.increment(), pendingCount)
                    } catch let error as InvalidInput {
                        failure.set(error)
                    } catch {
                        failure.set(InvalidInput("\(error)"))
                    }
                }
            }
            worker.stackSize = 8 << 20
            worker.start()
        }
        var deadline: Date?
        while group.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            if deadline == nil, shouldStop() {
                stopping.set()
                deadline = Date().addingTimeInterval(grace)
            }
            if let deadline, Date() >= deadline { break }  // abandon the points still running
        }
        // Closing waits for an append in progress; an abandoned point finishing later cannot write any more.
        store.close()
        if let error = failure.error { throw error }
        let ran = completed.value
        return Outcome(total: total, skipped: total - pendingCount, ran: ran, interrupted: deadline != nil,
                       abandoned: max(0, cursor.taken - ran))
    }

    /// Runs one point and returns its JSON line. The point's data are loaded and checked as `train` / `flow` do.
    static func record(_ spec: SweepSpec, _ point: SweepSpec.Point) throws(InvalidInput) -> String {
        let data = spec.configurationData(for: point)
        let place = "point \(point.index) (\(zip(spec.axes, point.values).map { "\($0.key) = \($1)" }.joined(separator: ", ")))"
        var run: RunSpec
        do { run = try spec.runSpec(for: point) } catch { throw InvalidInput("\(place): \(error)") }
        // A sweep keeps summaries only: no trajectory rows for flows, no beta in the rows of discrete runs. With
        // sharpness, which is measured at every recorded row, a discrete run records only its first and last steps.
        if run.clock == .time { run.record = .times([]) }
        if run.sharpness, let steps = run.discrete?.steps { run.record = .every(Double(max(steps, 1))) }
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
        for (axis, value) in zip(spec.axes, point.values) { axes[axis.key] = axis.json(value) }
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
        var fields: [String: JSONValue] = ["status": .string(result.status.rawValue), "regime": .string(result.regime.rawValue),
                "event_time": result.eventClock.map(JSONValue.number) ?? .null,
                result.clock == .step ? "steps" : "time": .number(result.endClock),
                "loss": summary.loss.map(JSONValue.number) ?? .null,
                "log_loss": summary.logLoss.isFinite ? .number(summary.logLoss) : .null,
                "margin": summary.margin.isFinite ? .number(summary.margin) : .null, "norm": .number(summary.norm), "beta": .array(summary.beta.map(JSONValue.number)),
                "direction": summary.direction.map { .array($0.map(JSONValue.number)) } ?? .null, "leader": .number(Double(order.last ?? 0)),
                "leader_absolute": .number(Double(result.leadersAbsolute.last?.coordinate ?? 0)), "leaders": list(result.leaders),
                "leaders_absolute": list(result.leadersAbsolute),
                "first_leader": .number(Double(order.first ?? 0)), "leader_count": .number(Double(order.count))]
        if let mse = summary.mse { fields["mse"] = .number(mse) }
        if let s = summary.sharpness {
            let values = ["lambda_max": s.lambdaMax, "hessian_trace": s.hessianTrace, "gd_edge": s.gdEdge, "sam_edge": s.samEdge]
            for (key, value) in values { fields[key] = value.map(JSONValue.number) ?? .null }
        }
        return fields
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() -> Int { lock.lock(); defer { lock.unlock() }; count += 1; return count }
        var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
        func set() { lock.lock(); value = true; lock.unlock() }
    }

    /// Hands out the indices of the pending points (of the shard) in order, skipping the finished ones.
    final class Cursor: @unchecked Sendable {
        private let lock = NSLock()
        private var position: Int
        private let step: Int, end: Int, done: Set<Int>
        private var handedOut = 0
        init(first: Int, step: Int, end: Int, done: Set<Int>) {
            position = first
            self.step = step
            self.end = end
            self.done = done
        }
        func next() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            while position < end, done.contains(position) { position += step }
            guard position < end else { return nil }
            defer { position += step }
            handedOut += 1
            return position
        }
        var taken: Int { lock.lock(); defer { lock.unlock() }; return handedOut }
    }

    final class ErrorBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: InvalidInput?
        var error: InvalidInput? { lock.lock(); defer { lock.unlock() }; return stored }
        func set(_ e: InvalidInput) { lock.lock(); if stored == nil { stored = e }; lock.unlock() }
    }
}
