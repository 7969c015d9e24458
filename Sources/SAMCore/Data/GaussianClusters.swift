import Foundation

/// Seeded synthetic data: n points around +m (label +1) and -m (label -1) with isotropic noise sigma.
///
/// Example i (0-based) has label +1 for even i and -1 for odd i, and x_i = y_i m + sigma xi_i with
/// xi_i ~ N(0, I) drawn in order from `SplitMix64(seed)`. Whether a draw is linearly separable is decided
/// elsewhere (by an LP, in SAMAnalysis): generation itself never rejects. Errors name the spec fields
/// `data.n`, `data.mean`, `data.sigma`, `data.seed` (and `data.gaussian` for the text form).
public struct GaussianClusters: Codable, Equatable, Sendable {
    /// The number of points n (at least 2; half of them, rounded up, have label +1).
    public var count: Int
    /// The cluster centre m of the +1 class (the -1 class is centred at -m).
    public var mean: [Double]
    /// The noise's standard deviation sigma, the same in every coordinate.
    public var sigma: Double
    /// The seed of the `SplitMix64` draws.
    public var seed: UInt64

    /// The most examples a draw may have: 10^7. Each point is an array of its own, and the separability check is
    /// a linear program with one row per point, so larger draws are refused up front rather than discovered by
    /// swapping.
    public static let maximumCount = 10_000_000
    /// The most numbers (n x d) a draw may have: 10^8, 800 MB of Float64 before the copies a run makes.
    public static let maximumValues = 100_000_000

    /// Checks the values: 2 <= n <= `maximumCount`, a non-empty finite mean, n x d <= `maximumValues`, a finite
    /// sigma >= 0.
    public init(count: Int, mean: [Double], sigma: Double, seed: UInt64) throws(SpecError) {
        guard count >= 2 else { throw .outOfRange(field: "data.n", value: "\(count)", requirement: "must be at least 2") }
        guard count <= Self.maximumCount else {
            throw .outOfRange(field: "data.n", value: "\(count)", requirement: "must be at most \(Self.maximumCount)",
                              note: "larger draws do not fit in memory")
        }
        guard !mean.isEmpty else { throw .inconsistent(field: "data.mean", detail: "needs at least one coordinate") }
        let (values, overflow) = count.multipliedReportingOverflow(by: mean.count)
        guard !overflow, values <= Self.maximumValues else {
            throw .inconsistent(field: "data.n", detail: "(\(count)) times d (\(mean.count)) is more than \(Self.maximumValues) numbers, which do not fit in memory: use fewer points or coordinates")
        }
        guard mean.allSatisfy(\.isFinite) else { throw .inconsistent(field: "data.mean", detail: "has a non-finite entry") }
        guard sigma.isFinite, sigma >= 0 else {
            throw .outOfRange(field: "data.sigma", value: "\(sigma)", requirement: "must be finite and non-negative")
        }
        self.count = count
        self.mean = mean
        self.sigma = sigma
        self.seed = seed
    }

    /// Parses `n=100,mean=1,2,sigma=0.3,seed=7`: a value that has no `key=` continues the previous key's list.
    public init(parsing text: String) throws(SpecError) {
        func fail(_ detail: String) -> SpecError { .data(field: "data.gaussian", detail: detail) }
        var values: [String: [String]] = [:]
        var current: String?
        for token in text.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if let eq = token.firstIndex(of: "=") {
                let key = String(token[..<eq]).lowercased()
                guard ["n", "mean", "sigma", "seed"].contains(key) else {
                    throw fail("unknown key '\(key)' (expected n, mean, sigma, seed)")
                }
                guard values[key] == nil else { throw fail("key '\(key)' given twice") }
                values[key] = [String(token[token.index(after: eq)...])]
                current = key
            } else if let key = current, key == "mean" {
                values[key]!.append(token)
            } else {
                throw fail("'\(token)' has no key (expected n=...,mean=...,sigma=...,seed=...)")
            }
        }
        for key in ["n", "mean", "sigma", "seed"] where values[key] == nil {
            throw fail("missing \(key)= (expected n=100,mean=1,2,sigma=0.3,seed=7)")
        }
        guard let n = Int(values["n"]![0]) else { throw fail("n='\(values["n"]![0])' is not an integer") }
        var mean = [Double]()
        for token in values["mean"]! {
            guard let m = Double(token) else { throw fail("mean entry '\(token)' is not a number") }
            mean.append(m)
        }
        guard let sigma = Double(values["sigma"]![0]) else { throw fail("sigma='\(values["sigma"]![0])' is not a number") }
        guard let seed = UInt64(values["seed"]![0]) else { throw fail("seed='\(values["seed"]![0])' is not a non-negative integer") }
        try self.init(count: n, mean: mean, sigma: sigma, seed: seed)
    }

    /// Draws the dataset (always the same one for the same values).
    public func generate() throws(DataError) -> Dataset {
        var rng = SplitMix64(seed: seed)
        var points = [[Double]]()
        var labels = [Double]()
        for i in 0..<count {
            let y: Double = i % 2 == 0 ? 1 : -1
            points.append(mean.map { y * $0 + sigma * rng.nextNormal() })
            labels.append(y)
        }
        return try Dataset(points: points, labels: labels, origin: .field("data.gaussian"))
    }
}
