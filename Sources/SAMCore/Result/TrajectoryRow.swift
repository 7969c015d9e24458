/// One recorded state of a run (discrete or flow), and which coordinates lead its growth from there.
public struct TrajectoryRow: Equatable, Sendable {
    /// The step (a whole number) or time of the state, per the run's clock.
    public var clock: Double
    /// log of the mean loss (finite for every finite margin).
    public var logLoss: Double
    /// min_n y_n <beta, x_n>; NaN where margins do not apply (a regression loss: see `mse`).
    public var margin: Double
    /// ||beta||_2.
    public var norm: Double
    /// beta, when the run records it.
    public var beta: [Double]?
    /// The leader from here (relative growth), 1-based, 0 = nothing grows.
    public var leader: Int
    /// The leader by absolute growth.
    public var leaderAbsolute: Int
    /// The Hessian's largest eigenvalue and trace (and the stability edges) at this state, when the run records
    /// sharpness (`RunSpec.sharpness`).
    public var sharpness: SharpnessRecord?
    /// The mean squared error of a regression loss (`SquaredLoss`), nil for a margin loss.
    public var mse: Double?
    /// All the weights, layer-major (as `Model.initialWeights`), when the runner was asked to record them
    /// (`recordsWeights`; the explorer's weights plane). Not written to `trajectory.csv` nor to checkpoints.
    public var weights: [Double]?

    /// A row from its values.
    public init(clock: Double, logLoss: Double, margin: Double, norm: Double, beta: [Double]?, leader: Int, leaderAbsolute: Int,
                sharpness: SharpnessRecord? = nil, mse: Double? = nil) {
        self.mse = mse
        self.clock = clock
        self.logLoss = logLoss
        self.margin = margin
        self.norm = norm
        self.beta = beta
        self.leader = leader
        self.leaderAbsolute = leaderAbsolute
        self.sharpness = sharpness
    }

    /// The clock as a step number (discrete runs).
    public var step: Int { Int(clock) }
}

extension TrajectoryRow: Codable {
    enum CodingKeys: String, CodingKey {
        case step, time, logLoss = "log_loss", margin, norm, beta, leader, leaderAbsolute = "leader_absolute", sharpness, mse
    }

    /// Rows of discrete runs are stored with `step` (an integer), rows of flows with `time`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let step = try c.decodeIfPresent(Int.self, forKey: .step) { clock = Double(step) } else {
            clock = try c.decode(Double.self, forKey: .time)
        }
        logLoss = try c.decodeIfPresent(Double.self, forKey: .logLoss) ?? -.infinity
        margin = try c.decodeIfPresent(Double.self, forKey: .margin) ?? .nan
        norm = try c.decode(Double.self, forKey: .norm)
        beta = try c.decodeIfPresent([Double].self, forKey: .beta)
        leader = try c.decode(Int.self, forKey: .leader)
        leaderAbsolute = try c.decode(Int.self, forKey: .leaderAbsolute)
        sharpness = try c.decodeIfPresent(SharpnessRecord.self, forKey: .sharpness)
        mse = try c.decodeIfPresent(Double.self, forKey: .mse)
    }

    /// Writes the row with its clock under `step`, as an integer (the form of discrete runs' rows).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(step, forKey: .step)
        try c.encode(logLoss.isFinite ? logLoss : nil, forKey: .logLoss)
        // A margin that does not apply (NaN) is null.
        try c.encode(margin.isFinite ? margin : nil, forKey: .margin)
        try c.encode(norm, forKey: .norm)
        try c.encodeIfPresent(beta, forKey: .beta)
        try c.encode(leader, forKey: .leader)
        try c.encode(leaderAbsolute, forKey: .leaderAbsolute)
        try c.encodeIfPresent(sharpness, forKey: .sharpness)
        try c.encodeIfPresent(mse, forKey: .mse)
    }
}
