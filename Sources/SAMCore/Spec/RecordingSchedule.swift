import Foundation

/// Which states a run's trajectory keeps: every k-th step (or every dt of time), about n on a log-spaced grid, or
/// the listed times. The first and the last state are always kept. The same schedule serves discrete runs (in
/// steps) and flows (in time); `every` must be a whole number of steps for a discrete run, and `times` is for flows.
public enum RecordingSchedule: Sendable, Equatable {
    /// Every k-th step, or every dt of time.
    case every(Double)
    /// About n states on a log-spaced grid.
    case log(Int)
    /// The listed times (flows only).
    case times([Double])

    /// The default of both kinds of run: about 200 log-spaced states.
    public static let standard = RecordingSchedule.log(200)

    /// The most states a trajectory may keep: 10^7 (a row is about a hundred bytes before its beta, and
    /// trajectory.csv about as much again). A schedule that would keep more is refused when the spec is validated,
    /// before anything runs, instead of being discovered by swapping.
    public static let maximumStates = 10_000_000

    /// How many states this schedule keeps, at most, over a run of `extent` steps (`clock` .step) or `extent` time
    /// (.time), the first and the last included. A bound, not an exact count: the checks compare it with
    /// `maximumStates`.
    public func stateCount(clock: Clock, extent: Double) -> Double {
        switch self {
        case .every(let k):
            // Steps 0, k, 2k, ... and the last; times k dt below the end, with 0 and the end.
            return clock == .step ? (extent / k).rounded(.down) + (extent.truncatingRemainder(dividingBy: k) == 0 ? 1 : 2)
                                  : (extent / k).rounded(.up) + 1
        case .log(let n): return clock == .step ? min(Double(n) + 2, extent + 1) : Double(n) + 2
        case .times(let t): return Double(t.count) + 2
        }
    }

    /// Checks that the schedule keeps at most `maximumStates` states over a run of `extent` (steps or time).
    /// The error names the field `record`.
    public func validateSize(clock: Clock, extent: Double) throws(SpecError) {
        let states = stateCount(clock: clock, extent: extent)
        guard states <= Double(Self.maximumStates) else {
            let count = states < 1e15 ? "\(Int(states))" : "\(states)"
            let over = clock == .step ? "\(Int(extent)) steps" : "a time of \(extent)"
            throw .inconsistent(field: "record", detail: "\(text(clock: clock)) would keep \(count) states over \(over), more than the limit of \(Self.maximumStates): record less often (a larger every= or log=N)")
        }
    }

    /// Parses `every=10`, `log=200` or (flows) `times=0.5,1,2` (`times=` alone: only the first and the last state).
    /// Errors name the field `record`.
    public init(parsing text: String, clock: Clock) throws(SpecError) {
        func fail(_ detail: String) -> SpecError { .inconsistent(field: "record", detail: detail) }
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        switch clock {
        case .step:
            guard parts.count == 2, let k = Int(parts[1]), ["every", "log"].contains(parts[0]) else {
                throw fail("must be every=K or log=N (got '\(text)')")
            }
            if parts[0] == "every" {
                guard k >= 1 else { throw fail("every=K needs K >= 1 (got \(k))") }
                self = .every(Double(k))
            } else {
                guard k >= 2 else { throw fail("log=N needs N >= 2 (got \(k))") }
                self = .log(k)
            }
        case .time:
            guard parts.count == 2 else { throw fail("must be every=DT, log=N or times=T1,T2,... (got '\(text)')") }
            switch parts[0] {
            case "every":
                guard let dt = Double(parts[1]), dt.isFinite, dt > 0 else { throw fail("every=DT needs a positive DT (got '\(parts[1])')") }
                self = .every(dt)
            case "log":
                guard let n = Int(parts[1]), n >= 2 else { throw fail("log=N needs an integer N >= 2 (got '\(parts[1])')") }
                self = .log(n)
            case "times":
                var times = [Double]()
                for token in parts[1].split(separator: ",") {
                    guard let t = Double(token.trimmingCharacters(in: .whitespaces)), t.isFinite, t > 0 else {
                        throw fail("times= needs positive finite times (got '\(token)')")
                    }
                    times.append(t)
                }
                // `times=` alone keeps only the first and the last state.
                guard zip(times, times.dropFirst()).allSatisfy({ $0 < $1 }) else {
                    throw fail("times= needs increasing times")
                }
                self = .times(times)
            default:
                throw fail("must be every=DT, log=N or times=T1,T2,... (got '\(text)')")
            }
        }
    }

    /// The schedule as text: `every=10` for steps, `every=0.5` for times, `log=200`, `times=0.5,1.0`.
    public func text(clock: Clock) -> String {
        switch self {
        case .every(let k): "every=\(clock.text(k))"
        case .log(let n): "log=\(n)"
        case .times(let t): "times=" + t.map { "\($0)" }.joined(separator: ",")
        }
    }

    /// Checks that the schedule suits a run counted in `clock`.
    public func validate(clock: Clock) throws(SpecError) {
        _ = try RecordingSchedule(parsing: text(clock: clock), clock: clock)
    }

    /// The recorded steps of a run of `total` steps, ascending, without repeats (0 and `total` included).
    public func steps(total: Int) -> [Int] {
        var steps = Set([0, total])
        switch self {
        case .every(let k):
            for s in stride(from: 0, through: total, by: max(1, Int(k))) { steps.insert(s) }
        case .log(let n):
            if total > 0 {
                let top = Foundation.log(Double(total))
                for i in 0..<n {
                    steps.insert(min(total, Int((Foundation.exp(top * Double(i) / Double(n - 1))).rounded())))
                }
            }
        case .times(let t):
            for s in t where s >= 0 && s <= Double(total) { steps.insert(Int(s)) }
        }
        return steps.sorted()
    }

    /// The requested times in (0, end), ascending (0 and the end are kept by the runner).
    public func times(end: Double) -> [Double] {
        switch self {
        case .every(let dt):
            var out = [Double]()
            var k = 1.0
            while k * dt < end * (1 - 1e-12) && out.count < 10_000_000 {
                out.append(k * dt)
                k += 1
            }
            return out
        case .log(let n):
            // From 1e-3 (or end / 10^4 for short runs), so that long log-time runs show their early phase too.
            let first = min(end * 1e-4, 1e-3)
            return (0..<n).map { first * Foundation.pow(end / first, Double($0) / Double(n - 1)) }.filter { $0 < end }
        case .times(let t):
            return t.filter { $0 < end }
        }
    }
}
