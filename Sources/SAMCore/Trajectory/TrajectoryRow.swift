/// One recorded state of a run, and which coordinates lead its growth over the next step.
public struct TrajectoryRow: Codable, Equatable, Sendable {
    public var step: Int
    public var logLoss: Double
    public var margin: Double
    public var norm: Double
    public var beta: [Double]?
    /// Leader of the step from here (relative growth), 1-based, 0 = nothing grows.
    public var leader: Int
    /// Leader by absolute growth.
    public var leaderAbsolute: Int

    enum CodingKeys: String, CodingKey {
        case step, logLoss = "log_loss", margin, norm, beta, leader, leaderAbsolute = "leader_absolute"
    }
}

/// A stretch of steps during which one coordinate leads: from `start` until the next period's start.
public struct LeaderPeriod: Codable, Equatable, Sendable {
    /// 1-based coordinate, 0 when nothing grows.
    public var coordinate: Int
    /// The first step k whose growth beta(k) -> beta(k+1) it leads.
    public var start: Int

    public init(coordinate: Int, start: Int) {
        self.coordinate = coordinate
        self.start = start
    }
}
