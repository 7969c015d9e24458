/// Work counters of a solve.
public struct SolverStatistics: Sendable, Equatable, CustomStringConvertible {
    /// Accepted steps.
    public var acceptedSteps: Int = 0
    /// Rejected step attempts (error too large or non-finite values).
    public var rejectedSteps: Int = 0
    /// Evaluations of f: 1 at t0, 1 for the automatic initial step, then 6 per attempted step with DOPRI5; with
    /// DOP853 11 per attempted step, 1 more per accepted step and 3 more per step whose dense output is built.
    public var functionEvaluations: Int = 0

    /// Counters with the given values (zero by default).
    public init(acceptedSteps: Int = 0, rejectedSteps: Int = 0, functionEvaluations: Int = 0) {
        self.acceptedSteps = acceptedSteps
        self.rejectedSteps = rejectedSteps
        self.functionEvaluations = functionEvaluations
    }

    /// "A accepted, R rejected, E evaluations".
    public var description: String {
        "\(acceptedSteps) accepted, \(rejectedSteps) rejected, \(functionEvaluations) evaluations"
    }
}
