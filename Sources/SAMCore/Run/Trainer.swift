import Foundation

/// Runs discrete GD / SAM from a configuration: records the trajectory, decides leaders from every step,
/// detects divergence and collapse, and can stop and resume bit for bit.
public final class Trainer {
    public let configuration: TrainConfiguration
    public let dataset: Dataset
    public let network: DiagonalNetwork
    let kernel: any DynamicsKernel
    let recordedSteps: [Int]
    /// Whether rows carry the full beta (off for very large d unless asked).
    public let recordsBeta: Bool
    public private(set) var state: TrainerState

    /// Steps between the saved states that divergence is replayed from.
    static let replayInterval = 256

    public init(configuration: TrainConfiguration, dataset: Dataset, recordsBeta: Bool? = nil,
                forceGeneralKernel: Bool = false) throws(InvalidInput) {
        try configuration.validate()
        self.configuration = configuration
        self.dataset = dataset
        network = try configuration.network(dimension: dataset.dimension)
        kernel = KernelFactory.make(network: network, dataset: dataset, loss: configuration.loss,
                                    learningRate: configuration.learningRate,
                                    perturbation: configuration.optimizer.perturbation(rho: configuration.rho),
                                    forceGeneral: forceGeneralKernel)
        recordedSteps = configuration.record.steps(total: configuration.steps)
        self.recordsBeta = recordsBeta ?? (dataset.dimension <= 1000)
        let initial = kernel.observe(includeBeta: false)
        state = TrainerState(step: 0, weights: network.initialWeights, initialLogLoss: initial.logLoss, initialMargin: initial.margin,
                             rows: [], leaders: [], leadersAbsolute: [],
                             firstZeroCrossing: Array(repeating: -1, count: dataset.dimension),
                             status: nil, eventStep: nil, reason: nil)
    }

    /// Continues from a checkpointed state of a run with the same configuration.
    public func restore(_ saved: TrainerState) throws(InvalidInput) {
        guard saved.weights.count == network.initialWeights.count,
              saved.firstZeroCrossing.count == dataset.dimension, saved.step <= configuration.steps else {
            throw InvalidInput("checkpoint does not match this configuration")
        }
        state = saved
        kernel.weights = saved.weights
    }

    /// Runs until the end, a divergence, or `shouldStop` answers true (checked every few steps; the run is then
    /// `interrupted` and `state` can be saved and restored later). `progress` gets the step count now and then.
    @discardableResult
    public func run(progress: (Int) -> Void = { _ in }, shouldStop: () -> Bool = { false }) -> TrainerState {
        guard state.status == nil || state.status == .interrupted else { return state }
        state.status = nil
        let total = configuration.steps
        var scan = GrowthScan(dimension: dataset.dimension)
        scan.firstZeroCrossing = state.firstZeroCrossing
        var recordIndex = recordedSteps.firstIndex { $0 >= state.step } ?? recordedSteps.count
        var saved = (step: state.step, weights: kernel.weights)
        var step = state.step
        var currentLeader = state.leaders.last?.coordinate
        var currentAbsolute = state.leadersAbsolute.last?.coordinate
        while step < total {
            if step % 1024 == 0 {
                progress(step)
                if step > state.step && shouldStop() {
                    state.status = .interrupted
                    break
                }
            }
            if step % Self.replayInterval == 0 && step != saved.step { saved = (step, kernel.weights) }
            var row: TrajectoryRow? = nil
            if recordIndex < recordedSteps.count && recordedSteps[recordIndex] == step {
                row = makeRow(step: step)
                recordIndex += 1
            }
            scan.begin(step: step)
            guard kernel.step(scan: &scan) else {
                // Replay from the saved state to recover the last finite weights (the steps are deterministic).
                kernel.weights = saved.weights
                var replay = GrowthScan(dimension: dataset.dimension, tracksLeaders: false)
                for _ in saved.step..<step { _ = kernel.step(scan: &replay) }
                var last = row ?? makeRow(step: step)
                last.leader = 0
                last.leaderAbsolute = 0
                state.rows.append(last)
                state.status = .diverged
                state.eventStep = step + 1
                state.reason = "the state became non-finite at step \(step + 1); the reported state is step \(step)"
                break
            }
            if scan.leader != currentLeader {
                state.leaders.append(LeaderPeriod(coordinate: scan.leader, start: step))
                currentLeader = scan.leader
            }
            if scan.leaderAbsolute != currentAbsolute {
                state.leadersAbsolute.append(LeaderPeriod(coordinate: scan.leaderAbsolute, start: step))
                currentAbsolute = scan.leaderAbsolute
            }
            if var row {
                row.leader = scan.leader
                row.leaderAbsolute = scan.leaderAbsolute
                state.rows.append(row)
            }
            step += 1
        }
        state.step = step
        state.weights = kernel.weights
        state.firstZeroCrossing = scan.firstZeroCrossing
        if state.status == nil {
            finish()
        }
        progress(step)
        return state
    }

    /// The last row (its leader from a look-ahead step that is then undone) and the collapse verdict.
    func finish() {
        var row = makeRow(step: state.step)
        let weights = kernel.weights
        var scan = GrowthScan(dimension: dataset.dimension)
        scan.begin(step: state.step)
        if kernel.step(scan: &scan) {
            row.leader = scan.leader
            row.leaderAbsolute = scan.leaderAbsolute
        } else {
            row.leader = state.rows.last?.leader ?? 0
            row.leaderAbsolute = state.rows.last?.leaderAbsolute ?? 0
        }
        kernel.weights = weights
        if state.rows.last?.step == row.step { state.rows.removeLast() }
        state.rows.append(row)
        state.status = .completed
        // Collapse: every coordinate that the data uses has had its weights pass through zero, the loss is no
        // lower than at the start, and the margin has shrunk towards 0 (not run off to -infinity).
        let used = (0..<dataset.dimension).filter { j in dataset.points.contains { $0[j] != 0 } }
        if !used.isEmpty, used.allSatisfy({ state.firstZeroCrossing[$0] >= 0 }), row.logLoss >= state.initialLogLoss,
           abs(row.margin) <= abs(state.initialMargin) {
            state.status = .collapsed
            state.eventStep = used.map { state.firstZeroCrossing[$0] }.max()! + 1
            state.reason = "every coordinate's weights passed through zero (the last at step \(state.eventStep!)) and the loss did not decrease"
        }
    }

    func makeRow(step: Int) -> TrajectoryRow {
        let o = kernel.observe(includeBeta: recordsBeta)
        return TrajectoryRow(step: step, logLoss: o.logLoss, margin: o.margin, norm: o.norm, beta: o.beta,
                             leader: 0, leaderAbsolute: 0)
    }

    /// beta and the observables of the current state.
    public func observe() -> StateObservation {
        kernel.observe(includeBeta: true)
    }
}

/// Everything a run has produced so far; Codable so that a checkpoint restores it exactly.
public struct TrainerState: Codable, Equatable, Sendable {
    public var step: Int
    public var weights: [Double]
    public var initialLogLoss: Double
    public var initialMargin: Double
    public var rows: [TrajectoryRow]
    public var leaders: [LeaderPeriod]
    public var leadersAbsolute: [LeaderPeriod]
    public var firstZeroCrossing: [Int]
    public var status: RunStatus?
    public var eventStep: Int?
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case step, weights, initialLogLoss = "initial_log_loss", initialMargin = "initial_margin", rows, leaders, leadersAbsolute = "leaders_absolute"
        case firstZeroCrossing = "first_zero_crossing", status, eventStep = "event_step", reason
    }
}
