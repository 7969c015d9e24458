import Foundation

/// Where the solution is sampled for `ODESolution.times` / `.states`.
///
/// Every choice always includes t0 (the initial state) and the final time (t1, or where the solve stopped:
/// a terminal event, a stall, a non-finite value). Values between step endpoints come from the dense output
/// (4th-order continuous extension); the step sequence is never forced onto the grid, so the grid does not
/// change the accuracy or cost of the solve. If the solve stops early, grid times after the stop are omitted.
public enum SaveAt: Sendable, Equatable {
    /// Only t0 and the final time.
    case endpoints
    /// The given times: finite, strictly increasing, within [t0, t1] (t0 itself is the always-present first sample).
    case times([Double])
    /// t0 + k·dt for k = 1, 2, … while < t1, then t1 (a grid time within 1e-10·dt of t1 merges into t1).
    case every(Double)
    /// `count` log-spaced offsets from t0: t0 + first·(T/first)^(k/(count−1)), k = 0…count−1, T = t1 − t0
    /// (so the last is t1); needs count ≥ 2 and 0 < first < T. With t0 = 0 these are the times themselves.
    case log(count: Int, first: Double)
    /// Every accepted step endpoint (no interpolation).
    case steps

    /// The largest grid this type will build.
    public static let maximumCount = 10_000_000

    /// The requested times strictly after t0 (sorted, strictly increasing, ≤ t1). Empty for `.endpoints`/`.steps`.
    func grid(from t0: Double, to t1: Double) throws -> [Double] {
        func fail(_ message: String) -> IntegratorError { IntegratorError("SaveAt.\(message)") }
        switch self {
        case .endpoints, .steps:
            return []
        case .times(let times):
            guard times.count <= Self.maximumCount else {
                throw fail("times: \(times.count) times exceed the limit of \(Self.maximumCount)")
            }
            var grid: [Double] = []
            grid.reserveCapacity(times.count)
            for (k, t) in times.enumerated() {
                guard t.isFinite else { throw fail("times: time \(k) is not finite (\(t))") }
                guard t >= t0, t <= t1 else { throw fail("times: time \(k) = \(t) is outside [t0, t1] = [\(t0), \(t1)]") }
                if k > 0, !(t > times[k - 1]) {
                    throw fail("times: times must be strictly increasing (time \(k) = \(t) after \(times[k - 1]))")
                }
                if t > t0 { grid.append(t) }
            }
            return grid
        case .every(let dt):
            guard dt.isFinite, dt > 0 else { throw fail("every: dt must be finite and positive, got \(dt)") }
            let count = ((t1 - t0) / dt).rounded(.up)
            guard count <= Double(Self.maximumCount) else {
                throw fail("every: dt = \(dt) gives \(count) times on [\(t0), \(t1)], over the limit of \(Self.maximumCount)")
            }
            var grid: [Double] = []
            grid.reserveCapacity(Int(count) + 1)
            var k = 1.0
            while true {
                let t = t0 + k * dt
                if t >= t1 || t1 - t <= 1e-10 * dt { break }
                if t > t0 && (grid.last.map { t > $0 } ?? true) { grid.append(t) }
                k += 1
            }
            grid.append(t1)
            return grid
        case .log(let count, let first):
            let span = t1 - t0
            guard count >= 2, count <= Self.maximumCount else {
                throw fail("log: count must be in 2...\(Self.maximumCount), got \(count)")
            }
            guard first.isFinite, first > 0, first < span else {
                throw fail("log: first must be in (0, t1 - t0) = (0, \(span)), got \(first)")
            }
            let logRatio = Foundation.log(span / first)
            var grid: [Double] = []
            grid.reserveCapacity(count)
            for k in 0..<count {
                let offset = k == count - 1 ? span : first * Foundation.exp(logRatio * Double(k) / Double(count - 1))
                let t = k == count - 1 ? t1 : t0 + offset
                if t > t0, t <= t1, grid.last.map({ t > $0 }) ?? true { grid.append(t) }
            }
            return grid
        }
    }
}
