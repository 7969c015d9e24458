/// Where a run's examples come from: the key `data` of a run specification.
///
///     {"kind": "single", "mu": [1, 2]}
///     {"kind": "csv", "path": "points.csv", "points": [[...]], "labels": [...]}   (points and labels optional)
///     {"kind": "gaussian", "n": 100, "mean": [1, 2], "sigma": 0.3, "seed": 7}
public enum DataSource: Equatable, Sendable {
    /// D_mu = {(mu, +1)} (THEORY.md §1.1).
    case singleExample(mu: [Double])
    /// A CSV file; the points are kept too when the file is small, so that the summary alone repeats the run.
    case csv(path: String, embedded: EmbeddedData?)
    /// Seeded Gaussian clusters around +m and -m.
    case gaussian(GaussianClusters)

    /// Datasets up to this many numbers are copied into the specification.
    public static let embeddingLimit = 100_000

    /// The default: D_mu with mu = (1, 2).
    public static let standard = DataSource.singleExample(mu: [1, 2])

    /// Checks the values the spec holds (the file and the draw are checked when loaded).
    public func validate() throws(SpecError) {
        if case .singleExample(let mu) = self {
            guard !mu.isEmpty else { throw .inconsistent(field: "data.mu", detail: "needs at least one value") }
            if let j = mu.firstIndex(where: { !$0.isFinite }) {
                throw .inconsistent(field: "data.mu", detail: "has a non-finite entry (mu_\(j + 1))")
            }
        }
    }

    /// Loads or generates the dataset (no separability check here: that needs an LP, see SAMAnalysis). A CSV file's
    /// labels must be +1 or -1 unless `labels` is `.real` (the squared loss's regression data).
    public func load(labels kind: LabelKind = .classes) throws(DataError) -> Dataset {
        switch self {
        case .singleExample(let mu):
            return try Dataset.singleExample(mu: mu)
        case .csv(let path, let embedded):
            if let embedded { return try Dataset(points: embedded.points, labels: embedded.labels, origin: .file(path), labelKind: kind) }
            return try CSVDataset.read(path: path, labels: kind)
        case .gaussian(let spec):
            return try spec.generate()
        }
    }

    /// This source with a small CSV file's examples embedded (so that a summary repeats the run on its own).
    public func embedding(_ dataset: Dataset) -> DataSource {
        guard case .csv(let path, nil) = self, dataset.count * dataset.dimension <= Self.embeddingLimit else { return self }
        return .csv(path: path, embedded: EmbeddedData(points: dataset.points, labels: dataset.labels))
    }

    /// The kind's name in JSON.
    public var kind: String {
        switch self {
        case .singleExample: "single"
        case .csv: "csv"
        case .gaussian: "gaussian"
        }
    }
}

/// The examples of a CSV file, kept in the specification.
public struct EmbeddedData: Codable, Equatable, Sendable {
    /// The points x_n, one row of d values each.
    public var points: [[Double]]
    /// The labels y_n, +1 or -1.
    public var labels: [Double]

    /// The given examples (validated when the dataset is loaded).
    public init(points: [[Double]], labels: [Double]) {
        self.points = points
        self.labels = labels
    }
}

extension DataSource {
    /// Strict reading of the `data` object: every key must belong to its kind.
    public init(spec object: SpecObject) throws(SpecError) {
        guard let kind = try object.string("kind") else { throw .missingKey(path: object.path, key: "kind") }
        switch kind {
        case "single":
            try object.requireOnly(["kind", "mu", "mu_file"])
            if let file = try object.string("mu_file") {
                let field = SpecField(object.path(of: "mu_file"))
                guard try object.doubles("mu") == nil else {
                    throw .conflict(field: field, with: SpecField(object.path(of: "mu")), detail: "give mu or mu_file, not both")
                }
                do { self = .singleExample(mu: try VectorFile.read(object.resolve(file))) } catch {
                    throw .data(field: field, detail: error.message)
                }
                return
            }
            guard let mu = try object.doubles("mu") else { throw .missingKey(path: object.path, key: "mu") }
            self = .singleExample(mu: mu)
        case "csv":
            try object.requireOnly(["kind", "path", "points", "labels"])
            guard let path = try object.string("path") else { throw .missingKey(path: object.path, key: "path") }
            let points = try object.doubleLists("points"), labels = try object.doubles("labels")
            guard (points == nil) == (labels == nil) else {
                throw .missingKey(path: object.path, key: points == nil ? "points" : "labels")
            }
            self = .csv(path: path, embedded: points.map { EmbeddedData(points: $0, labels: labels!) })
        case "gaussian":
            try object.requireOnly(["kind", "n", "mean", "sigma", "seed"])
            for key in ["n", "mean", "sigma", "seed"] where !object.contains(key) { throw .missingKey(path: object.path, key: key) }
            guard let seed = try object.integer("seed"), seed >= 0 else {
                throw .wrongType(path: object.path(of: "seed"), expected: "a non-negative integer")
            }
            self = .gaussian(try GaussianClusters(count: try object.integer("n")!, mean: try object.doubles("mean")!,
                                                  sigma: try object.double("sigma")!, seed: UInt64(seed)))
        default:
            throw .unknownName(field: SpecField(object.path(of: "kind")), name: kind, known: ["single", "csv", "gaussian"])
        }
    }
}

extension DataSource: Codable {
    enum CodingKeys: String, CodingKey { case kind, mu, muFile = "mu_file", path, points, labels, n, mean, sigma, seed }

    /// Reads the `data` object strictly (see `init(spec:)`).
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        self = try DataSource(spec: try SpecObject(value, path: ""))
    }

    /// Writes the `data` object: `kind` and that kind's keys. A run folder's summary (an encoder with a
    /// `SummaryVectors` sink) writes a mu longer than 1000 to `mu.npy`: `"mu": null, "mu_file": "mu.npy"`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .singleExample(let mu):
            try c.encode("single", forKey: .kind)
            if let sink = SummaryVectors.sink(encoder, count: mu.count) {
                try c.encodeNil(forKey: .mu)
                try c.encode("mu.npy", forKey: .muFile)
                sink.add("mu.npy", NPYArray(vector: mu))
            } else {
                try c.encode(mu, forKey: .mu)
            }
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
