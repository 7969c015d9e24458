/// Everything that defines a run of `samlab train`: with the same configuration, the same bytes come out.
///
/// It is stored whole in every summary (key `config`), so a run can be repeated from its summary alone.
public struct TrainConfiguration: Codable, Equatable, Sendable {
    public var data: DataSource
    public var depth: Int
    public var parametrization: Parametrization
    public var alpha: [Double]
    /// One vector per layer; when present it overrides `alpha`.
    public var layerInit: [[Double]]?
    public var loss: Loss
    public var optimizer: Optimizer
    public var learningRate: Double
    public var rho: Double
    public var steps: Int
    public var record: RecordingSchedule

    public enum Defaults {
        public static let mu: [Double] = [1, 2]
        public static let depth = 2
        public static let parametrization = Parametrization.product
        public static let alpha: [Double] = [0.5]
        public static let loss = Loss.logistic
        public static let optimizer = Optimizer.gd
        public static let learningRate = 0.1
        public static let rho = 0.1
        public static let steps = 1000
        public static let record = RecordingSchedule.log(200)
    }

    public init(data: DataSource = .singleExample(mu: Defaults.mu), depth: Int = Defaults.depth,
                parametrization: Parametrization = Defaults.parametrization, alpha: [Double] = Defaults.alpha,
                layerInit: [[Double]]? = nil, loss: Loss = Defaults.loss, optimizer: Optimizer = Defaults.optimizer,
                learningRate: Double = Defaults.learningRate, rho: Double = Defaults.rho, steps: Int = Defaults.steps,
                record: RecordingSchedule = Defaults.record) {
        self.data = data
        self.depth = depth
        self.parametrization = parametrization
        self.alpha = alpha
        self.layerInit = layerInit
        self.loss = loss
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.rho = rho
        self.steps = steps
        self.record = record
    }

    enum CodingKeys: String, CodingKey {
        case data, depth, parametrization = "param", alpha, layerInit = "layer_init", loss, optimizer
        case learningRate = "lr", rho, steps, record
    }

    /// Checks the scalar settings; the data and the network check themselves when built.
    public func validate() throws(InvalidInput) {
        guard learningRate.isFinite, learningRate > 0 else { throw InvalidInput("--lr must be positive (got \(learningRate))") }
        guard rho.isFinite, rho >= 0 else { throw InvalidInput("--rho must be non-negative (got \(rho))") }
        guard depth >= 1 else { throw InvalidInput("--depth must be at least 1 (got \(depth))") }
        guard steps >= 0 else { throw InvalidInput("--steps must be non-negative (got \(steps))") }
        guard alpha.allSatisfy(\.isFinite) else { throw InvalidInput("--alpha has a non-finite entry") }
        guard !alpha.isEmpty else { throw InvalidInput("--alpha needs at least one value") }
    }

    public var initialization: Initialization {
        if let layers = layerInit { return .layers(layers) }
        return .alpha(alpha)
    }

    /// The network this configuration starts from, for data of dimension d.
    public func network(dimension d: Int) throws(InvalidInput) -> DiagonalNetwork {
        try validate()
        return try DiagonalNetwork(depth: depth, parametrization: parametrization, initialization: initialization, dimension: d)
    }
}

/// Where the examples come from.
public enum DataSource: Equatable, Sendable {
    /// D_mu = {(mu, +1)}.
    case singleExample(mu: [Double])
    /// A CSV file; the points are kept too when the file is small, so that the summary alone repeats the run.
    case csv(path: String, embedded: EmbeddedData?)
    case gaussian(GaussianClusters)

    /// Loads or generates the dataset (no separability check here: that needs an LP, see SAMAnalysis).
    public func load() throws(InvalidInput) -> Dataset {
        switch self {
        case .singleExample(let mu):
            guard !mu.isEmpty else { throw InvalidInput("--mu needs at least one value") }
            if let j = mu.firstIndex(where: { !$0.isFinite }) { throw InvalidInput("--mu has a non-finite entry (mu_\(j + 1))") }
            return try Dataset.singleExample(mu: mu)
        case .csv(let path, let embedded):
            if let embedded { return try Dataset(points: embedded.points, labels: embedded.labels, source: path) }
            return try CSVDataset.read(path: path)
        case .gaussian(let spec):
            return try spec.generate()
        }
    }

    /// Datasets up to this many numbers are copied into the configuration.
    public static let embeddingLimit = 100_000
}

public struct EmbeddedData: Codable, Equatable, Sendable {
    public var points: [[Double]]
    public var labels: [Double]

    public init(points: [[Double]], labels: [Double]) {
        self.points = points
        self.labels = labels
    }
}

extension DataSource: Codable {
    enum CodingKeys: String, CodingKey { case kind, mu, path, points, labels, n, mean, sigma, seed }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "single":
            self = .singleExample(mu: try c.decode([Double].self, forKey: .mu))
        case "csv":
            let points = try c.decodeIfPresent([[Double]].self, forKey: .points)
            let labels = try c.decodeIfPresent([Double].self, forKey: .labels)
            let embedded = points.flatMap { p in labels.map { EmbeddedData(points: p, labels: $0) } }
            self = .csv(path: try c.decode(String.self, forKey: .path), embedded: embedded)
        case "gaussian":
            do {
                self = .gaussian(try GaussianClusters(count: try c.decode(Int.self, forKey: .n),
                                                      mean: try c.decode([Double].self, forKey: .mean),
                                                      sigma: try c.decode(Double.self, forKey: .sigma),
                                                      seed: try c.decode(UInt64.self, forKey: .seed)))
            } catch let error as InvalidInput {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: error.message))
            }
        case let kind:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown data kind '\(kind)' (single, csv, gaussian)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .singleExample(let mu):
            try c.encode("single", forKey: .kind)
            try c.encode(mu, forKey: .mu)
        case .csv(let path, let embedded):
            try c.encode("csv", forKey: .kind)
            try c.encode(path, forKey: .path)
            try c.encodeIfPresent(embedded?.points, forKey: .points)
            try c.encodeIfPresent(embedded?.labels, forKey: .labels)
        case .gaussian(let g):
            try c.encode("gaussian", forKey: .kind)
            try c.encode(g.count, forKey: .n)
            try c.encode(g.mean, forKey: .mean)
            try c.encode(g.sigma, forKey: .sigma)
            try c.encode(g.seed, forKey: .seed)
        }
    }
}
