/// A stretch of a run during which one coordinate leads the growth of |beta| (THEORY.md §2.1): from `start` until
/// the next period's start. For discrete runs `start` is the step k whose growth beta(k) -> beta(k+1) it leads;
/// for flows it is the time the leader took over.
public struct LeaderPeriod: Codable, Equatable, Sendable {
    /// 1-based coordinate, 0 when nothing grows.
    public var coordinate: Int
    /// A step (a whole number) or a time, per the run's clock.
    public var start: Double

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
    public var layer: Int
    public var coordinate: Int
    public var start: Double
    public var end: Double?

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
    public var coordinate: Int
    public var step: Int

    public init(coordinate: Int, step: Int) {
        self.coordinate = coordinate
        self.step = step
    }
}

/// The work of a flow's solver.
public struct SolverReport: Codable, Equatable, Sendable {
    public var acceptedSteps: Int
    public var rejectedSteps: Int
    public var functionEvaluations: Int
    /// Integrations between events (a restart after each handled event).
    public var segments: Int

    public init(acceptedSteps: Int = 0, rejectedSteps: Int = 0, functionEvaluations: Int = 0, segments: Int = 0) {
        self.acceptedSteps = acceptedSteps
        self.rejectedSteps = rejectedSteps
        self.functionEvaluations = functionEvaluations
        self.segments = segments
    }

    enum CodingKeys: String, CodingKey {
        case acceptedSteps = "accepted_steps", rejectedSteps = "rejected_steps"
        case functionEvaluations = "function_evaluations", segments
    }
}
