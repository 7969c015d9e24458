import Foundation

/// The summary of a run, written as `summary.json` and printed by `--json`.
///
/// Stable keys that later tools read: beta, direction (null when beta = 0), loss (null only if it overflows a
/// Double; log_loss is always finite), margin, steps, status, leaders, leaders_absolute, config.
public struct RunSummary: Encodable, Sendable {
    public var version: String
    public var status: RunStatus
    public var reason: String?
    public var eventStep: Int?
    public var steps: Int
    public var stepsRequested: Int
    public var beta: [Double]
    public var direction: [Double]?
    public var norm: Double
    public var loss: Double?
    public var logLoss: Double
    public var margin: Double
    public var normalizedMargin: Double?
    public var leader: Int
    public var leaderAbsolute: Int
    public var leaders: [LeaderPeriod]
    public var leadersAbsolute: [LeaderPeriod]
    public var zeroCrossings: [ZeroCrossing]
    public var weights: [[Double]]
    public var dataset: DatasetShape
    public var config: TrainConfiguration

    public struct ZeroCrossing: Codable, Equatable, Sendable {
        public var coordinate: Int
        public var step: Int
    }

    public struct DatasetShape: Codable, Equatable, Sendable {
        public var n: Int
        public var d: Int
    }

    enum CodingKeys: String, CodingKey {
        case version = "samlab_version", status, reason, eventStep = "event_step", steps
        case stepsRequested = "steps_requested", beta, direction, norm, loss, logLoss = "log_loss", margin
        case normalizedMargin = "normalized_margin", leader, leaderAbsolute = "leader_absolute", leaders
        case leadersAbsolute = "leaders_absolute", zeroCrossings = "zero_crossings", weights, dataset, config
    }

    /// Keys that are null rather than absent when they have no value.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(status, forKey: .status)
        try c.encode(reason, forKey: .reason)
        try c.encode(eventStep, forKey: .eventStep)
        try c.encode(steps, forKey: .steps)
        try c.encode(stepsRequested, forKey: .stepsRequested)
        try c.encode(beta, forKey: .beta)
        try c.encode(direction, forKey: .direction)
        try c.encode(norm, forKey: .norm)
        try c.encode(loss, forKey: .loss)
        try c.encode(logLoss, forKey: .logLoss)
        try c.encode(margin, forKey: .margin)
        try c.encode(normalizedMargin, forKey: .normalizedMargin)
        try c.encode(leader, forKey: .leader)
        try c.encode(leaderAbsolute, forKey: .leaderAbsolute)
        try c.encode(leaders, forKey: .leaders)
        try c.encode(leadersAbsolute, forKey: .leadersAbsolute)
        try c.encode(zeroCrossings, forKey: .zeroCrossings)
        try c.encode(weights, forKey: .weights)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(config, forKey: .config)
    }

    public init(trainer: Trainer, version: String) {
        let state = trainer.state
        let observation = trainer.observe()
        let beta = observation.beta!
        let norm = observation.norm
        let d = trainer.dataset.dimension
        self.version = version
        status = state.status ?? .interrupted
        reason = state.reason
        eventStep = state.eventStep
        steps = state.step
        stepsRequested = trainer.configuration.steps
        self.beta = beta
        self.norm = norm
        direction = Self.direction(of: beta)
        logLoss = observation.logLoss
        let loss = Foundation.exp(observation.logLoss)
        self.loss = loss.isFinite ? loss : nil
        margin = observation.margin
        normalizedMargin = norm > 0 && (observation.margin / norm).isFinite ? observation.margin / norm : nil
        leader = state.rows.last?.leader ?? 0
        leaderAbsolute = state.rows.last?.leaderAbsolute ?? 0
        leaders = state.leaders
        leadersAbsolute = state.leadersAbsolute
        zeroCrossings = state.firstZeroCrossing.enumerated().filter { $0.element >= 0 }
            .map { ZeroCrossing(coordinate: $0.offset + 1, step: $0.element) }
        weights = (0..<trainer.network.layerCount).map { Array(state.weights[$0 * d..<($0 + 1) * d]) }
        dataset = DatasetShape(n: trainer.dataset.count, d: d)
        config = trainer.configuration
    }

    /// beta / ||beta||_2, scaled first by the largest entry so that neither tiny nor huge beta over/underflows.
    public static func direction(of beta: [Double]) -> [Double]? {
        let scale = beta.map(abs).max() ?? 0
        guard scale > 0, scale.isFinite else { return nil }
        let scaled = beta.map { $0 / scale }
        let norm = scaled.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return scaled.map { $0 / norm }
    }
}
