import Foundation

/// `summary.json` of a run, and what `--json` prints: the final state, the leader periods, the status, and the full
/// specification under `config`, so that the summary alone repeats the run.
///
/// Stable keys that later tools read: beta, direction (null when beta = 0), loss (null only if it overflows a
/// Double; log_loss is finite but for a regression loss's exact fit, where it is null), margin, normalized_margin
/// (both null for a regression loss, which adds mse), norm, status, reason, leaders, leaders_absolute,
/// weights, dataset, config; discrete runs add steps, steps_requested, event_step and zero_crossings, flows add time,
/// time_requested, event_time, slides and solver. Runs with `sharpness` add lambda_max and hessian_trace (and discrete
/// l2-SAM runs gd_edge and sam_edge) of the last recorded state.
public struct RunSummary: Codable, Sendable {
    /// `samlab_version`: the SAMLab version that wrote the summary.
    public var version: String
    /// Steps or time: read from whether the summary has `steps` or `time`.
    public var clock: Clock
    /// `status`: how the run ended.
    public var status: RunStatus
    /// `reason`: why, in words, or null.
    public var reason: String?
    /// event_step or event_time.
    public var eventClock: Double?
    /// steps or time.
    public var endClock: Double
    /// steps_requested or time_requested.
    public var requestedClock: Double
    /// `beta`: the final predictor.
    public var beta: [Double] {
        // A direction made from beta is kept as the old beta's when beta changes.
        didSet { if _directionIsOfBeta { (_direction, _directionIsOfBeta) = (RunResult.direction(of: oldValue), false) } }
    }
    /// `direction`: beta / ||beta||_2, null when beta = 0. A summary made from a result makes it from `beta` on each
    /// read (`RunResult.direction(of:)`), and a run folder's direction.npy entry by entry, so that the 8 MB of a
    /// d = 10^6 direction are never held; set, it is the value set.
    public var direction: [Double]? {
        get { _directionIsOfBeta ? RunResult.direction(of: beta) : _direction }
        set { (_direction, _directionIsOfBeta) = (newValue, false) }
    }
    /// The direction when it was set or decoded.
    private var _direction: [Double]?
    /// Whether the direction is beta's, made from it when read.
    private var _directionIsOfBeta = false
    /// `norm`: ||beta||_2.
    public var norm: Double
    /// `loss`: the mean loss, null only when it overflows a Double.
    public var loss: Double?
    /// `log_loss`: log of the mean loss, always finite.
    public var logLoss: Double
    /// `margin`: min_n y_n <beta, x_n>; NaN (written null) where margins do not apply (a regression loss).
    public var margin: Double
    /// `mse`: the mean squared error of a regression loss (nil, and the key absent, for a margin loss; null in JSON
    /// when it overflowed, with `log_loss` carrying it).
    public var mse: Double?
    /// The dense model's final weights, one list of rows per layer (written under `weights` in place of the vectors).
    public var weightMatrices: [[[Double]]]?
    /// `normalized_margin`: margin / ||beta||_2, null when beta = 0.
    public var normalizedMargin: Double?
    /// `leader`: the relative leader at the last recorded state (0 when nothing grows).
    public var leader: Int
    /// `leader_absolute`: the absolute leader at the last recorded state.
    public var leaderAbsolute: Int
    /// `leaders`: the periods of the relative leader (THEORY.md §2.1).
    public var leaders: [LeaderPeriod]
    /// `leaders_absolute`: the periods of the absolute leader.
    public var leadersAbsolute: [LeaderPeriod]
    /// `zero_crossings` (discrete runs only).
    public var zeroCrossings: [ZeroCrossing]?
    /// `slides` (flows only).
    public var slides: [SlideRecord]?
    /// `solver` (flows only).
    public var solver: SolverReport?
    /// `weights`: the final weights, one list per layer. A summary made from a result of vector layers holds them as
    /// the result's one layer-major array (shared, not copied: at d = 10^6 that is 16 MB) and makes the lists only
    /// when they are read.
    public var weights: [[Double]] {
        get {
            guard let (values, layers) = layerMajorWeights else { return weightLists }
            let width = values.count / layers
            return (0..<layers).map { Array(values[$0 * width..<($0 + 1) * width]) }
        }
        set {
            weightLists = newValue
            layerMajorWeights = nil
        }
    }
    /// The weights as lists, when they were given so (decoded, set, or layers that are not vectors of one length).
    var weightLists: [[Double]] = []
    /// The weights as `layers` vectors of one length, layer-major in one array (`weights` reads from it when set).
    var layerMajorWeights: (values: [Double], layers: Int)?
    /// `dataset`: the number of examples and the dimension.
    public var dataset: DatasetShape
    /// `config`: the full run specification, so that the summary alone repeats the run.
    public var config: RunSpec
    /// `lambda_max`, `hessian_trace` (and `gd_edge`, `sam_edge`) of the last recorded state, when the run records
    /// sharpness; its values are null where they could not be computed.
    public var sharpness: SharpnessRecord?

    /// The `dataset` key: n examples of dimension d.
    public struct DatasetShape: Codable, Equatable, Sendable {
        /// The number of examples.
        public var n: Int
        /// The dimension.
        public var d: Int

        /// The shape of n examples of dimension d.
        public init(n: Int, d: Int) {
            self.n = n
            self.d = d
        }
    }

    /// The summary of a result, written by SAMLab `version`.
    public init(_ result: RunResult, version: String = SAMLabVersion.current) {
        self.version = version
        clock = result.clock
        status = result.status
        reason = result.reason
        eventClock = result.eventClock
        endClock = result.endClock
        switch result.spec.dynamics {
        case .discrete(let d): requestedClock = Double(d.steps)
        case .flow(let f): requestedClock = f.time
        }
        beta = result.beta
        _directionIsOfBeta = true
        norm = result.final.norm
        logLoss = result.final.logLoss
        let value = Foundation.exp(logLoss)
        loss = value.isFinite ? value : nil
        margin = result.final.margin
        mse = result.final.mse
        weightMatrices = result.weightMatrices
        normalizedMargin = norm > 0 && (margin / norm).isFinite ? margin / norm : nil
        leader = result.rows.last?.leader ?? 0
        leaderAbsolute = result.rows.last?.leaderAbsolute ?? 0
        leaders = result.leaders
        leadersAbsolute = result.leadersAbsolute
        zeroCrossings = result.clock == .step ? result.zeroCrossings : nil
        slides = result.clock == .time ? result.slides : nil
        solver = result.clock == .time ? (result.solver ?? SolverReport()) : nil
        if result.layerShapes == nil, result.layerCount > 0, result.finalWeights.count == result.layerCount * result.dimension {
            layerMajorWeights = (result.finalWeights, result.layerCount)
        } else {
            weightLists = result.weightLayers
        }
        dataset = DatasetShape(n: result.examples, d: result.dimension)
        config = result.spec
        sharpness = result.spec.sharpness
            ? (result.rows.last?.sharpness ?? SharpnessRecord(lambdaMax: nil, hessianTrace: nil, hasEdges: result.spec.hasStabilityEdges))
            : nil
    }

    enum Key: String, CodingKey {
        case version = "samlab_version", status, reason, eventStep = "event_step", eventTime = "event_time", steps, time
        case stepsRequested = "steps_requested", timeRequested = "time_requested", beta, direction, norm, loss
        case logLoss = "log_loss", margin, normalizedMargin = "normalized_margin", leader, leaderAbsolute = "leader_absolute"
        case leaders, leadersAbsolute = "leaders_absolute", zeroCrossings = "zero_crossings", slides, solver, weights
        case dataset, config, mse, lambdaMax = "lambda_max", hessianTrace = "hessian_trace", gdEdge = "gd_edge", samEdge = "sam_edge"
        case betaFile = "beta_file", directionFile = "direction_file", weightsFile = "weights_file", weightsFiles = "weights_files"
    }

    /// Keys that are null rather than absent when they have no value; the clock decides which keys a run has. When the
    /// encoder carries a `SummaryVectors` sink and d > 1000, beta, direction and weights go to NPY files instead.
    public func encode(to encoder: any Encoder) throws {
        let sink = SummaryVectors.sink(encoder, count: dataset.d)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(version, forKey: .version)
        try c.encode(status, forKey: .status)
        try c.encode(reason, forKey: .reason)
        switch clock {
        case .step:
            try c.encode(eventClock.map { Int($0) }, forKey: .eventStep)
            try c.encode(Int(endClock), forKey: .steps)
            try c.encode(Int(requestedClock), forKey: .stepsRequested)
        case .time:
            try c.encode(eventClock, forKey: .eventTime)
            try c.encode(endClock, forKey: .time)
            try c.encode(requestedClock, forKey: .timeRequested)
        }
        if let sink {
            try c.encodeNil(forKey: .beta)
            try c.encode("beta.npy", forKey: .betaFile)
            sink.add("beta.npy", NPYArray(vector: beta))
            try c.encodeNil(forKey: .direction)
            if _directionIsOfBeta {
                if let (scale, norm) = RunResult.directionScaling(of: beta) {
                    try c.encode("direction.npy", forKey: .directionFile)
                    // Entry j as `RunResult.direction(of:)` makes it, from the shared beta.
                    let beta = self.beta
                    sink.add("direction.npy", NPYDerivedVector(count: beta.count) { beta[$0] / scale / norm })
                }
            } else if let direction = _direction {
                try c.encode("direction.npy", forKey: .directionFile)
                sink.add("direction.npy", NPYArray(vector: direction))
            }
        } else {
            try c.encode(beta, forKey: .beta)
            try c.encode(direction, forKey: .direction)
        }
        try c.encode(norm, forKey: .norm)
        try c.encode(loss, forKey: .loss)
        try c.encode(logLoss.isFinite ? logLoss : nil, forKey: .logLoss)
        // A regression run whose residuals overflowed (a diverged run past 1e154) writes null: JSON has no inf, and
        // log_loss still carries the value (mse = 2 e^log_loss).
        if let mse { if mse.isFinite { try c.encode(mse, forKey: .mse) } else { try c.encodeNil(forKey: .mse) } }
        try c.encode(margin.isFinite ? margin : nil, forKey: .margin)
        try c.encode(normalizedMargin, forKey: .normalizedMargin)
        try c.encode(leader, forKey: .leader)
        try c.encode(leaderAbsolute, forKey: .leaderAbsolute)
        try c.encode(leaders, forKey: .leaders)
        try c.encode(leadersAbsolute, forKey: .leadersAbsolute)
        try c.encodeIfPresent(zeroCrossings, forKey: .zeroCrossings)
        try c.encodeIfPresent(slides, forKey: .slides)
        try c.encodeIfPresent(solver, forKey: .solver)
        if let sink {
            try c.encodeNil(forKey: .weights)
            try encodeWeightFiles(into: &c, sink: sink)
        } else if let weightMatrices {
            try c.encode(weightMatrices, forKey: .weights)
        } else {
            try c.encode(weights, forKey: .weights)
        }
        try c.encode(dataset, forKey: .dataset)
        try c.encode(config, forKey: .config)
        if let sharpness {
            try c.encode(sharpness.lambdaMax, forKey: .lambdaMax)
            try c.encode(sharpness.hessianTrace, forKey: .hessianTrace)
            if sharpness.hasEdges {
                try c.encode(sharpness.gdEdge, forKey: .gdEdge)
                try c.encode(sharpness.samEdge, forKey: .samEdge)
            }
        }
    }

    /// The weights as NPY files: `weights.npy` of shape (layers, d) when the layers are vectors of one length, else
    /// one file per layer (`weights_1.npy`, ...; a dense layer as its (rows, columns) matrix), named in `weights_files`.
    func encodeWeightFiles(into c: inout KeyedEncodingContainer<Key>, sink: SummaryVectors) throws {
        if weightMatrices == nil, let (values, layers) = layerMajorWeights {
            // Row l of (layers, d) in C order is layer l: the layer-major array is the file's values as it is.
            try c.encode("weights.npy", forKey: .weightsFile)
            sink.add("weights.npy", NPYArray(shape: [layers, values.count / layers], values: values))
            return
        }
        let weights = self.weights
        if weightMatrices == nil, let first = weights.first, weights.allSatisfy({ $0.count == first.count }) {
            try c.encode("weights.npy", forKey: .weightsFile)
            sink.add("weights.npy", NPYArray(shape: [weights.count, first.count], values: weights.flatMap { $0 }))
            return
        }
        var names: [String] = []
        for (i, layer) in weights.enumerated() {
            let name = "weights_\(i + 1).npy"
            names.append(name)
            if let matrix = weightMatrices?[i] {
                sink.add(name, NPYArray(shape: [matrix.count, matrix.first?.count ?? 0], values: layer))
            } else {
                sink.add(name, NPYArray(vector: layer))
            }
        }
        try c.encode(names, forKey: .weightsFiles)
    }

    /// Reads a summary of either kind (the clock from its keys: `steps` or `time`). Summaries of flows written
    /// before `dataset` and `normalized_margin` were added read too. Vectors kept in NPY files beside the summary
    /// (`beta_file`, ...; `SummaryVectors`) are read from the folder in the decoder's `SummaryVectors.directoryKey`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        clock = c.contains(.steps) ? .step : .time
        version = try c.decode(String.self, forKey: .version)
        status = try c.decode(RunStatus.self, forKey: .status)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        switch clock {
        case .step:
            eventClock = try c.decodeIfPresent(Int.self, forKey: .eventStep).map(Double.init)
            endClock = Double(try c.decode(Int.self, forKey: .steps))
            requestedClock = Double(try c.decode(Int.self, forKey: .stepsRequested))
        case .time:
            eventClock = try c.decodeIfPresent(Double.self, forKey: .eventTime)
            endClock = try c.decode(Double.self, forKey: .time)
            requestedClock = try c.decode(Double.self, forKey: .timeRequested)
        }
        let folder = SummaryVectors.directory(decoder)
        if try c.decodeNil(forKey: .beta), let name = try c.decodeIfPresent(String.self, forKey: .betaFile) {
            beta = try SummaryVectors.load(name, key: "beta", directory: folder).values
        } else {
            beta = try c.decode([Double].self, forKey: .beta)
        }
        if let name = try c.decodeIfPresent(String.self, forKey: .directionFile) {
            _direction = try SummaryVectors.load(name, key: "direction", directory: folder).values
        } else {
            _direction = try c.decodeIfPresent([Double].self, forKey: .direction)
        }
        norm = try c.decode(Double.self, forKey: .norm)
        loss = try c.decodeIfPresent(Double.self, forKey: .loss)
        logLoss = try c.decodeIfPresent(Double.self, forKey: .logLoss) ?? -.infinity
        mse = try c.decodeIfPresent(Double.self, forKey: .mse)
        margin = try c.decodeIfPresent(Double.self, forKey: .margin) ?? .nan
        normalizedMargin = try c.decodeIfPresent(Double.self, forKey: .normalizedMargin)
        leader = try c.decode(Int.self, forKey: .leader)
        leaderAbsolute = try c.decode(Int.self, forKey: .leaderAbsolute)
        leaders = try c.decode([LeaderPeriod].self, forKey: .leaders)
        leadersAbsolute = try c.decode([LeaderPeriod].self, forKey: .leadersAbsolute)
        zeroCrossings = try c.decodeIfPresent([ZeroCrossing].self, forKey: .zeroCrossings)
        slides = try c.decodeIfPresent([SlideRecord].self, forKey: .slides)
        solver = try c.decodeIfPresent(SolverReport.self, forKey: .solver)
        if let name = try c.decodeIfPresent(String.self, forKey: .weightsFile) {
            let array = try SummaryVectors.load(name, key: "weights", directory: folder)
            let width = array.shape.count == 2 ? array.shape[1] : array.values.count
            weightLists = stride(from: 0, to: array.values.count, by: max(width, 1)).map { Array(array.values[$0..<($0 + width)]) }
            weightMatrices = nil
        } else if let names = try c.decodeIfPresent([String].self, forKey: .weightsFiles) {
            let arrays = try names.map { try SummaryVectors.load($0, key: "weights", directory: folder) }
            weightLists = arrays.map(\.values)
            weightMatrices = arrays.contains { $0.shape.count == 2 }
                ? arrays.map { a in let w = a.shape.last ?? 0; return stride(from: 0, to: a.values.count, by: max(w, 1)).map { Array(a.values[$0..<($0 + w)]) } }
                : nil
        } else if let vectors = try? c.decode([[Double]].self, forKey: .weights) {
            weightLists = vectors
            weightMatrices = nil
        } else {
            let matrices = try c.decode([[[Double]]].self, forKey: .weights)
            weightMatrices = matrices
            weightLists = matrices.map { $0.flatMap { $0 } }
        }
        let d = beta.count
        dataset = try c.decodeIfPresent(DatasetShape.self, forKey: .dataset) ?? DatasetShape(n: 0, d: d)
        let configValue = try c.decode(JSONValue.self, forKey: .config)
        config = try RunSpec(json: configValue, clock: clock, registry: Registry.from(decoder), path: "config", baseDirectory: folder)
        sharpness = c.contains(.lambdaMax)
            ? SharpnessRecord(lambdaMax: try c.decodeIfPresent(Double.self, forKey: .lambdaMax),
                              hessianTrace: try c.decodeIfPresent(Double.self, forKey: .hessianTrace), hasEdges: c.contains(.gdEdge),
                              gdEdge: try c.decodeIfPresent(Double.self, forKey: .gdEdge),
                              samEdge: try c.decodeIfPresent(Double.self, forKey: .samEdge))
            : nil
    }
}

/// The version SAMLab writes into summaries (`samlab_version`) and prints for `--version`.
public enum SAMLabVersion {
    /// This build's version.
    public static let current = "0.1.0"

    /// The CPU feature level this binary was compiled for: `x86-64-v3` for `make build` on a host with AVX2, FMA and
    /// BMI2 (the Makefile passes `-DSAMLAB_CPU_X86_64_V3` with `-target-cpu haswell`), else `portable` (baseline
    /// x86-64, or whatever `swift build` targets by default). Both levels compute the same bits; only the speed
    /// differs. Not written into summaries, which stay the same bytes on every build.
    #if SAMLAB_CPU_X86_64_V3
    public static let cpuLevel = "x86-64-v3"
    #else
    /// `portable`: this build targets baseline x86-64 (or the compiler's default for another architecture).
    public static let cpuLevel = "portable"
    #endif

    /// What `samlab --version` prints: the version and the CPU level, "0.1.0 (portable build)".
    public static var description: String { "\(current) (\(cpuLevel) build)" }
}
