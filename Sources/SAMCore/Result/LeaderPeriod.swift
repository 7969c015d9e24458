/// A stretch of a run during which one coordinate leads the growth of |beta| (THEORY.md §2.1): from `start` until
/// the next period's start. For discrete runs `start` is the step k whose growth beta(k) -> beta(k+1) it leads;
/// for flows it is the time the leader took over.
public struct LeaderPeriod: Codable, Equatable, Sendable {
    /// 1-based coordinate, 0 when nothing grows.
    public var coordinate: Int
    /// A step (a whole number) or a time, per the run's clock.
    public var start: Double

    /// A period led by `coordinate` (1-based, 0 for none) from `start`.
    public init(coordinate: Int, start: Double) {
        self.coordinate = coordinate
        self.start = start
    }

    /// The start as a step number (discrete runs).
    public var startStep: Int { Int(start) }
}

/// A weight held at 0 by the sliding mode of a flow (THEORY.md §2.3, §6.1): when it reached 0 and, if it left
/// again, when.
public struct SlideRecord: Codable, Equatable, Sendable {
    /// 1-based index into the flattened weights (layer-major).
    public var parameter: Int
    /// 1-based layer of the weight (for the signed parametrization, 1 = u, 2 = v).
    public var layer: Int
    /// 1-based coordinate of the weight.
    public var coordinate: Int
    /// The time the weight reached 0 and began to slide.
    public var start: Double
    /// The time it was released (a one-sided field changed sign), or nil if it slid to the end.
    public var end: Double?

    /// A slide of weight `parameter` (layer `layer`, coordinate `coordinate`, all 1-based) from `start` until `end`.
    public init(parameter: Int, layer: Int, coordinate: Int, start: Double, end: Double? = nil) {
        self.parameter = parameter
        self.layer = layer
        self.coordinate = coordinate
        self.start = start
        self.end = end
    }
}

/// The first step during which one of a coordinate's weights changed sign or reached zero (discrete runs).
public struct ZeroCrossing: Codable, Equatable, Sendable {
    /// 1-based coordinate.
    public var coordinate: Int
    /// The step k whose update beta(k) -> beta(k+1) moved a weight of the coordinate across or onto zero.
    public var step: Int

    /// The first crossing of `coordinate`, at `step`.
    public init(coordinate: Int, step: Int) {
        self.coordinate = coordinate
        self.step = step
    }
}

/// The work of a flow's solver.
public struct SolverReport: Codable, Equatable, Sendable {
    /// Steps the error controller accepted.
    public var acceptedSteps: Int
    /// Steps it rejected and retried with a smaller size.
    public var rejectedSteps: Int
    /// Evaluations of the vector field.
    public var functionEvaluations: Int
    /// Integrations between events (a restart after each handled event).
    public var segments: Int
    /// The Runge–Kutta pair that ran (`dopri5` or `dop853`; key `method`), nil in summaries written before it was
    /// recorded.
    public var method: String?

    /// A report with the given counts (all zero by default).
    public init(acceptedSteps: Int = 0, rejectedSteps: Int = 0, functionEvaluations: Int = 0, segments: Int = 0,
                method: String? = nil) {
        self.method = method
        self.acceptedSteps = acceptedSteps
        self.rejectedSteps = rejectedSteps
        self.functionEvaluations = functionEvaluations
        self.segments = segments
    }

    enum CodingKeys: String, CodingKey {
        case acceptedSteps = "accepted_steps", rejectedSteps = "rejected_steps"
        case functionEvaluations = "function_evaluations", segments, method
    }
}
