import Foundation

/// Adaptive step-size control for an embedded pair of orders 5(4): error norm, accept/reject decision, PI step
/// update (Hairer–Wanner / Gustafsson), and the automatic initial step (HNW I, II.4, "HINIT").
///
/// **Error norm.** For a step y → y_new with error estimate e (n components):
///
///     sc_i = atol + rtol · max(|y_i|, |y_new_i|)
///     err  = sqrt( (1/n) Σ_i (e_i / sc_i)² )
///
/// The step is accepted iff err ≤ 1.
///
/// **PI update.** With err_old the (floored at 1e-4) error of the previous accepted step (1 at the start),
/// α = 0.7/5 and β = 0.4/5:
///
///     accepted: h_new = h · min(facmax, max(facmin, safety · err^(−α) · err_old^β))
///               and h_new ≤ h if the previous attempt was rejected
///     rejected: h_new = h · max(facmin, safety · err^(−α))      (< h, since err > 1)
///
/// with safety = 0.9, facmin = 0.2, facmax = 10. A non-finite attempt counts as rejected with factor facmin.
///
/// **Limits.** `maxSteps` bounds the number of attempted steps (accepted + rejected); `minimumStep` is relative:
/// the solve stalls when h < minimumStep · max(|t|, 1e-12 |t1 − t0|) (a small share of the span floors the scale so t = 0 is handled),
/// i.e. when the step no longer changes t meaningfully. `maximumStep` caps |h| (default: no cap beyond t1 − t0).
public struct StepSizeController: Sendable, Equatable {
    /// Relative tolerance rtol (> 0, ≥ 10 ε).
    public var rtol: Double
    /// Absolute tolerance atol (> 0), the same for every component.
    public var atol: Double
    /// Maximum number of attempted steps (accepted + rejected) before the solve stalls.
    public var maxSteps: Int
    /// Relative step-size floor (underflow detection): stall when h < minimumStep · max(|t|, 1e-12 |t1 − t0|).
    public var minimumStep: Double
    /// Upper bound on the step size (`.infinity`: none).
    public var maximumStep: Double
    /// First step to try; nil selects it automatically (one extra evaluation of f).
    public var initialStep: Double?
    /// The safety factor (0.9) on the proposed step.
    public var safety: Double = 0.9
    /// facmin (0.2): the smallest factor by which h may shrink in one step.
    public var minimumFactor: Double = 0.2
    /// facmax (10): the largest factor by which h may grow in one step.
    public var maximumFactor: Double = 10
    /// Exponent α on the current error (0.7 / 5).
    public var alpha: Double = 0.7 / 5
    /// Exponent β on the previous error (0.4 / 5); β = 0 gives the classical I controller.
    public var beta: Double = 0.4 / 5

    /// A controller with the given tolerances and limits (the PI constants keep their defaults).
    public init(
        rtol: Double = 1e-6, atol: Double = 1e-9, maxSteps: Int = 100_000,
        minimumStep: Double = 4 * Double.ulpOfOne, maximumStep: Double = .infinity, initialStep: Double? = nil
    ) {
        self.rtol = rtol
        self.atol = atol
        self.maxSteps = maxSteps
        self.minimumStep = minimumStep
        self.maximumStep = maximumStep
        self.initialStep = initialStep
    }

    /// Throws `IntegratorError` naming the first invalid setting.
    public func validate() throws {
        func fail(_ message: String) -> IntegratorError { IntegratorError("StepSizeController: \(message)") }
        guard rtol.isFinite, rtol > 0 else { throw fail("rtol must be finite and positive, got \(rtol)") }
        guard rtol >= 10 * Double.ulpOfOne else {
            throw fail("rtol \(rtol) is below 10 ε = \(10 * Double.ulpOfOne), which double precision cannot meet")
        }
        guard atol.isFinite, atol > 0 else { throw fail("atol must be finite and positive, got \(atol)") }
        guard maxSteps > 0 else { throw fail("maxSteps must be positive, got \(maxSteps)") }
        guard minimumStep.isFinite, minimumStep >= 0 else {
            throw fail("minimumStep must be finite and non-negative, got \(minimumStep)")
        }
        guard !maximumStep.isNaN, maximumStep > 0 else { throw fail("maximumStep must be positive, got \(maximumStep)") }
        if let h = initialStep, !(h.isFinite && h > 0) {
            throw fail("initialStep must be finite and positive, got \(h)")
        }
        guard safety.isFinite, safety > 0, safety <= 1 else { throw fail("safety must be in (0, 1], got \(safety)") }
        guard minimumFactor.isFinite, minimumFactor > 0, minimumFactor < 1 else {
            throw fail("minimumFactor must be in (0, 1), got \(minimumFactor)")
        }
        guard maximumFactor.isFinite, maximumFactor > 1 else {
            throw fail("maximumFactor must be finite and > 1, got \(maximumFactor)")
        }
        guard alpha.isFinite, alpha > 0, beta.isFinite, beta >= 0 else {
            throw fail("alpha must be positive and beta non-negative, got alpha = \(alpha), beta = \(beta)")
        }
    }

    // MARK: - Error norm

    /// err = RMS_i e_i / (atol + rtol · max(|y_i|, |y_new_i|)). NaN if any input component is non-finite.
    public func errorNorm(
        error e: UnsafeBufferPointer<Double>, start y: UnsafeBufferPointer<Double>, end yNew: UnsafeBufferPointer<Double>
    ) -> Double {
        let n = e.count
        guard n > 0 else { return 0 }
        var sum = 0.0
        for i in 0..<n {
            guard e[i].isFinite, y[i].isFinite, yNew[i].isFinite else { return .nan }
            let r = e[i] / (atol + rtol * Swift.max(Swift.abs(y[i]), Swift.abs(yNew[i])))
            sum += r * r
        }
        return (sum / Double(n)).squareRoot()
    }

    /// The controller for a pair whose error estimate is O(h^k): α and β as stated are for k = 5, so both are
    /// scaled by 5/k (α = 0.7/k, β = 0.4/k at the defaults; Gustafsson's PI rule, HNW II, IV.2). k = 5 returns the
    /// controller unchanged.
    public func forErrorOrder(_ k: Int) -> StepSizeController {
        guard k != 5 else { return self }
        var c = self
        c.alpha = alpha * 5 / Double(k)
        c.beta = beta * 5 / Double(k)
        return c
    }

    // MARK: - Decision

    /// What the PI controller remembers between steps.
    public struct History: Sendable, Equatable {
        /// err of the last accepted step, floored at 1e-4 (1 before the first step).
        public var previousError: Double = 1
        /// Whether the last attempt was rejected (then the next accepted step may not grow h).
        public var lastRejected: Bool = false
        /// The history before the first step.
        public init() {}
    }

    /// Accept or reject a step of size h with error norm `err` (NaN or inf: non-finite attempt, rejected) and
    /// propose the next step size (before capping by `maximumStep` and the end of the interval).
    public func decide(step h: Double, error err: Double, history: inout History) -> (accepted: Bool, nextStep: Double) {
        guard err.isFinite else {
            history.lastRejected = true
            return (false, h * minimumFactor)
        }
        if err <= 1 {
            var factor = err == 0
                ? maximumFactor
                : safety * Foundation.pow(err, -alpha) * Foundation.pow(history.previousError, beta)
            factor = Swift.min(maximumFactor, Swift.max(minimumFactor, factor))
            if history.lastRejected { factor = Swift.min(factor, 1) }
            history.previousError = Swift.max(err, 1e-4)
            history.lastRejected = false
            return (true, h * factor)
        }
        let factor = Swift.max(minimumFactor, Swift.min(1, safety * Foundation.pow(err, -alpha)))
        history.lastRejected = true
        return (false, h * factor)
    }

    // MARK: - Initial step

    /// Hairer's automatic initial step for a method of order 5, using RMS norms scaled by sc_i = atol + rtol |y0_i|:
    ///
    ///     d0 = ‖y0‖, d1 = ‖f0‖;  h0 = 0.01 d0/d1  (1e-6 if d0 or d1 < 1e-5),  capped by hmax
    ///     f1 = f(t0 + h0, y0 + h0 f0)                                (the one extra evaluation)
    ///     d2 = ‖f1 − f0‖ / h0
    ///     h1 = (0.01 / max(d1, d2))^(1/5)   (max(1e-6, 1e-3 h0) if max(d1, d2) ≤ 1e-15)
    ///     h  = min(100 h0, h1, hmax)
    ///
    /// `scratch` must hold 2n values. If f1 is non-finite, h0 is returned (the step control then shrinks it).
    /// For a method of another `order` p, h1 = (0.01 / max(d1, d2))^(1/p).
    func automaticInitialStep<F: VectorField>(
        field: F, time t0: Double, state y0: UnsafeBufferPointer<Double>, derivative f0: UnsafeBufferPointer<Double>,
        maximum hmax: Double, scratch: UnsafeMutableBufferPointer<Double>, order: Int = 5
    ) -> Double {
        let n = y0.count
        var sy = 0.0, sf = 0.0
        for i in 0..<n {
            let sc = atol + rtol * Swift.abs(y0[i])
            sy += (y0[i] / sc) * (y0[i] / sc)
            sf += (f0[i] / sc) * (f0[i] / sc)
        }
        let d0 = (sy / Double(n)).squareRoot(), d1 = (sf / Double(n)).squareRoot()
        var h0 = (d0 < 1e-5 || d1 < 1e-5 || !d0.isFinite || !d1.isFinite) ? 1e-6 : 0.01 * d0 / d1
        h0 = Swift.min(h0, hmax)
        let y1 = UnsafeMutableBufferPointer(rebasing: scratch[0..<n])
        let f1 = UnsafeMutableBufferPointer(rebasing: scratch[n..<(2 * n)])
        for i in 0..<n { y1[i] = y0[i] + h0 * f0[i] }
        field.evaluate(time: t0 + h0, state: UnsafeBufferPointer(y1), derivative: f1)
        var sd = 0.0
        for i in 0..<n {
            let sc = atol + rtol * Swift.abs(y0[i])
            let r = (f1[i] - f0[i]) / sc
            sd += r * r
        }
        let d2 = (sd / Double(n)).squareRoot() / h0
        guard d2.isFinite else { return h0 }
        let der = Swift.max(d1, d2)
        let h1 = der <= 1e-15 ? Swift.max(1e-6, h0 * 1e-3) : Foundation.pow(0.01 / der, 1.0 / Double(order))
        return Swift.min(100 * h0, h1, hmax)
    }
}
