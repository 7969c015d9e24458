/// How a run moves: discrete steps or a flow (THEORY.md §1.4, §1.5).
public enum DynamicsSpec: Sendable, Equatable {
    /// w <- w - eta d(w) for `steps` steps (keys `lr`, `steps`).
    case discrete(DiscreteSettings)
    /// dw/dt = -d(w) integrated to `time` (keys `time`, `rescaled`, `log_time`, `rtol`, `atol`, `blowup_norm`,
    /// `loss_tolerance`).
    case flow(FlowSettings)

    /// What the run counts in.
    public var clock: Clock {
        switch self {
        case .discrete: .step
        case .flow: .time
        }
    }

    /// The default settings of a kind of run.
    public static func standard(_ clock: Clock) -> DynamicsSpec {
        clock == .step ? .discrete(DiscreteSettings()) : .flow(FlowSettings())
    }

    /// The discrete settings, or nil for a flow.
    public var discrete: DiscreteSettings? {
        if case .discrete(let s) = self { return s }
        return nil
    }

    /// The flow settings, or nil for a discrete run.
    public var flow: FlowSettings? {
        if case .flow(let s) = self { return s }
        return nil
    }
}

/// The settings of a discrete run.
public struct DiscreteSettings: Sendable, Equatable {
    /// The step size eta > 0 (key `lr`).
    public var learningRate: Double
    /// The number of steps (key `steps`).
    public var steps: Int

    /// The values a spec takes when it leaves `lr` or `steps` out.
    public enum Defaults {
        /// eta = 0.1.
        public static let learningRate = 0.1
        /// 1000 steps.
        public static let steps = 1000
    }

    /// Discrete settings with the given step size and number of steps.
    public init(learningRate: Double = Defaults.learningRate, steps: Int = Defaults.steps) {
        self.learningRate = learningRate
        self.steps = steps
    }

    /// The spec keys of a discrete run.
    public static let keys = ["lr", "steps"]

    /// Checks eta > 0 (finite) and steps >= 0.
    public func validate() throws(SpecError) {
        guard learningRate.isFinite, learningRate > 0 else {
            throw .outOfRange(field: "lr", value: "\(learningRate)", requirement: "must be positive")
        }
        guard steps >= 0 else { throw .outOfRange(field: "steps", value: "\(steps)", requirement: "must be non-negative") }
    }
}

/// The settings of a flow: where it ends, how it is integrated, and its terminal events.
public struct FlowSettings: Sendable, Equatable {
    /// End time, in the flow's own time (rescaled time with `rescaled`) (key `time`).
    public var time: Double
    /// Divide the field by the mean |l'| at the perturbed point: a time change along the same path.
    public var rescaled: Bool
    /// Integrate in tau = log(1 + t) (for unrescaled flows; `time` stays in t) (key `log_time`).
    public var logTime: Bool
    /// Relative and absolute tolerances of the adaptive solver.
    public var rtol: Double
    /// The absolute tolerance (key `atol`), relative to the initial weight scale s0 = max_i |w_i(0)|: the solver's
    /// error test is |e_i| <= atol s0 + rtol |w_i|, so that the default accuracy does not depend on the scale of the
    /// weights (1 when every weight starts at 0). `rtol` above is the relative one.
    public var atol: Double
    /// Stop with status blow-up when ||w||_2 reaches this (key `blowup_norm`).
    public var blowupNorm: Double
    /// Stop with status converged when the loss falls below this (key `loss_tolerance`).
    public var lossTolerance: Double?
    /// The Runge–Kutta pair (key `solver`): `dopri5` (Dormand–Prince 5(4)) or `dop853` (Dormand–Prince 8(5,3));
    /// nil picks by the tolerance, `dop853` when rtol < 1e-10 (SAMFlow's `Solver.automatic`). Written only when
    /// given, so the configurations of runs without it keep their bytes.
    public var solver: String?

    /// The solvers' names, in the order messages list them.
    public static let solvers = ["dopri5", "dop853"]

    /// The values a spec takes when it leaves a flow key out.
    public enum Defaults {
        /// End time 10.
        public static let time = 10.0
        /// Relative tolerance 1e-10.
        public static let rtol = 1e-10
        /// Absolute tolerance 1e-12 (times the initial weight scale).
        public static let atol = 1e-12
        /// Blow-up at ||w||_2 = 1e8 (THEORY.md §2.3).
        public static let blowupNorm = 1e8
    }

    /// Flow settings; every value has its default.
    public init(time: Double = Defaults.time, rescaled: Bool = false, logTime: Bool = false, rtol: Double = Defaults.rtol,
                atol: Double = Defaults.atol, blowupNorm: Double = Defaults.blowupNorm, lossTolerance: Double? = nil,
                solver: String? = nil) {
        self.solver = solver
        self.time = time
        self.rescaled = rescaled
        self.logTime = logTime
        self.rtol = rtol
        self.atol = atol
        self.blowupNorm = blowupNorm
        self.lossTolerance = lossTolerance
    }

    /// The spec keys of a flow.
    public static let keys = ["time", "rescaled", "log_time", "rtol", "atol", "blowup_norm", "loss_tolerance", "solver"]

    /// Checks that the times, tolerances and bounds are positive and finite, rtol >= 1e-14, not both `rescaled` and
    /// `log_time`, and that `solver` is a known name.
    public func validate() throws(SpecError) {
        if let solver, !Self.solvers.contains(solver) {
            throw .unknownName(field: "solver", name: solver, known: Self.solvers)
        }
        func positive(_ field: SpecField, _ x: Double) throws(SpecError) {
            guard x.isFinite, x > 0 else { throw .outOfRange(field: field, value: "\(x)", requirement: "must be positive and finite") }
        }
        try positive("time", time)
        try positive("rtol", rtol)
        try positive("atol", atol)
        guard rtol >= 1e-14 else {
            throw .outOfRange(field: "rtol", value: "\(rtol)", requirement: "must be at least 1e-14", note: "below that Float64 cannot deliver it")
        }
        try positive("blowup_norm", blowupNorm)
        if let lossTolerance { try positive("loss_tolerance", lossTolerance) }
        if rescaled && logTime {
            throw .conflict(field: "log_time", with: "rescaled",
                            detail: "is for unrescaled flows: the rescaled flow's time does not need it")
        }
    }
}
