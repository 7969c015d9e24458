import Foundation

/// Runs discrete GD / SAM from a specification: records the trajectory, decides leaders from every step, detects
/// divergence and collapse, and can stop and resume bit for bit.
///
/// The rule, loss and model are whatever the registry builds from the spec; nothing here depends on which.
public final class DiscreteRunner {
    /// The run's specification.
    public let spec: RunSpec
    /// Its discrete settings (step size, number of steps).
    public let settings: DiscreteSettings
    /// The examples it trains on.
    public let dataset: Dataset
    /// The model the registry built from the spec, built again from it on each read: once the kernel holds the
    /// initial weights, the runner keeps only the model's shape (at d = 10^6 the weights are 16 MB).
    public var model: any Model {
        // `init` built this model from the same spec and entry, so building it again cannot fail.
        try! modelEntry.model(spec.model, dimension: dataset.dimension)
    }
    let modelEntry: Registry.ModelEntry
    /// The number of weights, the number of layers, and the layers' shapes when they are not vectors (dense models).
    let weightCount: Int, layerCount: Int, layerShapes: [LayerShape]?
    let kernel: any DynamicsKernel
    let recordedSteps: [Int]
    /// Whether rows carry the full beta (off for very large d unless asked).
    public let recordsBeta: Bool
    /// Whether recorded rows keep all the weights (`TrajectoryRow.weights`).
    public let recordsWeights: Bool
    /// Measures each recorded row's sharpness when the spec asks for it (nil otherwise: rows cost what they did).
    public let sharpness: SharpnessProbe?
    /// What the run has produced so far (save it to checkpoint; `restore(_:)` continues from it). Its weights are
    /// the current ones whenever `run` has returned; while it runs they may be empty (see `run`).
    public private(set) var state: DiscreteState
    /// Whether `state.weights` are the model's initial weights as the spec builds them (until a `restore`).
    var _weightsAreTheModels = true

    /// Steps between the saved states that divergence is replayed from.
    static let replayInterval = 256

    /// A runner for a discrete spec on `dataset`: builds the rule, loss and model with `registry` and picks the fastest kernel (`forceGeneralKernel` picks the general one, for tests). A flow spec is an error.
    /// `recordsWeights` keeps all the weights in every recorded row (`TrajectoryRow.weights`; off by default).
    public init(spec: RunSpec, dataset: Dataset, registry: Registry = .standard, recordsBeta: Bool? = nil,
                recordsWeights: Bool = false, forceGeneralKernel: Bool = false) throws(SpecError) {
        let components = try spec.components(for: .step, dimension: dataset.dimension, registry: registry)
        let settings = spec.discrete!
        let model = components.model
        (self.spec, self.settings, self.dataset) = (spec, settings, dataset)
        modelEntry = try registry.model(named: spec.model.name)
        (weightCount, layerCount) = (model.initialWeights.count, model.layerCount)
        layerShapes = model is any DiagonalModel ? nil : model.layerShapes
        kernel = KernelFactory.make(rule: components.rule, model: model, dataset: dataset, loss: components.loss,
                                    learningRate: settings.learningRate, registry: registry, forceGeneral: forceGeneralKernel)
        recordedSteps = spec.record.steps(total: settings.steps)
        self.recordsBeta = recordsBeta ?? (dataset.dimension <= 1000)
        self.recordsWeights = recordsWeights
        sharpness = SharpnessProbe.forRun(spec, components: components, dataset: dataset)
        let initial = kernel.observe(includeBeta: false)
        state = DiscreteState(step: 0, weights: model.initialWeights, initialLogLoss: initial.logLoss, initialMargin: initial.margin.isFinite ? initial.margin : 0,
                              rows: [], leaders: [], leadersAbsolute: [],
                              zeroCrossings: FirstZeroCrossings(dimension: dataset.dimension),
                              status: nil, eventStep: nil, reason: nil)
    }

    /// Continues from a checkpointed state of a run with the same specification.
    public func restore(_ saved: DiscreteState) throws(SpecError) {
        guard saved.weights.count == weightCount,
              saved.zeroCrossings.dimension == dataset.dimension, saved.step <= settings.steps else {
            throw .inconsistent(field: "checkpoint", detail: "does not match this configuration")
        }
        state = saved
        _weightsAreTheModels = false
        kernel.weights = saved.weights
    }

    /// Runs until the end, a divergence, or `shouldStop` answers true (checked every few steps; the run is then
    /// `interrupted` and `state` can be saved and restored later). `progress` gets the step count now and then.
    @discardableResult
    public func run(progress: (Int) -> Void = { _ in }, shouldStop: () -> Bool = { false }) -> DiscreteState {
        guard state.status == nil || state.status == .interrupted else { return state }
        state.status = nil
        let total = settings.steps
        var scan = GrowthScan(zeroCrossings: state.zeroCrossings)
        var recordIndex = recordedSteps.firstIndex { $0 >= state.step } ?? recordedSteps.count
        // The kernel holds `state.weights` between runs (from the model, a restore or the previous run), so the
        // first replay point shares that array instead of copying the kernel's weights. From step 0 of the model's
        // own weights neither keeps them: a replay builds them again from the spec (the same bytes), and the kernel,
        // then alone with them, updates them in place rather than copying them at its first step (16 MB at d = 10^6).
        var savedIsTheModel = state.step == 0 && _weightsAreTheModels
        var saved = (step: state.step, weights: savedIsTheModel ? [] : state.weights)
        if savedIsTheModel { state.weights = [] }
        var step = state.step
        var currentLeader = state.leaders.last?.coordinate
        var currentAbsolute = state.leadersAbsolute.last?.coordinate
        // The row of a recorded step, made before its step; held outside the loop and touched only on recorded
        // steps.
        var row: TrajectoryRow? = nil
        // The loop reaches the scan through a pointer: held as a local value, its 160 bytes were copied for every
        // step's call to the kernel, right after `begin` had stored its fields one by one (a store-forwarding stall,
        // half of the runner's own time at d = 6).
        withUnsafeMutablePointer(to: &scan) { scanPointer in
            while step < total {
                if step % 1024 == 0 {
                    progress(step)
                    if step > state.step && shouldStop() {
                        state.status = .interrupted
                        break
                    }
                }
                if step % Self.replayInterval == 0 && step != saved.step {
                    saved = (step, kernel.weights)
                    savedIsTheModel = false
                }
                let records = recordIndex < recordedSteps.count && recordedSteps[recordIndex] == step
                if records {
                    row = makeRow(step: step)
                    recordIndex += 1
                }
                scanPointer.pointee.begin(step: step)
                guard kernel.step(scan: &scanPointer.pointee) else {
                    // Replay from the saved state to recover the last finite weights (the steps are deterministic).
                    kernel.weights = savedIsTheModel ? model.initialWeights : saved.weights
                    var replay = GrowthScan(dimension: dataset.dimension, tracksLeaders: false)
                    for _ in saved.step..<step { _ = kernel.step(scan: &replay) }
                    var last = records ? row! : makeRow(step: step)
                    last.leader = 0
                    last.leaderAbsolute = 0
                    state.rows.append(last)
                    state.status = .diverged
                    state.eventStep = step + 1
                    state.reason = "the state became non-finite at step \(step + 1); the reported state is step \(step)"
                    break
                }
                if scanPointer.pointee.leader != currentLeader {
                    state.leaders.append(LeaderPeriod(coordinate: scanPointer.pointee.leader, start: Double(step)))
                    currentLeader = scanPointer.pointee.leader
                }
                if scanPointer.pointee.leaderAbsolute != currentAbsolute {
                    state.leadersAbsolute.append(LeaderPeriod(coordinate: scanPointer.pointee.leaderAbsolute, start: Double(step)))
                    currentAbsolute = scanPointer.pointee.leaderAbsolute
                }
                if records, var recorded = row.take() {
                    recorded.leader = scanPointer.pointee.leader
                    recorded.leaderAbsolute = scanPointer.pointee.leaderAbsolute
                    state.rows.append(recorded)
                }
                step += 1
            }
        }
        state.step = step
        // The replay point and the weights the run started from are let go before the kernel's are read out, so that
        // the weights are not held three times over at the end. (The one-example kernel hands out its own array when
        // d is a multiple of 4: the state and the kernel then share one copy, and the look-ahead of `finish` makes
        // none.)
        saved.weights = []
        state.weights = []
        state.weights = kernel.weights
        state.zeroCrossings = scan.zeroCrossings
        if state.status == nil {
            finish()
        }
        progress(step)
        return state
    }

    /// The last row (its leader from a look-ahead step that is then undone) and the collapse verdict.
    func finish() {
        var row = makeRow(step: state.step)
        var scan = GrowthScan(zeroCrossings: state.zeroCrossings)
        scan.begin(step: state.step)
        if kernel.lookAhead(scan: &scan) {
            row.leader = scan.leader
            row.leaderAbsolute = scan.leaderAbsolute
        } else {
            row.leader = state.rows.last?.leader ?? 0
            row.leaderAbsolute = state.rows.last?.leaderAbsolute ?? 0
        }
        if state.rows.last?.step == row.step { state.rows.removeLast() }
        state.rows.append(row)
        state.status = .completed
        // Collapse: every coordinate that the data uses has had its weights pass through zero, the loss is no
        // lower than at the start, and the margin has shrunk towards 0 (not run off to -infinity).
        // (A regression loss has no margin: its runs do not collapse in this sense.)
        if row.margin.isFinite, row.logLoss >= state.initialLogLoss, abs(row.margin) <= abs(state.initialMargin),
           let last = lastCrossingOfUsedCoordinates() {
            state.status = .collapsed
            state.eventStep = last + 1
            state.reason = "every coordinate's weights passed through zero (the last at step \(state.eventStep!)) and the loss did not decrease"
        }
    }

    /// max_j of coordinate j's first zero crossing over the coordinates j the data uses (`Dataset.usedCoordinates`,
    /// without making that list: at d = 10^6 it is 8 MB); nil when the data uses none or one of them has not crossed
    /// zero.
    func lastCrossingOfUsedCoordinates() -> Int? {
        state.zeroCrossings.lastStep { j in dataset.points.contains { $0[j] != 0 } }
    }

    func makeRow(step: Int) -> TrajectoryRow {
        let o = kernel.observe(includeBeta: recordsBeta)
        var row = TrajectoryRow(clock: Double(step), logLoss: o.logLoss, margin: o.margin, norm: o.norm, beta: o.beta,
                                leader: 0, leaderAbsolute: 0, sharpness: sharpness?.measure(kernel.weights), mse: o.mse)
        if recordsWeights { row.weights = kernel.weights }
        return row
    }

    /// beta and the observables of the current state.
    public func observe() -> StateObservation {
        kernel.observe(includeBeta: true)
    }

    /// The run's result as it stands (status `interrupted` while unfinished).
    public var result: RunResult {
        let final = observe()
        return RunResult(spec: spec, status: state.status ?? .interrupted, reason: state.reason,
                         eventClock: state.eventStep.map(Double.init), endClock: Double(state.step), rows: state.rows,
                         leaders: state.leaders, leadersAbsolute: state.leadersAbsolute, final: final, finalWeights: state.weights,
                         layerCount: layerCount, examples: dataset.count, dimension: dataset.dimension,
                         zeroCrossings: state.zeroCrossings.crossings,
                         mu: dataset.singleExampleMu, layerShapes: layerShapes)
    }
}
