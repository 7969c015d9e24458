/// The dense output of a whole solve: the piecewise continuous extension (4th order with DOPRI5, 7th with
/// DOP853) over every accepted step,
/// a C¹ function of t on [start, end] (end = the solve's final time; a terminal event ends it at the root).
///
/// Storage is 6n (DOPRI5) or 9n (DOP853) doubles per accepted step (the interpolant and the field at the step's start). Evaluation finds the step by binary search (O(log steps)) and
/// evaluates its interpolant (O(n)); a step boundary is evaluated with the later step, which starts exactly
/// at the accepted state.
public struct DenseOutput: Sendable, Equatable {
    /// n, the length of the state.
    public let dimension: Int
    /// Start time of each step, increasing.
    public let stepStarts: [Double]
    /// End time of each step (stepEnds[k] == stepStarts[k + 1]).
    public let stepEnds: [Double]
    /// r1…r5 (or r1…r8) of every step, `scheme.blocks` · n values per step.
    let coefficients: [Double]
    /// The layout and formula of each step's coefficients.
    public let scheme: DenseScheme
    /// The valid range: [stepStarts.first, final time of the solve].
    public let start: Double
    /// The final time of the solve (the end of the valid range).
    public let end: Double
    /// f(t_k, y_k) at the start of every step k, n values per step, as the solver evaluated it there (its first
    /// stage, or the previous step's FSAL stage): the field at `evaluate(at: stepStarts[k])`, which returns y_k's own
    /// bits (θ = 0 gives r1 = y_k). Empty when the solve did not keep it.
    let stepDerivatives: [Double]

    init(
        dimension: Int, stepStarts: [Double], stepEnds: [Double], coefficients: [Double], start: Double, end: Double,
        scheme: DenseScheme = .dopri5, stepDerivatives: [Double] = []
    ) {
        self.scheme = scheme
        self.stepDerivatives = stepDerivatives
        self.dimension = dimension
        self.stepStarts = stepStarts
        self.stepEnds = stepEnds
        self.coefficients = coefficients
        self.start = start
        self.end = end
    }

    /// The number of accepted steps covered.
    public var stepCount: Int { stepStarts.count }

    /// The interpolant of step k.
    public func segment(_ k: Int) -> DenseSegment? {
        guard k >= 0, k < stepCount else { return nil }
        let n = scheme.blocks * dimension
        return DenseSegment(
            start: stepStarts[k], end: stepEnds[k], dimension: dimension,
            coefficients: Array(coefficients[(k * n)..<((k + 1) * n)]), scheme: scheme)
    }

    /// Index of the step whose interval contains t (the later one at a boundary), nil outside [start, end].
    public func stepIndex(containing t: Double) -> Int? {
        guard t >= start, t <= end, !stepStarts.isEmpty else { return nil }
        var lo = 0, hi = stepStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if stepStarts[mid] <= t { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Calls `body` with f(t_k, y_k) of step k (`stepDerivatives`), or with nil when the solve did not keep it.
    func withStartDerivative<R>(ofStep k: Int, _ body: (UnsafeBufferPointer<Double>?) -> R) -> R {
        guard stepDerivatives.count == stepCount * dimension, k >= 0, k < stepCount else { return body(nil) }
        return stepDerivatives.withUnsafeBufferPointer {
            body(UnsafeBufferPointer(rebasing: $0[(k * dimension)..<((k + 1) * dimension)]))
        }
    }

    /// u(t) for t in [start, end]; nil outside.
    public func evaluate(at t: Double) -> [Double]? {
        guard stepIndex(containing: t) != nil else { return nil }
        return [Double](unsafeUninitializedCapacity: dimension) { buffer, count in
            _ = self.evaluate(at: t, into: buffer)
            count = dimension
        }
    }

    /// Writes u(t) into `out` (≥ `dimension` values) without allocating. Returns false (writing nothing) if t is
    /// outside [start, end].
    @discardableResult
    public func evaluate(at t: Double, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        guard let k = stepIndex(containing: t) else { return false }
        interpolate(step: k, at: t, into: out)
        return true
    }

    /// u(t) on step k's interpolant into `out` (k a valid step index).
    func interpolate(step k: Int, at t: Double, into out: UnsafeMutableBufferPointer<Double>) {
        let n = scheme.blocks * dimension
        coefficients.withUnsafeBufferPointer { all in
            let r = UnsafeBufferPointer(rebasing: all[(k * n)..<((k + 1) * n)])
            scheme.interpolate(
                coefficients: r, dimension: dimension, start: stepStarts[k], end: stepEnds[k], at: t, into: out)
        }
    }
}
