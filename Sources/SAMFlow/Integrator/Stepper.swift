/// What `Integrator.solve` needs of an embedded Runge–Kutta stepper (`DormandPrince54`, `DormandPrince853`):
/// load a state, attempt a step, measure its error, complete an accepted step (with its dense output), accept it,
/// interpolate. Internal: the steppers' own public API is documented on each.
protocol _Stepper: AnyObject {
    /// The dense output's layout.
    static var scheme: DenseScheme { get }
    /// The order used by the automatic initial step (HNW's HINIT).
    static var order: Int { get }
    /// k in err = O(h^k): the PI exponents are scaled by 5 / k (`StepSizeController.forErrorOrder`).
    static var errorOrder: Int { get }
    /// Evaluations of f per attempt.
    static var evaluationsPerStep: Int { get }

    init(dimension: Int) throws
    var state: UnsafeBufferPointer<Double> { get }
    var derivative: UnsafeBufferPointer<Double> { get }
    var trialState: UnsafeBufferPointer<Double> { get }
    var denseCoefficients: UnsafeBufferPointer<Double> { get }
    var denseInterval: (start: Double, end: Double)? { get }
    func reset<F: VectorField>(field: F, time t: Double, state initial: [Double]) throws -> Bool
    func attempt<F: VectorField>(field: F, to tNew: Double) -> Bool
    func errorNorm(_ controller: StepSizeController) -> Double
    /// After an attempt with err ≤ 1: whatever else the accepted step needs (and its dense output when `dense`);
    /// false rejects the step.
    func complete<F: VectorField>(field: F, dense: Bool) -> (finite: Bool, evaluations: Int)
    func acceptStep()
    func interpolate(at t: Double, into out: UnsafeMutableBufferPointer<Double>)
}

extension DormandPrince54: _Stepper {
    static var scheme: DenseScheme { .dopri5 }
    static var errorOrder: Int { 5 }

    func errorNorm(_ controller: StepSizeController) -> Double {
        controller.errorNorm(error: errorEstimate, start: state, end: trialState)
    }

    /// The dense output is free (no evaluations) and always prepared, as before DOP853 existed.
    func complete<F: VectorField>(field: F, dense: Bool) -> (finite: Bool, evaluations: Int) {
        (prepareDenseOutput(), 0)
    }
}

extension DormandPrince853: _Stepper {
    static var scheme: DenseScheme { .dop853 }

    func complete<F: VectorField>(field: F, dense: Bool) -> (finite: Bool, evaluations: Int) {
        prepareDenseOutput(field: field, dense: dense)
    }
}

/// Copies `initial` into `y` and evaluates k1 = f(t, y) into `k1` (a stepper's `reset`): whether both are finite.
/// Throws when the state's or the field's dimension is not `y.count`.
func _load<F: VectorField>(
    _ initial: [Double], at t: Double, of field: F, into y: UnsafeMutableBufferPointer<Double>,
    derivative k1: UnsafeMutableBufferPointer<Double>, stepper: String
) throws -> Bool {
    let n = y.count
    guard initial.count == n, field.dimension == n else {
        throw IntegratorError(
            "\(stepper): expected dimension \(n), got a state of \(initial.count) and a field of \(field.dimension)")
    }
    for i in 0..<n { y[i] = initial[i] }
    field.evaluate(time: t, state: UnsafeBufferPointer(y), derivative: k1)
    return DormandPrince54.allFinite(y) && DormandPrince54.allFinite(k1)
}
