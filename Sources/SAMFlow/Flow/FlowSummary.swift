import Foundation
import SAMCore

/// The summary of a flow, written as `summary.json` and printed by `--json` (same keys as a train summary where
/// they mean the same thing, with `time` and `event_time` in place of steps).
public struct FlowSummary: Encodable, Sendable {
    public var version: String
    public var status: FlowStatus
    public var reason: String?
    public var time: Double
    public var timeRequested: Double
    public var eventTime: Double?
    public var beta: [Double]
    public var direction: [Double]?
    public var norm: Double
    public var loss: Double?
    public var logLoss: Double
    public var margin: Double
    public var leader: Int
    public var leaderAbsolute: Int
    public var leaders: [LeaderSwitch]
    public var leadersAbsolute: [LeaderSwitch]
    public var slides: [SlideRecord]
    public var solver: Solver
    public var weights: [[Double]]
    public var config: FlowConfiguration

    public struct Solver: Codable, Sendable {
        public var acceptedSteps: Int
        public var rejectedSteps: Int
        public var functionEvaluations: Int
        public var segments: Int

        enum CodingKeys: String, CodingKey {
            case acceptedSteps = "accepted_steps", rejectedSteps = "rejected_steps"
            case functionEvaluations = "function_evaluations", segments
        }
    }

    enum CodingKeys: String, CodingKey {
        case version = "samlab_version", status, reason, time, timeRequested = "time_requested", eventTime = "event_time"
        case beta, direction, norm, loss, logLoss = "log_loss", margin, leader, leaderAbsolute = "leader_absolute", leaders
        case leadersAbsolute = "leaders_absolute", slides, solver, weights, config
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(status, forKey: .status)
        try c.encode(reason, forKey: .reason)
        try c.encode(time, forKey: .time)
        try c.encode(timeRequested, forKey: .timeRequested)
        try c.encode(eventTime, forKey: .eventTime)
        try c.encode(beta, forKey: .beta)
        try c.encode(direction, forKey: .direction)
        try c.encode(norm, forKey: .norm)
        try c.encode(loss, forKey: .loss)
        try c.encode(logLoss, forKey: .logLoss)
        try c.encode(margin, forKey: .margin)
        try c.encode(leader, forKey: .leader)
        try c.encode(leaderAbsolute, forKey: .leaderAbsolute)
        try c.encode(leaders, forKey: .leaders)
        try c.encode(leadersAbsolute, forKey: .leadersAbsolute)
        try c.encode(slides, forKey: .slides)
        try c.encode(solver, forKey: .solver)
        try c.encode(weights, forKey: .weights)
        try c.encode(config, forKey: .config)
    }

    public init(outcome: FlowOutcome, runner: FlowRunner, version: String) {
        let last = outcome.rows.last!
        let d = runner.dataset.dimension
        self.version = version
        status = outcome.status
        reason = outcome.reason
        time = outcome.finalTime
        timeRequested = runner.configuration.time
        eventTime = outcome.eventTime
        beta = last.observation.beta!
        direction = RunSummary.direction(of: beta)
        norm = last.observation.norm
        logLoss = last.observation.logLoss
        let value = Foundation.exp(logLoss)
        loss = value.isFinite ? value : nil
        margin = last.observation.margin
        leader = last.leader
        leaderAbsolute = last.leaderAbsolute
        leaders = outcome.leaders
        leadersAbsolute = outcome.leadersAbsolute
        slides = outcome.slides
        solver = Solver(acceptedSteps: outcome.statistics.acceptedSteps, rejectedSteps: outcome.statistics.rejectedSteps,
                        functionEvaluations: outcome.statistics.functionEvaluations, segments: outcome.segments)
        weights = (0..<runner.network.layerCount).map { Array(outcome.finalState[$0 * d..<($0 + 1) * d]) }
        config = runner.configuration
    }
}
